"""Notes to write: a provider's attended sessions still without a signed note some hours after
they ended (the practice's setting); the Owner and Managers choose a provider, or see all."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ..app import AppContext
from ..models import notes_to_write_model
from ..models.notes_to_write_model import NotesToWriteModel
from ..services import session_notes, staff
from ..services.errors import PermissionRefused
from ..services.principal import Principal, Role
from .client_profile.session_note import open_session_note
from .client_profile.tables import read_only_table, stretch_columns
from .messages import InlineMessage, explain
from .widgets import EmptyState, ScreenHeader, button, primary_button

ALL_PROVIDERS = "All providers"


def waiting_count(ctx: AppContext, principal: Principal) -> int:
    """How many sessions wait for their note, as the screen lists them at first (every provider
    the person oversees, or their own): for the navigation before the screen is opened. A person
    with no such list, or a database that cannot answer now, counts none; the screen says why
    when it is opened."""
    try:
        return len(session_notes.notes_to_write(ctx.uow(), principal, None))
    except Exception:  # noqa: BLE001 - only a count in the navigation; the screen explains
        return 0


class NotesToWriteScreen(QWidget):
    """The list, a provider choice for the Owner and Managers, and "Write note…" for the
    signed-in provider's own sessions (Enter or double-click)."""

    #: how many sessions are waiting, after each refresh (for the navigation's count).
    count_changed = Signal(int)

    def __init__(
        self, ctx: AppContext, principal: Principal, time_zone: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.principal, self.zone = ctx, principal, ZoneInfo(time_zone)
        self.setObjectName("screen")
        self.setAccessibleName("Notes to write")
        self.header = ScreenHeader("Notes to write", "")
        self.provider = QComboBox()
        self.provider.setAccessibleName("Provider")
        self.provider.view().setAccessibleName("Provider: choices")
        self.provider.setMinimumWidth(220)
        provider_label = QLabel("&Provider")
        provider_label.setBuddy(self.provider)
        self.write_button = primary_button("&Write note…", "Write note")
        self.write_button.clicked.connect(self.write_selected)
        self.refresh_button = button("&Refresh", "Refresh the list")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.write_button, 0, Qt.AlignmentFlag.AlignBottom)
        choose = QHBoxLayout()
        choose.addWidget(provider_label)
        choose.addWidget(self.provider)
        choose.addStretch(1)
        self.oversees = principal.has(Role.OWNER, Role.MANAGER)
        provider_label.setVisible(self.oversees)
        self.provider.setVisible(self.oversees)

        self.model = NotesToWriteModel(self.zone, self)
        self.table = read_only_table("Sessions waiting for their note")
        self.table.setModel(self.model)
        stretch_columns(
            self.table,
            {
                notes_to_write_model.WHEN: 240,
                notes_to_write_model.CLIENT: None,
                notes_to_write_model.PROVIDER: None,
                notes_to_write_model.KIND: None,
                notes_to_write_model.NOTE: 120,
            },
        )
        # Enter, or a double-click (a single click where the desktop opens items so)
        self.table.activated.connect(lambda _index: self.write_selected())
        self.table.selectionModel().currentRowChanged.connect(self._update_write)
        self.empty = EmptyState("notes", "Every session has its note", "")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.problem = InlineMessage("Problem with notes to write")
        self.notice = InlineMessage("Done", kind="notice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(choose)
        layout.addWidget(self.problem)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        self._fill_providers()
        self.provider.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh()

    def _fill_providers(self) -> None:
        if not self.oversees:
            return
        self.provider.addItem(ALL_PROVIDERS, None)
        try:
            members = staff.list_staff(
                self.ctx.uow(), self.principal, include_inactive=False, providers_only=True
            )
        except Exception as error:
            self.problem.show_text(explain(error))
            return
        for member in members:
            self.provider.addItem(member.display_name, member.id)

    def refresh(self) -> None:
        """Read the list again (the clock moves on: a session may have become due)."""
        self.problem.show_text("")
        provider_id = self.provider.currentData() if self.oversees else None
        try:
            hours = session_notes.note_due_hours(self.ctx.uow(), self.principal)
            rows = session_notes.notes_to_write(self.ctx.uow(), self.principal, provider_id)
        except PermissionRefused as refusal:
            self._show_empty("Notes to write are not yours to see", explain(refusal), "")
            self.model.set_rows([])
            self._update_write()
            return
        except Exception as error:
            self.problem.show_text(explain(error))
            return
        due = f"{hours} hours" if hours != 1 else "1 hour"
        self._show_empty(
            "Every session has its note",
            "No attended session is waiting for its note.",
            f"Attended sessions without a signed progress note {due} after they ended. "
            "Private notes do not count.",
        )
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        if rows:
            self.table.selectRow(0)
        self._update_write()
        self.count_changed.emit(len(rows))

    def _show_empty(self, title: str, text: str, subtitle: str) -> None:
        self.empty.title.setText(title)
        self.empty.text.setText(text)
        self.header.subtitle.setText(subtitle)
        self.header.subtitle.setVisible(bool(subtitle))
        self.stack.setCurrentWidget(self.empty)
        self.write_button.setVisible(self.principal.has(Role.PROVIDER))

    def selected(self):
        index = self.table.currentIndex()
        return self.model.row_item(index.row()) if index.isValid() else None

    def _update_write(self, *_args) -> None:
        row = self.selected()
        mine = row is not None and row.provider_id == self.principal.staff_id
        self.write_button.setEnabled(mine)
        if row is None:
            self.write_button.setToolTip("Choose a session first.")
        elif not mine:
            self.write_button.setToolTip(f"Only {row.provider_name} writes this session's note.")
        else:
            self.write_button.setToolTip("Write this session's progress note (Enter).")

    def write_selected(self) -> None:
        row = self.selected()
        if row is None or row.provider_id != self.principal.staff_id:
            return
        message, failed = open_session_note(
            self.ctx,
            self.principal,
            row.appointment_id,
            row.client_id,
            row.client_name,
            self.zone,
            self,
        )
        if failed:
            self.problem.show_text(message)
            return
        if message:
            self.notice.show_text(message)
            self.refresh()
