"""The Billing tab (R11): for the Owner and Billers; everyone else sees why it is closed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QStackedWidget, QVBoxLayout, QWidget

from ...services import clients
from ...services.clients import BillingDetails
from ...services.errors import Conflict, InvalidInput
from ...services.policy import may_edit_billing, may_use_billing
from ..input_limits import limit_plain_text
from ..messages import InlineMessage, explain, refusal_text
from ..widgets import EmptyState, Field, ScreenHeader, primary_button

CONFLICT_TEXT = (
    "Someone else saved this client's record first, so your billing notes were not saved. "
    "The notes now show what was saved; make your change again if it is still needed."
)


class BillingTab(QWidget):
    """Billing notes of the client; opening them is audited by the service, so they are read
    only when this tab is shown. The tab stays in place for everyone (not silently hidden)."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.stale = True
        self.details: BillingDetails | None = None
        self.setObjectName("tabPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Billing")
        self.decision = may_use_billing(host.principal)

        self.header = ScreenHeader("Billing", "Notes for invoices, insurance and payments.")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setAccessibleName("Billing notes")
        self.notes_edit.setTabChangesFocus(True)
        limit_plain_text(self.notes_edit, clients.MAX_BILLING_NOTES)
        self.notes_field = Field("Billing &notes", self.notes_edit)
        self.save_button = primary_button("&Save billing notes")
        self.message = InlineMessage("Problem saving billing notes", kind="alert")
        self.notice = InlineMessage("Result of saving billing notes", kind="notice")
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(self.notes_field, 1)
        column.addWidget(self.message)
        column.addWidget(self.notice)
        column.addLayout(actions)

        self.refused = EmptyState(
            "lock",
            "Billing is not open to you",
            refusal_text(self.decision) if not self.decision else "",
        )
        self.refused.setAccessibleName("Why billing is closed")
        self.problem = EmptyState("lock", "Billing cannot be shown", "")
        self.stack = QStackedWidget()
        for page in (editor, self.refused, self.problem):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        self.save_button.clicked.connect(self.save)
        if not self.decision:
            self.stack.setCurrentWidget(self.refused)
        edit = may_edit_billing(host.principal)
        self.save_button.setEnabled(bool(edit))
        self.save_button.setToolTip("" if edit else refusal_text(edit))

    def load(self) -> None:
        self.stale = False
        if not self.decision:
            self.stack.setCurrentWidget(self.refused)
            return
        try:
            self.details = clients.billing_details(
                self.host.ctx.uow(), self.host.principal, self.host.client_id
            )
        except Exception as error:
            self.problem.text.setText(explain(error))
            self.stack.setCurrentWidget(self.problem)
            return
        self.notes_edit.setPlainText(self.details.billing_notes)
        self.stack.setCurrentIndex(0)

    def is_changed(self) -> bool:
        """The notes typed differ from those saved."""
        if self.details is None or not self.save_button.isEnabled():
            return False
        return self.notes_edit.toPlainText() != self.details.billing_notes

    def save(self) -> None:
        if self.details is None or not self.save_button.isEnabled():
            return
        self.message.clear_text()
        self.notice.clear_text()
        self.notes_field.clear_error()
        try:
            self.details = clients.update_billing_notes(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                self.notes_edit.toPlainText(),
                expected_version=self.details.version,
            )
        except InvalidInput as error:
            self.notes_field.show_error(error.message)
            return
        except Conflict:
            self.load()
            self.message.show_text(CONFLICT_TEXT)
            return
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.notes_edit.setPlainText(self.details.billing_notes)
        self.notice.show_text("The billing notes were saved.")
        self.host.refresh_profile()  # the record's version moved on
