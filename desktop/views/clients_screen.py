"""The Clients screen (R1): My Clients or All Clients, searched as you type, sorted by the database."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..models.client_cells import count_text
from ..models.client_list_model import NAME, UNSORTABLE, ClientListModel, ClientQuery
from ..services import practice
from ..services.clients import may_create_client
from ..services.policy import may_see_all_clients
from ..services.principal import Principal, Role
from .client_table import client_table, fit_columns
from .emergency_dialog import EmergencyAccessDialog, emergency_dialog_for, emergency_offered
from .messages import InlineMessage, explain, refusal_text
from .new_client_dialog import NewClientDialog
from .past_clients_dialog import PastClientsDialog
from .style import ACCENT
from .widgets import EmptyState, ScreenHeader, button, clear_button, primary_button, tool_label

#: how long typing may pause before the list is searched, in milliseconds.
SEARCH_DELAY_MS = 150
SEARCH_PLACEHOLDER = "Search by name, date of birth, email or phone"
#: the status filter: (label, the service's status or None).
STATUS_CHOICES = (
    ("All statuses", None),
    ("Active", "active"),
    ("Inactive", "inactive"),
    ("Discharged", "discharged"),
)
TITLES = {"all": "All Clients", "mine": "My Clients"}
SUBTITLES = {
    "all": "Every client of the practice. Press Enter or double-click to open one.",
    "mine": "The clients on your list. Press Enter or double-click to open one.",
}
#: the segmented My / All choice; not in style.qss because only this screen has one.
_SEGMENTS_QSS = f"""
QPushButton[segment="true"] {{
    border-radius: 0; padding: 6px 16px; background: #ffffff; color: #33404d;
}}
QPushButton[segment="true"]:checked {{
    background: #e7f4f2; color: #0b4f49; border-color: {ACCENT};
}}
QPushButton#segmentFirst {{ border-top-left-radius: 6px; border-bottom-left-radius: 6px; }}
QPushButton#segmentLast {{
    border-top-right-radius: 6px; border-bottom-right-radius: 6px; margin-left: -1px;
}}
"""


def default_scope(principal: Principal) -> str:
    """R1: All Clients for group-wide roles (also when they are a provider), else My Clients."""
    return "all" if may_see_all_clients(principal) else "mine"


def has_scope_choice(principal: Principal) -> bool:
    """A provider who also holds a group-wide role chooses between My and All Clients."""
    return may_see_all_clients(principal) and principal.has(Role.PROVIDER)


class ClientsScreen(QWidget):
    """The client list of the signed-in principal (R1) with search, status filter, sorting and
    New client. Enter or a double-click on a row emits `client_activated(client_id)`."""

    client_activated = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        time_zone: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        #: the New client dialog while it is open (window-modal, not blocking).
        self.current_dialog: QDialog | None = None
        self.setObjectName("screen")
        self.setAccessibleName("Clients")
        scope = default_scope(principal)
        self._may_create = may_create_client(principal)

        self.header = ScreenHeader(TITLES[scope], SUBTITLES[scope])
        self.scope_bar = QWidget()
        self.scope_bar.setStyleSheet(_SEGMENTS_QSS)
        self.all_button = self._segment("&All clients", "segmentFirst")
        self.mine_button = self._segment("M&y clients", "segmentLast")
        self.scope_group = QButtonGroup(self)
        self.scope_group.setExclusive(True)
        for segment in (self.all_button, self.mine_button):
            self.scope_group.addButton(segment)
        (self.all_button if scope == "all" else self.mine_button).setChecked(True)
        segments = QHBoxLayout(self.scope_bar)
        segments.setContentsMargins(0, 0, 0, 0)
        segments.setSpacing(0)
        segments.addWidget(self.all_button)
        segments.addWidget(self.mine_button)
        self.scope_bar.setVisible(has_scope_choice(principal))
        self.scope_bar.setAccessibleName("Whose clients")

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        clear_button(self.search_edit)
        self.search_edit.setAccessibleName("Search clients")
        self.search_edit.setToolTip(
            "Type part of a name, a date of birth as YYYY-MM-DD, an email or a phone number "
            "(Ctrl+F). Esc clears the search; Down goes to the list."
        )
        self.search_edit.setMaxLength(200)
        self.search_edit.installEventFilter(self)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status filter")
        self.status_combo.view().setAccessibleName("Statuses")
        self.status_combo.setToolTip("Show clients with this status with any provider")
        for label, value in STATUS_CHOICES:
            self.status_combo.addItem(label, value)
        self.status_combo.setMinimumContentsLength(12)
        self.past_button = button("&Past clients…")
        self.past_button.setToolTip("Your own charts of clients no longer on your list")
        self.past_button.setVisible(principal.has(Role.PROVIDER))
        self.emergency_button = button("Emer&gency access…")
        self.emergency_button.setToolTip(
            "Open the records of a client you may not otherwise read, for a reason (audited)"
        )
        self.emergency_button.setVisible(emergency_offered(ctx, principal))
        self.new_button = primary_button("&New client…")
        self.new_button.setEnabled(bool(self._may_create))
        self.new_button.setToolTip(
            "Add a client (Ctrl+N)" if self._may_create else refusal_text(self._may_create)
        )

        self.count_label = QLabel("")
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName("How many clients")
        self.notice = InlineMessage("Result of the last change", kind="notice")
        self.problem = InlineMessage("Why the list cannot be shown", kind="alert")

        self.model = ClientListModel(
            ctx.uow,
            principal,
            time_zone or self._practice_time_zone(),
            ClientQuery(scope=scope),
            parent=self,
            count_later=True,
        )
        self.table = client_table(self.model)
        self.table.viewport().installEventFilter(self)
        self.empty_state = EmptyState("clients", "", "")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty_state)

        tools = QHBoxLayout()
        tools.setSpacing(8)
        tools.addWidget(self.scope_bar)
        tools.addWidget(tool_label("Search", self.search_edit))
        tools.addWidget(self.search_edit, 1)
        tools.addSpacing(4)
        tools.addWidget(tool_label("Status", self.status_combo))
        tools.addWidget(self.status_combo)
        tools.addSpacing(8)
        tools.addWidget(self.past_button)
        tools.addWidget(self.emergency_button)
        tools.addWidget(self.new_button)
        heading = QHBoxLayout()
        heading.addWidget(self.header, 1)
        heading.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addLayout(heading)
        layout.addLayout(tools)
        layout.addWidget(self.problem)
        layout.addWidget(self.notice)
        layout.addWidget(self.pages, 1)

        order = [self.all_button, self.mine_button, self.search_edit, self.status_combo]
        order += [self.past_button, self.emergency_button, self.new_button, self.table]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_search)
        self.search_edit.textChanged.connect(self._search_typed)
        self.search_edit.returnPressed.connect(self.apply_search)
        self.status_combo.currentIndexChanged.connect(self._status_chosen)
        self.scope_group.buttonClicked.connect(self._scope_chosen)
        self.new_button.clicked.connect(self.open_new_client)
        self.past_button.clicked.connect(self.open_past_clients)
        self.emergency_button.clicked.connect(self.open_emergency_access)
        self.table.activated.connect(self._activated)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_chosen)
        self.model.reloaded.connect(self._show_count)
        self.model.fetch_failed.connect(self.problem.show_error)
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self.focus_search)
        self.new_shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        self.new_shortcut.activated.connect(self.open_new_client)
        self.refresh()

    def _segment(self, text: str, name: str) -> QPushButton:
        segment = QPushButton(text)
        segment.setObjectName(name)
        segment.setProperty("segment", True)
        segment.setCheckable(True)
        segment.setAccessibleName(text.replace("&", ""))
        return segment

    def _practice_time_zone(self) -> str:
        try:
            info = practice.practice_info(self.ctx.uow())
        except Exception:
            info = None
        return info.time_zone if info else (self.ctx.config.time_zone or "UTC")

    # -- the list ------------------------------------------------------------------------------

    @property
    def scope(self) -> str:
        return self.model.query.scope

    def refresh(self, select_id: int | None = None) -> bool:
        """Search again (after a change, or when the screen is shown), keeping the selection;
        `select_id` selects that client instead. False when the list could not be read."""
        keep = select_id if select_id is not None else self.selected_client_id()
        if not self._load(self.model.refresh):
            return False
        if keep is not None:
            self.select_client(keep, fetch_ids=select_id is not None)
        return True

    def _load(self, action) -> bool:
        """Run a model query; a refusal or failure is shown above the list, which stays as is."""
        try:
            action()
        except Exception as error:
            self.problem.show_text(explain(error))
            self._show_count(self.model.total)
            return False
        self.problem.clear_text()
        self._show_count(self.model.total)
        return True

    def _show_count(self, total: int) -> None:
        query = self.model.query
        counting = not self.model.counted
        self.count_label.setText("Counting clients…" if counting else count_text(total))
        self.header.title.setText(TITLES[query.scope])
        self.header.subtitle.setText(SUBTITLES[query.scope])
        self.pages.setCurrentWidget(self.table if total else self.empty_state)
        if not total:
            title, text = self._empty_texts(query)
            self.empty_state.title.setText(title)
            self.empty_state.text.setText(text)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        header.blockSignals(False)

    def _empty_texts(self, query: ClientQuery) -> tuple[str, str]:
        status = next((label for label, value in STATUS_CHOICES if value == query.status), "")
        if query.search.strip():
            shown = query.search.strip()
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            title = f"No clients match '{shown}'."
            if query.status:
                title = f"No {status.lower()} clients match '{shown}'."
            return title, (
                "Check the spelling, or search by date of birth (YYYY-MM-DD), email or phone. "
                "Press Esc to clear the search."
            )
        if query.status:
            everyone = "all your clients" if query.scope == "mine" else "every client"
            return f"No {status.lower()} clients", f"Choose All statuses to see {everyone}."
        add = " Add one with New client (Ctrl+N)." if self._may_create else ""
        if query.scope == "mine":
            return "No clients on your list yet", (
                "Clients appear here when you add them, when someone books them with you, or "
                f"when a colleague adds them to your list.{add}"
            )
        return "No clients yet", f"The practice has no clients yet.{add}"

    # -- choosing what to show -----------------------------------------------------------------

    def _search_typed(self, _text: str) -> None:
        self.search_timer.start()

    def apply_search(self) -> None:
        """Search now for what is typed (the timer calls this once typing pauses)."""
        self.search_timer.stop()
        text = self.search_edit.text()
        if text != self.model.query.search:
            keep = self.selected_client_id()
            self._load(lambda: self.model.update_query(search=text))
            if keep is not None:
                self.select_client(keep, fetch_ids=False)

    def clear_search(self) -> None:
        self.search_edit.clear()
        self.apply_search()

    def _status_chosen(self, _index: int) -> None:
        status = self.status_combo.currentData()
        self._load(lambda: self.model.update_query(status=status))

    def _scope_chosen(self, segment: QPushButton) -> None:
        scope = "all" if segment is self.all_button else "mine"
        if scope != self.scope:
            self._load(lambda: self.model.update_query(scope=scope))

    def set_scope(self, scope: str) -> None:
        """Show My Clients ("mine") or All Clients ("all"), as clicking the choice does."""
        segment = self.all_button if scope == "all" else self.mine_button
        segment.setChecked(True)
        self._scope_chosen(segment)

    def _sort_chosen(self, column: int, order: Qt.SortOrder) -> None:
        if not self.model.is_sortable(column):
            self.notice.show_text(UNSORTABLE[column])
            self._show_count(self.model.total)  # the indicator goes back where it was
            return
        self.notice.clear_text()
        self._load(lambda: self.model.sort(column, order))

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key() if isinstance(event, QKeyEvent) else None
            if key == Qt.Key.Key_Escape and self.search_edit.text():
                self.clear_search()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.apply_search()
                if self.model.rowCount() == 1:  # one client found: open them
                    self.table.selectRow(0)
                    self._activated(self.model.index(0, 0))
                return True
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.apply_search()
                self._focus_table()
                return True
        elif watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            fit_columns(self.table)
        return super().eventFilter(watched, event)

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.selectionModel().hasSelection() and self.model.rowCount():
            self.table.selectRow(0)

    # -- rows ----------------------------------------------------------------------------------

    def selected_client_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.client_id(rows[0].row()) if rows else None

    def select_client(self, client_id: int, *, fetch_ids: bool = True) -> bool:
        """Select and show the row of this client, if the list holds it."""
        row = self.model.row_of(client_id, fetch_ids=fetch_ids)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _activated(self, index: QModelIndex) -> None:
        client_id = self.model.client_id(index.row())
        if client_id is not None:
            self.client_activated.emit(client_id)

    # -- New client ----------------------------------------------------------------------------

    def open_new_client(self) -> None:
        if not self._may_create or self.current_dialog is not None:
            return
        self.notice.clear_text()
        dialog = NewClientDialog(self.ctx, self.principal, self)
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: self._client_added(dialog))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def open_past_clients(self) -> PastClientsDialog | None:
        """The provider's charts of clients no longer on their list (R3)."""
        if self.current_dialog is not None:
            return None
        dialog = PastClientsDialog(self.ctx, self.principal, self)
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: self.client_activated.emit(dialog.chosen_id))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def open_emergency_access(self) -> EmergencyAccessDialog | None:
        """R18: the selected client when emergency access may open them, otherwise a search by
        name; once opened, the client's window opens with its red banner."""
        if self.current_dialog is not None:
            return None
        index = self.table.currentIndex()
        name = str(self.model.data(index.siblingAtColumn(NAME)) or "") if index.isValid() else ""
        dialog = emergency_dialog_for(
            self.ctx, self.principal, self, self.selected_client_id(), name
        )
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: self.client_activated.emit(dialog.access.client_id))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None
        dialog.deleteLater()

    def _client_added(self, dialog: NewClientDialog) -> None:
        profile = dialog.profile
        if profile is None:
            return
        if not self.refresh(select_id=profile.id):
            return
        if self.selected_client_id() != profile.id:
            # The search or the filter hides the new client: show everyone, then select them.
            self.search_timer.stop()
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            self.status_combo.blockSignals(True)
            self.status_combo.setCurrentIndex(0)
            self.status_combo.blockSignals(False)
            self._load(lambda: self.model.update_query(search="", status=None))
            self.select_client(profile.id)
        self.notice.show_text(f"{profile.full_name} was added.")
        self.table.setFocus()
