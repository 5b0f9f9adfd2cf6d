"""The Audit screen (R13, ONC 170.315(d)(3)) for the Owner and Record Custodians: the trail in
plain words, filtered and sorted by the database a page at a time, the chosen entry's details,
export of what is shown to CSV and a check of the whole chain; a clear reason for everyone else."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QItemSelection, QRect, Qt, QThreadPool
from PySide6.QtGui import QHelpEvent, QRegion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedLayout,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..models import audit_model
from ..models.audit_model import AuditTableModel
from ..private_files import open_owner_only
from ..services import audit, audit_query, staff
from ..services.audit_query import AuditFilter, PageMark
from ..services.policy import may_read_audit
from ..services.principal import Principal
from .audit_details import AuditDetails
from .audit_filters import AuditFilters
from .audit_verify import VerifyWorker, verify_text
from .messages import InlineMessage, explain, refusal_text
from .widgets import EmptyState, ScreenHeader, button


class _EntriesTable(QTableView):
    """The entries' table, whose viewport is opaque: it fills its rectangle itself, except its
    two bottom corners, where the table's rounded frame shows through. Repainting the rows (a
    new page, a selection) then never repaints the screen, splitter and frame behind them.
    A cell's tooltip is its whole text (a long sentence is cut short on screen), read from the
    model when the pointer rests on it rather than stored twice for every cell of every page."""

    #: the table's corner radius in the style sheet (QTableView border-radius).
    CORNER = 8

    def resizeEvent(self, event) -> None:  # the view's and its viewport's resizes both
        super().resizeEvent(event)
        rows = self.viewport()
        rows.setAutoFillBackground(True)  # after the style sheet's polish, which turns it off
        area, corner = rows.rect(), self.CORNER
        bottom = area.height() - corner
        shown = QRegion(area)
        shown -= QRegion(QRect(0, bottom, corner, corner))
        shown -= QRegion(QRect(area.width() - corner, bottom, corner, corner))
        rows.setMask(shown)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.indexAt(event.pos())
            text = cell.data() if cell.isValid() else None
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport(), self.visualRect(cell))
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)


class AuditScreen(QWidget):
    """Shows the filtered trail when policy allows it, else the rule's reason."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        time_zone: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.time_zone = time_zone
        self.setObjectName("screen")
        self.setAccessibleName("Audit trail")
        self.decision = may_read_audit(principal)
        self.header = ScreenHeader(
            "Audit trail",
            "Every sign-in, staff change and access to records. Entries can never be changed "
            "or removed. Click a column title to sort; choose an entry to see its details.",
        )
        self.model = AuditTableModel(time_zone, self)
        self.model.on_error = self._show_problem
        self.people: list = []
        self.verify_worker: VerifyWorker | None = None
        self.last_verify: audit.VerifyResult | None = None
        today = ctx.clock.now().astimezone(ZoneInfo(time_zone)).date()
        self.filters = AuditFilters(time_zone, today)
        self.refresh_button = button("&Refresh", "Refresh the audit trail")
        self.export_button = button("E&xport to CSV…", "Export the entries shown to CSV")
        self.verify_button = button("&Verify the trail", "Verify the audit trail")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.problem = InlineMessage("Audit trail problem", kind="alert")
        self.result = InlineMessage("Audit trail result", kind="notice")

        self.table = _EntriesTable()
        self.table.setAccessibleName("Audit entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(70)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(audit_model.WHAT, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(audit_model.TIME, Qt.SortOrder.DescendingOrder)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._sort)
        # every time has the same width: measured once, not from each row's contents
        time_width = self.table.fontMetrics().horizontalAdvance("2026-12-03 08:19:13") + 40
        for column, width in (
            (audit_model.TIME, time_width),
            (audit_model.WHO, 150),
            (audit_model.ACTION, 170),
            (audit_model.CLIENT, 150),
            (audit_model.WORKSTATION, 120),
        ):
            self.table.setColumnWidth(column, width)
        self.details = AuditDetails()

        table_page = QWidget()
        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.filters.clear)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.refresh_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        page_layout = QVBoxLayout(table_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(10)
        page_layout.addWidget(self.filters)
        page_layout.addLayout(bar)
        page_layout.addWidget(self.problem)
        page_layout.addWidget(self.result)
        page_layout.addWidget(split, 1)

        reason = refusal_text(self.decision) if not self.decision else ""
        self.refusal = EmptyState(
            "lock",
            "The audit trail is private",
            f"{reason} Ask one of them if you need to know who did what.",
        )
        self.refusal.setAccessibleName("Audit trail not available")
        self.refusal.text.setAccessibleName(reason)

        self.pages = QStackedLayout()
        self.pages.addWidget(table_page)
        self.pages.addWidget(self.refusal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addWidget(self.header)
        layout.addLayout(self.pages, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.verify_button.clicked.connect(self.verify)
        self.filters.changed.connect(self.apply_filters)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.model.modelReset.connect(self._rows_changed)
        self.model.rowsInserted.connect(self._rows_changed)
        if self.decision:
            self.pages.setCurrentIndex(0)
        else:
            self.header.subtitle.hide()
            self.pages.setCurrentIndex(1)
        self.refresh()

    @property
    def allowed(self) -> bool:
        return bool(self.decision)

    # -- reading -------------------------------------------------------------------------------

    def _fetch(self, wanted: AuditFilter):
        def fetch(sort: str, descending: bool, after: PageMark | None):
            return audit_query.audit_page(
                self.ctx.uow(), self.principal, wanted, sort, descending, after
            )

        return fetch

    def refresh(self) -> None:
        """Read the staff list and the first page again (nothing when the principal may not)."""
        if not self.decision:
            return
        self.problem.clear_text()
        try:
            people = staff.list_staff(self.ctx.uow(), self.principal)
        except Exception as error:
            self._show_problem(error)
            return
        self.people = people
        self.filters.set_people(people)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Read the first page for the filters chosen."""
        if not self.decision:
            return
        self.problem.clear_text()
        self.model.set_fetch(self._fetch(self.filters.filter()))

    def _show_problem(self, error: Exception) -> None:
        self.problem.show_text(explain(error))

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        if column not in audit_model.SORT_KEYS:
            header = self.table.horizontalHeader()
            key = next(k for k, v in audit_model.SORT_KEYS.items() if v == self.model.sort_key)
            header.blockSignals(True)
            descending = Qt.SortOrder.DescendingOrder
            header.setSortIndicator(
                key, descending if self.model.descending else Qt.SortOrder.AscendingOrder
            )
            header.blockSignals(False)
            self.result.show_text(
                "The table sorts by time, person, action or workstation. "
                "To see one client's entries, type their name in Client."
            )
            return
        self.result.clear_text()
        self.model.sort(column, order)

    def _rows_changed(self, *_args) -> None:
        count = self.model.rowCount()
        page = self.model.last_page
        zone = f"Times are in the practice's time zone, {self.time_zone}."
        if page is not None and page.too_many_clients:
            shown = (
                f"More than {audit_query.MAX_CLIENTS} clients match that name: the first "
                f"{audit_query.MAX_CLIENTS} are shown. Type more of the name."
            )
        elif page is not None and page.clients_matched == 0:
            shown = "No client's name matches. Check the spelling or type less of the name."
        elif count == 0:
            shown = "No entries match these filters."
        elif self.model.has_more:
            shown = f"The first {count:,} entries; scroll down for more."
        else:
            shown = f"{count:,} entr{'ies' if count != 1 else 'y'}."
        self.count_label.setText(f"{shown} {zone}")
        self.export_button.setEnabled(count > 0)
        if not self.table.selectionModel().hasSelection():
            self.details.show_row(None, "", {})

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row(rows[0].row()) if rows else None
        when = self.model.local_time(row.entry.occurred_at) if row else ""
        names = {member.id: member.display_name for member in self.people}
        self.details.show_row(row, f"{when} ({self.time_zone})" if row else "", names)

    # -- export and verify ---------------------------------------------------------------------

    def choose_export_path(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the audit entries", "audit-entries.csv", "CSV files (*.csv)"
        )
        return Path(path) if path else None

    def export(self) -> int | None:
        """Write the entries the filters select (every page, in the table's order) to a file
        only its owner can read; returns how many were written."""
        if not self.decision:
            return None
        path = self.choose_export_path()
        if path is None:
            return None
        self.problem.clear_text()
        try:
            with open_owner_only(path) as out:
                count = audit_query.export_filtered_csv(
                    self.ctx.uow(),
                    self.principal,
                    out,
                    self.filters.filter(),
                    self.model.sort_key,
                    self.model.descending,
                )
        except Exception as error:
            self._show_problem(error)
            return None
        self.result.show_text(
            f"{count:,} entr{'ies' if count != 1 else 'y'} exported to {path.name}. "
            "Only you can open the file on this computer."
        )
        return count

    def verify(self) -> VerifyWorker | None:
        """Check the whole chain on a pool thread; say what was found: intact, or the first
        entry at fault. The button waits until the check is done."""
        if not self.decision or self.verify_worker is not None:
            return None
        self.problem.clear_text()
        self.result.show_text("Checking every entry of the trail…")
        self.verify_button.setEnabled(False)
        worker = VerifyWorker(self.ctx)
        worker.signals.done.connect(self._verified)
        worker.signals.failed.connect(self._verify_failed)
        self.verify_worker = worker
        QThreadPool.globalInstance().start(worker)
        return worker

    def _verify_finished(self) -> None:
        self.verify_worker = None
        self.verify_button.setEnabled(True)

    def _verified(self, found: audit.VerifyResult) -> None:
        self._verify_finished()
        self.last_verify = found
        intact, text = verify_text(found)
        if intact:
            self.result.show_text(text)
        else:
            self.result.clear_text()
            self.problem.show_text(text)

    def _verify_failed(self, reason: str) -> None:
        self._verify_finished()
        self.result.clear_text()
        self.problem.show_text(reason)
