"""Linked profiles (R14) on the Profile tab: the person's other profiles ("Self"), each with
the reason it exists; open one, or create a second profile with a reason (Owner, Manager,
Record Custodian)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import linked_profiles
from ...services.linked_profiles import LinkedProfileRow
from ...services.policy import may_link_profiles
from ..form_dialog import FormDialog
from ..messages import explain, refusal_text
from ..widgets import Field, button
from .look import day

#: the longest reason the service accepts.
MAX_REASON = 200
ABOUT = (
    "A second profile of the same person, for another discipline or to keep two services "
    "apart. Each profile has its own providers and charts; nothing passes between them."
)


def row_text(row: LinkedProfileRow) -> str:
    born = f"born {day(row.date_of_birth)}" if row.date_of_birth else "no date of birth"
    reason = f" — {row.reason}" if row.reason else ""
    return f"{row.display_name} ({born}) · {row.relationship}{reason}"


class LinkedProfilesPanel(QWidget):
    """The list of linked profiles with Open and Create; `load()` reads them again."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.rows: list[LinkedProfileRow] = []
        self.current_dialog: CreateLinkedProfileDialog | None = None
        title = QLabel("Linked profiles")
        title.setObjectName("sectionTitle")
        hint = QLabel(ABOUT)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("checkList")
        self.list.setAccessibleName("Linked profiles")
        self.empty = QLabel("This person has no other profile.")
        self.empty.setObjectName("emptyText")
        self.open_button = button("Open lin&ked profile")
        self.create_button = button("Create linked profile…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for widget in (title, hint, self.empty, self.list):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.create_button.clicked.connect(self.open_create)

    def load(self) -> None:
        try:
            self.rows = linked_profiles.linked_profiles(
                self.host.ctx.uow(), self.host.principal, self.host.client_id
            )
            problem = ""
        except Exception as error:
            self.rows, problem = [], explain(error)
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(row_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.client_id)
            item.setToolTip(f"Linked on {day(row.linked_at)}. Open it with Enter.")
            self.list.addItem(item)
        self.list.setFixedHeight(14 + 30 * max(len(self.rows), 1))
        self.list.setVisible(bool(self.rows))
        self.empty.setText(problem or "This person has no other profile.")
        self.empty.setVisible(not self.rows)
        if self.rows:
            self.list.setCurrentRow(0)
        self.open_button.setEnabled(bool(self.rows))
        decision = may_link_profiles(self.host.principal)
        self.create_button.setEnabled(bool(decision))
        self.create_button.setToolTip(
            "Create a second profile of this person" if decision else refusal_text(decision)
        )

    def open_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.host.open_client_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def open_create(self) -> CreateLinkedProfileDialog | None:
        if not self.create_button.isEnabled() or self.current_dialog is not None:
            return None
        dialog = CreateLinkedProfileDialog(self.host, self)
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: self._created(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None
        dialog.deleteLater()

    def _created(self, dialog: CreateLinkedProfileDialog) -> None:
        created = dialog.created
        if created is None:
            return
        self.host.changed(f"A linked profile of {created.full_name} was created.")
        self.host.open_client_requested.emit(created.id)


class CreateLinkedProfileDialog(FormDialog):
    """Ask for the reason, then create the second profile (R14). `created` is the new profile."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__("Create linked profile", "&Create profile", parent, width=480)
        self.host = host
        self.created = None
        name = host.profile.full_name if host.profile else "this client"
        self.intro(
            f"A new profile of {name} is made with the same demographics (not the billing "
            "notes), linked to this one as “Self”. It starts with no providers and no chart."
        )
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setPlaceholderText("e.g. Physiotherapy kept apart from counselling")
        self.field = Field("&Reason", self.reason, hint="Required; shown on both profiles.")
        self.body.addWidget(self.field)
        self.reason.textChanged.connect(lambda text: self._update(text))
        self._update("")
        self.reason.setFocus()

    def _update(self, text: str) -> None:
        self.field.clear_error()
        self.set_ok(bool(text.strip()), "Say why this person needs a second profile.")

    def submit(self) -> None:
        created = self.attempt(
            lambda: linked_profiles.create_linked_profile(
                self.host.ctx.uow(), self.host.principal, self.host.client_id, self.reason.text()
            )
        )
        if created is not None:
            self.created = created
            self.accept()
