"""The Emergency access dialog (R18): find the client, type the reason, confirm the warning.
Opening it changes nothing; "Open records" opens the access, audited, and tells the chart
authors, the Owner and the Record Custodians."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from ..services import emergency
from ..services.emergency import EmergencyAccessView
from ..services.errors import InvalidInput
from .client_profile.look import day
from .form_dialog import FormDialog
from .messages import InlineMessage, refusal_text
from .widgets import Field, clear_button, show_problems

SEARCH_DELAY_MS = 250


def duration_text(minutes: int) -> str:
    """ "one hour", "30 minutes", "2 hours 30 minutes"."""
    if minutes == 60:
        return "one hour"
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours > 1 else ''}"] if hours else []
    if rest:
        parts.append(f"{rest} minute{'s' if rest > 1 else ''}")
    return " ".join(parts)


class EmergencyAccessDialog(FormDialog):
    """Opens an emergency access to one client. Given `client_id` (chosen in a list), the
    client is fixed; without it, the person finds the client by name. On success `access`
    holds the open access and the dialog accepts."""

    asks_to_save = False

    def __init__(
        self,
        ctx,
        principal,
        parent: QWidget | None = None,
        *,
        client_id: int | None = None,
        client_name: str = "",
    ) -> None:
        super().__init__("Emergency access", "&Open records", parent, width=520)
        self.ctx, self.principal = ctx, principal
        self.access: EmergencyAccessView | None = None
        self.client_id = client_id
        minutes = self.attempt(lambda: emergency.emergency_minutes(ctx.uow(), principal)) or 60
        self.warning = InlineMessage("Warning", kind="alert")
        self.warning.show_text(
            "Use emergency access only when a client's care cannot wait for the people who "
            f"keep their records. For {duration_text(minutes)} you will read the profile and "
            "every chart, except private psychotherapy notes. Every read is recorded with "
            "your reason; the chart's authors, the Owner and the Record Custodians are told at "
            "once, and the use is reviewed."
        )
        self.body.addWidget(self.warning)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of the client's name")
        self.search.setMaxLength(200)
        clear_button(self.search)
        self.results = QListWidget()
        self.results.setObjectName("checkList")
        self.results.setAccessibleName("Clients found")
        self.results.setFixedHeight(150)
        self.client_field = Field(
            "&Client", self.search, hint="Name only; the list shows birth dates."
        )
        self.client_label = QLabel(client_name)
        self.client_label.setObjectName("fieldValue")
        self.client_label.setAccessibleName("Client")
        if client_id is None:
            self.body.addWidget(self.client_field)
            self.body.addWidget(self.results)
        else:
            self.client_field = Field("Client", self.client_label)
            self.body.addWidget(self.client_field)

        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("Why you must open this client's records now")
        self.reason.setFixedHeight(84)
        self.reason_field = Field("&Reason (required)", self.reason)
        self.body.addWidget(self.reason_field)
        self.confirm = QCheckBox("I understand that this access is recorded and reviewed")
        self.confirm.setAccessibleName("I understand that this access is recorded and reviewed")
        self.confirm_field = Field("", self.confirm)
        self.confirm_field.label.hide()
        self.body.addWidget(self.confirm_field)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.find)
        self.search.textChanged.connect(lambda _text: self.timer.start())
        self.search.installEventFilter(self)
        chain = [self.search, self.results] if client_id is None else []
        chain += [self.reason, self.confirm, self.cancel_button, self.ok_button]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)
        (self.search if client_id is None else self.reason).setFocus()

    def eventFilter(self, watched, event) -> bool:
        """Enter in the search finds the client and moves to the list (it never opens records)."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.find()
                if self.results.count():
                    self.results.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    def find(self) -> None:
        """List the clients whose name matches what was typed."""
        self.timer.stop()
        text = self.search.text()
        found = self.attempt(
            lambda: emergency.find_clients_for_emergency(self.ctx.uow(), self.principal, text)
        )
        self.results.clear()
        for candidate in found or []:
            born = f" — born {day(candidate.date_of_birth)}" if candidate.date_of_birth else ""
            item = QListWidgetItem(candidate.full_name + born)
            item.setData(Qt.ItemDataRole.UserRole, candidate.client_id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen_client(self) -> int | None:
        if self.client_id is not None:
            return self.client_id
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def problems(self) -> list[InvalidInput]:
        """Everything missing at once: the client, the reason, the confirmation."""
        found = []
        if self.chosen_client() is None:
            found.append(InvalidInput("Find the client by name and choose them.", field="client"))
        if not self.reason.toPlainText().strip():
            found.append(
                InvalidInput(
                    "Type the reason for emergency access: it is kept with every read.",
                    field="reason",
                )
            )
        if not self.confirm.isChecked():
            found.append(InvalidInput("Confirm that you have read the warning.", field="confirm"))
        return found

    def _fields(self) -> dict[str, Field]:
        return {
            "client": self.client_field,
            "reason": self.reason_field,
            "confirm": self.confirm_field,
        }

    def submit(self) -> None:
        self.message.clear_text()
        problems = self.problems()
        if problems:
            for text in show_problems(self._fields(), problems):
                self.message.show_text(text)
            return
        show_problems(self._fields(), [])
        client_id = self.chosen_client()
        decision = self.attempt(
            lambda: emergency.emergency_decision(self.ctx.uow(), self.principal, client_id)
        )
        if decision is not None and not decision:
            self.message.show_text(refusal_text(decision))
            return
        reason = self.reason.toPlainText()
        access = self.attempt(
            lambda: emergency.open_emergency_access(
                self.ctx.uow(), self.principal, client_id, reason
            )
        )
        if access is None:
            return
        self.access = access
        self.accept()


def emergency_offered(ctx, principal) -> bool:
    """Whether the practice lets the principal use emergency access (R18): whether a screen
    shows "Emergency access…"."""
    try:
        return emergency.emergency_allowed(ctx.uow(), principal)
    except Exception:  # a button not offered is no harm; the screen still works
        return False


def emergency_dialog_for(
    ctx, principal, parent: QWidget | None, client_id: int | None, client_name: str
) -> EmergencyAccessDialog:
    """The dialog for the client chosen in a list when emergency access may open them, or with
    a search by name otherwise."""
    try:
        opens = client_id is not None and bool(
            emergency.emergency_decision(ctx.uow(), principal, client_id)
        )
    except Exception:
        opens = False
    if not opens:
        return EmergencyAccessDialog(ctx, principal, parent)
    return EmergencyAccessDialog(
        ctx, principal, parent, client_id=client_id, client_name=client_name
    )
