"""The Billing tab's dialogs (R11): Add payment, Adjust charge (with a reason), Void payment
(with a reason) and Superbill (a date range saved as PDF). Every problem of a form shows at once,
under its field."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ...models.billing_models import charge_label, money_text, parse_money
from ...services import billing_changes, billing_codes, superbill
from ...services.billing import METHOD_LABELS, ChargeView, ClientBilling, PaymentView
from ...services.billing_changes import ChargeChange, NewPayment
from ...services.billing_codes import money
from ...services.calendar_export import place_of_service_codes
from ...services.diagnoses import coded
from ...services.errors import InvalidInput
from ..form_dialog import FormDialog
from ..superbill_pdf import write_pdf
from ..widgets import Field, show_problems

ACCOUNT = "The account (oldest charges first)"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def date_edit(day: date, name: str) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setAccessibleName(name)
    edit.setFixedWidth(170)
    return edit


def _today(host) -> date:
    return host.ctx.clock.now().astimezone(host.zone).date()


class BillingForm(FormDialog):
    """A billing form: fields by name, and the account the service returned once it worked."""

    def __init__(self, title: str, ok: str, parent: QWidget | None, width: int = 480) -> None:
        super().__init__(title, ok, parent, width=width)
        self.fields: dict[str, Field] = {}
        self.result_account: ClientBilling | None = None
        self.done_text = ""

    def add(self, name: str, label: str, editor: QWidget, hint: str | None = None) -> Field:
        field = Field(label, editor, hint=hint)
        self.fields[name] = field
        self.body.addWidget(field)
        return field

    def problems(self, problems: list[InvalidInput]) -> bool:
        """Show every problem at once; True when there were none."""
        rest = show_problems(self.fields, problems)
        if rest:
            self.message.show_text(" ".join(rest))
        return not problems

    def attempt_fields(self, action):
        """Run a service call; a problem with a field shows under it, others below the form.
        Returns the call's result, or None when it did not work."""
        self.message.clear_text()
        try:
            return action()
        except InvalidInput as problem:
            self.problems([problem])
        except Exception as error:
            self.message.show_error(error)
        return None

    def run(self, action) -> bool:
        self.result_account = self.attempt_fields(action)
        return self.result_account is not None


class PaymentDialog(BillingForm):
    """Record money received: date, amount, method, reference, and what it pays."""

    def __init__(self, host, account: ClientBilling, charge: ChargeView | None, parent=None):
        super().__init__(f"Add a payment from {account.client_name}", "&Record payment", parent)
        self.host = host
        self.received = date_edit(_today(host), "Date received")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.00")
        self.amount.setMaxLength(16)
        self.method = QComboBox()
        for value, label in METHOD_LABELS.items():
            self.method.addItem(label, value)
        self.reference = QLineEdit()
        self.reference.setMaxLength(100)
        self.reference.setPlaceholderText("Cheque number, card slip or claim number")
        self.applies = QComboBox()
        self.applies.addItem(ACCOUNT, None)
        for c in account.charges:
            if c.status == "open" and c.owing_cents > 0:
                self.applies.addItem(f"{charge_label(c)} · owing {money(c.owing_cents)}", c.id)
        if charge is not None and self.applies.findData(charge.id) >= 0:
            self.applies.setCurrentIndex(self.applies.findData(charge.id))
            self.amount.setText(money_text(charge.owing_cents))
        self.add("amount_cents", "&Amount ($)", self.amount)
        self.add("method", "&Method", self.method)
        self.add("reference", "Re&ference (optional)", self.reference)
        self.add("received_on", "&Received on", self.received)
        self.add(
            "charge_id",
            "&Pays",
            self.applies,
            hint="A payment on the account pays the oldest charges first.",
        )
        self.amount.setFocus()

    def submit(self) -> None:
        try:
            cents = parse_money(self.amount.text(), "The amount", "amount_cents")
        except InvalidInput as problem:
            self.problems([problem])
            return
        payment = NewPayment(
            _day(self.received),
            cents,
            self.method.currentData(),
            self.reference.text(),
            self.applies.currentData(),
        )
        if self.run(
            lambda: billing_changes.record_payment(
                self.host.ctx.uow(), self.host.principal, self.host.client_id, payment
            )
        ):
            self.done_text = f"A payment of {money(cents)} was recorded."
            self.accept()


class AdjustChargeDialog(BillingForm):
    """Change a charge's code, fee, diagnoses (up to four, in order) or place of service."""

    def __init__(self, host, charge: ChargeView, parent=None):
        super().__init__(
            f"Adjust the charge of {charge.service_date:%d %b %Y}", "&Save change", parent, 560
        )
        self.host = host
        self.charge = charge
        self.intro(f"{charge.provider_name} · {charge.description} · {money(charge.fee_cents)}")
        entries = billing_codes.fee_schedule(host.ctx.uow(), host.principal)
        self.fees = {e.code: e for e in entries}
        self.code = QComboBox()
        for e in entries:
            self.code.addItem(f"{e.code} · {e.description} · {money(e.fee_cents)}", e.code)
        if charge.code and self.code.findData(charge.code) < 0:
            self.code.addItem(f"{charge.code} · {charge.description}", charge.code)
        self.code.setCurrentIndex(max(0, self.code.findData(charge.code)))
        self.fee = QLineEdit(money_text(charge.fee_cents))
        self.fee.setMaxLength(16)
        self.code.currentIndexChanged.connect(self._fee_of_code)
        self.diagnoses = QListWidget()
        self.diagnoses.setMaximumHeight(110)
        for d in coded(list(charge.diagnosis_options)):
            item = QListWidgetItem(f"{d.code} · {d.description}")
            item.setData(Qt.ItemDataRole.UserRole, d.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = d.code in charge.diagnosis_codes
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.diagnoses.addItem(item)
        self.place = QComboBox()
        for pos in place_of_service_codes():
            self.place.addItem(f"{pos.code} · {pos.name}", pos.code)
        self.place.setCurrentIndex(max(0, self.place.findData(charge.pos_code)))
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("For example: the session ran to 55 minutes")
        self.add("code", "Service &code", self.code)
        self.add("fee_cents", "&Fee ($)", self.fee)
        self.add(
            "diagnosis_codes",
            "&Diagnoses",
            self.diagnoses,
            hint="Tick up to four; space ticks the one chosen.",
        )
        self.add("pos_code", "&Place of service", self.place)
        self.add("reason", "&Reason for the change", self.reason)
        if not charge.diagnosis_options:
            self.fields["diagnosis_codes"].hint.setText(
                "The provider has not coded a diagnosis for this client yet."
            )

    def _fee_of_code(self) -> None:
        entry = self.fees.get(self.code.currentData())
        if entry is not None:
            self.fee.setText(money_text(entry.fee_cents))

    def submit(self) -> None:
        try:
            cents = parse_money(self.fee.text(), "The fee", "fee_cents")
        except InvalidInput as problem:
            self.problems([problem])
            return
        ticked = [
            self.diagnoses.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.diagnoses.count())
            if self.diagnoses.item(i).checkState() == Qt.CheckState.Checked
        ]
        change = ChargeChange(
            self.code.currentData() or "", cents, ticked, self.place.currentData()
        )
        if self.run(
            lambda: billing_changes.adjust_charge(
                self.host.ctx.uow(),
                self.host.principal,
                self.charge.id,
                change,
                self.reason.text(),
                self.charge.version,
            )
        ):
            self.done_text = "The charge was adjusted; the change and its reason are recorded."
            self.accept()


class VoidPaymentDialog(BillingForm):
    """Void a payment recorded in error, saying why; it stays listed."""

    def __init__(self, host, payment: PaymentView, parent=None):
        words = f"{money(payment.amount_cents)} of {payment.received_on:%d %b %Y}"
        super().__init__(f"Void the payment of {words}", "&Void payment", parent)
        self.host = host
        self.payment = payment
        self.intro("The payment stays in the list, marked voided, and no longer counts.")
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("For example: cheque returned by the bank")
        self.add("reason", "&Reason", self.reason)

    def submit(self) -> None:
        if self.run(
            lambda: billing_changes.void_payment(
                self.host.ctx.uow(),
                self.host.principal,
                self.payment.id,
                self.reason.text(),
                self.payment.version,
            )
        ):
            self.done_text = "The payment was voided."
            self.accept()


def _file_name(client: str, start: date, end: date) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", client).strip("-") or "client"
    return f"Superbill-{words}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"


class SuperbillDialog(BillingForm):
    """Choose the sessions' dates and save the superbill as PDF (owner-only file, audited)."""

    def __init__(self, host, parent=None):
        super().__init__("Superbill", "&Save PDF…", parent)
        self.host = host
        today = _today(host)
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        self.intro(
            "A statement of the client's sessions, with codes, diagnoses, fees and payments, "
            "for them to send to their insurer. Saving it is recorded as a disclosure."
        )
        self.start = date_edit(first, "First session date")
        self.end = date_edit(today, "Last session date")
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.start)
        line.addWidget(self.end)
        line.addStretch(1)
        self.add("start", "Sessions &from … to", row)
        self.fields["end"] = self.fields["start"]
        self.start.setFocus()

    def choose_path(self, suggested: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the superbill", suggested, "PDF files (*.pdf)"
        )
        return Path(path) if path else None

    def submit(self) -> None:
        start, end = _day(self.start), _day(self.end)
        ctx, who, client = self.host.ctx, self.host.principal, self.host.client_id
        bill = self.attempt(lambda: superbill.superbill(ctx.uow(), who, client, start, end))
        if bill is None:
            return
        path = self.choose_path(_file_name(bill.client_name, start, end))
        if path is None:
            return
        try:
            write_pdf(bill, path)
            superbill.record_superbill_exported(ctx.uow(), who, client, start, end, len(bill.lines))
        except Exception as error:
            self.message.show_error(error)
            return
        self.saved_path = path
        self.done_text = (
            f"The superbill ({len(bill.lines)} sessions) was saved to {path.name}. Only you can "
            "open the file on this computer."
        )
        self.accept()
