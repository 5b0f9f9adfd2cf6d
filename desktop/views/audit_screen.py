"""The Audit screen (R13): the latest entries for the Owner and Record Custodians; a clear
explanation for everyone else."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..models import audit_model
from ..models.audit_model import AuditTableModel
from ..services import audit, staff
from ..services.policy import may_read_audit
from ..services.principal import Principal
from .messages import InlineMessage, refusal_text
from .widgets import EmptyState, ScreenHeader, button

#: how many entries the screen shows (the newest first).
LATEST = 200


class AuditScreen(QWidget):
    """Shows audit.recent_entries when policy allows it, else the rule's reason."""

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
            "Every sign-in, staff change and access to records, newest first. "
            "Entries can never be changed or removed.",
        )
        self.model = AuditTableModel(time_zone, self)
        self.refresh_button = button("&Refresh", "Refresh the audit trail")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.problem = InlineMessage("Audit trail problem", kind="alert")

        self.table = QTableView()
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
        header.setSectionResizeMode(audit_model.DETAILS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(audit_model.TIME, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in (
            (audit_model.WHO, 150),
            (audit_model.ACTION, 165),
            (audit_model.CLIENT, 80),
            (audit_model.WORKSTATION, 130),
        ):
            self.table.setColumnWidth(column, width)

        table_page = QWidget()
        bar = QHBoxLayout()
        bar.addWidget(self.count_label, 1)
        bar.addWidget(self.refresh_button)
        page_layout = QVBoxLayout(table_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(10)
        page_layout.addLayout(bar)
        page_layout.addWidget(self.problem)
        page_layout.addWidget(self.table, 1)

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
        if self.decision:
            self.pages.setCurrentIndex(0)
        else:
            self.header.subtitle.hide()
            self.pages.setCurrentIndex(1)
        self.refresh()

    @property
    def allowed(self) -> bool:
        return bool(self.decision)

    def refresh(self) -> None:
        """Reload the newest entries (nothing is read when the principal may not read them)."""
        if not self.decision:
            return
        self.problem.clear_text()
        try:
            entries = audit.recent_entries(self.ctx.uow(), self.principal, LATEST)
            names = {m.id: m.display_name for m in staff.list_staff(self.ctx.uow(), self.principal)}
        except Exception as error:
            self.problem.show_error(error)
            return
        self.model.set_entries(entries, names)
        count = len(entries)
        shown = (
            f"The latest {LATEST} entries"
            if count >= LATEST
            else f"{count} entr{'ies' if count != 1 else 'y'}"
        )
        self.count_label.setText(
            f"{shown}. Times are in the practice's time zone, {self.time_zone}."
        )
