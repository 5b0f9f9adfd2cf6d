"""The Billing tab (R11): for the Owner and Billers; everyone else sees why it is closed.
The client's balance first, then their charges (one per billable session) and payments, the
actions (Add payment, Adjust charge, Void payment, Superbill) and the billing notes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...models.billing_models import ChargesModel, PaymentsModel
from ...models.row_table import RowItemRole
from ...services import billing, clients
from ...services.billing import ChargeView, ClientBilling, PaymentView
from ...services.billing_codes import money
from ...services.errors import Conflict, InvalidInput
from ...services.policy import may_edit_billing, may_use_billing
from ..input_limits import limit_plain_text
from ..messages import InlineMessage, explain, refusal_text
from ..widgets import EmptyState, Field, ScreenHeader, button, primary_button
from .billing_dialogs import AdjustChargeDialog, PaymentDialog, SuperbillDialog, VoidPaymentDialog
from .fee_schedule_dialog import FeeScheduleDialog
from .tables import read_only_table, stretch_columns

CONFLICT_TEXT = (
    "Someone else saved this client's record first, so your billing notes were not saved. "
    "The notes now show what was saved; make your change again if it is still needed."
)
NO_CHARGE = "Choose a charge in the list first."
NO_PAYMENT = "Choose a recorded payment in the list first."


def balance_words(account: ClientBilling) -> tuple[str, str]:
    """The balance as the tab's headline: the figure and what it means."""
    if account.balance_cents > 0:
        return money(account.balance_cents), "Balance owing"
    if account.balance_cents < 0:
        return money(-account.balance_cents), "Credit on the account"
    return money(0), "Nothing owing"


class BillingTab(QWidget):
    """The client's billing; opening it is audited by the service, so it is read only when this
    tab is shown. The tab stays in place for everyone (not silently hidden)."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.stale = True
        self.account: ClientBilling | None = None
        self.setObjectName("tabPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Billing")
        self.decision = may_use_billing(host.principal)

        self.header = ScreenHeader(
            "Billing", "Charges for each session, payments received and the balance."
        )
        self.balance = QLabel(money(0))
        self.balance.setAccessibleName("Balance")
        self.balance.setStyleSheet("font-size: 26px; font-weight: 600;")
        self.balance_label = QLabel("Balance")
        self.balance_label.setObjectName("fieldLabel")
        self.totals = QLabel("")
        self.totals.setObjectName("hint")
        figure = QVBoxLayout()
        figure.setSpacing(0)
        figure.addWidget(self.balance_label)
        figure.addWidget(self.balance)
        figure.addWidget(self.totals)

        self.pay_button = primary_button("Add &payment…")
        self.adjust_button = button("A&djust charge…")
        self.void_button = button("&Void payment…")
        self.superbill_button = button("S&uperbill…")
        self.fees_button = button("&Fee schedule…")
        top = QHBoxLayout()
        top.addLayout(figure)
        top.addStretch(1)
        for widget in (
            self.pay_button,
            self.adjust_button,
            self.void_button,
            self.superbill_button,
            self.fees_button,
        ):
            top.addWidget(widget, 0, Qt.AlignmentFlag.AlignBottom)

        self.charges_model = ChargesModel(self)
        self.charges = read_only_table("Charges")
        self.charges.setModel(self.charges_model)
        stretch_columns(self.charges, {0: 110, 1: 150, 2: 80, 3: None, 4: 90, 5: 90, 6: 90, 7: 80})
        self.payments_model = PaymentsModel(self)
        self.payments = read_only_table("Payments")
        self.payments.setModel(self.payments_model)
        stretch_columns(self.payments, {0: 110, 1: 90, 2: 90, 3: 150, 4: None, 5: 200})
        charges_label = QLabel("&Charges")
        charges_label.setObjectName("fieldLabel")
        charges_label.setBuddy(self.charges)
        payments_label = QLabel("Pa&yments")
        payments_label.setObjectName("fieldLabel")
        payments_label.setBuddy(self.payments)

        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setAccessibleName("Billing notes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMaximumHeight(64)
        limit_plain_text(self.notes_edit, clients.MAX_BILLING_NOTES)
        self.notes_field = Field("Billing &notes", self.notes_edit)
        self.save_button = button("&Save notes")
        notes_row = QHBoxLayout()
        notes_row.addWidget(self.notes_field, 1)
        notes_row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.message = InlineMessage("Problem with billing", kind="alert")
        self.notice = InlineMessage("Result of a billing change", kind="notice")

        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addLayout(top)
        column.addWidget(self.message)
        column.addWidget(self.notice)
        column.addWidget(charges_label)
        column.addWidget(self.charges, 3)
        column.addWidget(payments_label)
        column.addWidget(self.payments, 2)
        column.addLayout(notes_row)

        self.refused = EmptyState(
            "lock",
            "Billing is not open to you",
            refusal_text(self.decision) if not self.decision else "",
        )
        self.refused.setAccessibleName("Why billing is closed")
        self.problem = EmptyState("lock", "Billing cannot be shown", "")
        self.stack = QStackedWidget()
        for widget in (page, self.refused, self.problem):
            self.stack.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        self.save_button.clicked.connect(self.save)
        self.pay_button.clicked.connect(self.add_payment)
        self.adjust_button.clicked.connect(self.adjust_charge)
        self.void_button.clicked.connect(self.void_payment)
        self.superbill_button.clicked.connect(self.make_superbill)
        self.fees_button.clicked.connect(self.keep_fees)
        self.charges.doubleClicked.connect(self.adjust_charge)
        if not self.decision:
            self.stack.setCurrentWidget(self.refused)
        edit = may_edit_billing(host.principal)
        for widget in (self.save_button, self.pay_button, self.adjust_button, self.void_button,
                       self.superbill_button, self.fees_button):  # fmt: skip
            widget.setEnabled(bool(edit))
            widget.setToolTip("" if edit else refusal_text(edit))

    # -- reading -------------------------------------------------------------------------------

    def load(self) -> None:
        self.stale = False
        if not self.decision:
            self.stack.setCurrentWidget(self.refused)
            return
        try:
            account = billing.client_billing(
                self.host.ctx.uow(), self.host.principal, self.host.client_id
            )
        except Exception as error:
            self.problem.text.setText(explain(error))
            self.stack.setCurrentWidget(self.problem)
            return
        self.show_account(account)
        self.notes_edit.setPlainText(account.notes.billing_notes)
        self.stack.setCurrentIndex(0)

    def show_account(self, account: ClientBilling) -> None:
        """Show the charges, payments and balance a service call returned."""
        self.account = account
        figure, words = balance_words(account)
        self.balance.setText(figure)
        self.balance_label.setText(words)
        self.balance.setAccessibleName(f"{words}: {figure}")
        colour = "#8a1c12" if account.balance_cents > 0 else "#0b4f49"
        self.balance.setStyleSheet(f"font-size: 26px; font-weight: 600; color: {colour};")
        self.totals.setText(
            f"Charged {money(account.charged_cents)} · Paid {money(account.paid_cents)}"
        )
        self.charges_model.set_rows(list(account.charges))
        self.payments_model.charges = {c.id: c for c in account.charges}
        self.payments_model.set_rows(list(account.payments))

    def selected_charge(self) -> ChargeView | None:
        index = self.charges.currentIndex()
        return index.data(RowItemRole) if index.isValid() else None

    def selected_payment(self) -> PaymentView | None:
        index = self.payments.currentIndex()
        return index.data(RowItemRole) if index.isValid() else None

    # -- actions -------------------------------------------------------------------------------

    def _show(self, dialog):
        """Open a billing dialog (window-modal); when its action worked, show the new account."""

        def finished() -> None:
            if dialog.result_account is not None:
                self.show_account(dialog.result_account)
            self.message.clear_text()
            self.notice.show_text(dialog.done_text)

        dialog.accepted.connect(finished)
        dialog.open()
        return dialog

    def _refuse(self, text: str) -> None:
        self.notice.clear_text()
        self.message.show_text(text)

    def add_payment(self) -> PaymentDialog | None:
        if self.account is None or not self.pay_button.isEnabled():
            return None
        return self._show(PaymentDialog(self.host, self.account, self.selected_charge(), self))

    def adjust_charge(self) -> AdjustChargeDialog | None:
        if self.account is None or not self.adjust_button.isEnabled():
            return None
        charge = self.selected_charge()
        if charge is None or charge.status != "open":
            self._refuse(NO_CHARGE if charge is None else "A voided charge cannot be adjusted.")
            return None
        return self._show(AdjustChargeDialog(self.host, charge, self))

    def void_payment(self) -> VoidPaymentDialog | None:
        if self.account is None or not self.void_button.isEnabled():
            return None
        payment = self.selected_payment()
        if payment is None or payment.status != "recorded":
            self._refuse(NO_PAYMENT)
            return None
        return self._show(VoidPaymentDialog(self.host, payment, self))

    def make_superbill(self) -> SuperbillDialog | None:
        if self.account is None or not self.superbill_button.isEnabled():
            return None
        return self._show(SuperbillDialog(self.host, self))

    def keep_fees(self) -> FeeScheduleDialog | None:
        if self.account is None or not self.fees_button.isEnabled():
            return None
        dialog = FeeScheduleDialog(self.host, self)
        dialog.finished.connect(lambda _result: self.load())  # new fees may price new charges
        dialog.open()
        return dialog

    # -- notes ---------------------------------------------------------------------------------

    def is_changed(self) -> bool:
        """The notes typed differ from those saved."""
        if self.account is None or not self.save_button.isEnabled():
            return False
        return self.notes_edit.toPlainText() != self.account.notes.billing_notes

    def save(self) -> None:
        if self.account is None or not self.save_button.isEnabled():
            return
        self.message.clear_text()
        self.notice.clear_text()
        self.notes_field.clear_error()
        try:
            details = clients.update_billing_notes(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                self.notes_edit.toPlainText(),
                expected_version=self.account.notes.version,
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
        self.account = replace(self.account, notes=details)
        self.notes_edit.setPlainText(details.billing_notes)
        self.notice.show_text("The billing notes were saved.")
        self.host.refresh_profile()  # the record's version moved on
