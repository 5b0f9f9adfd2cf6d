"""A client's charges and payments as tables, and amounts of money typed by a person read as
whole cents (never through floating point)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt

from ..services.billing import METHOD_LABELS, ChargeView, PaymentView
from ..services.billing_codes import money
from ..services.errors import InvalidInput
from .row_table import RowTableModel

DATE, PROVIDER, CODE, DESCRIPTION, FEE, PAID, OWING, STATUS = range(8)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_AMOUNT = re.compile(r"\$?\s*(\d{1,3}(,\d{3})+|\d+)?(\.\d{0,2})?")


def parse_money(text: str, label: str, field: str) -> int:
    """ "150", "150.5", "$1,250.00" -> cents; anything else is refused in plain words."""
    cleaned = (text or "").strip()
    if not cleaned or not _AMOUNT.fullmatch(cleaned) or cleaned in ("$", "."):
        raise InvalidInput(f"{label} must be an amount such as 150.00.", field)
    try:
        value = Decimal(cleaned.replace("$", "").replace(",", "").strip() or "0")
    except InvalidOperation:
        raise InvalidInput(f"{label} must be an amount such as 150.00.", field) from None
    return int(value * 100)


def money_text(cents: int) -> str:
    """Cents as typed back into a form: "150.00"."""
    return f"{cents // 100}.{cents % 100:02d}"


def charge_label(charge: ChargeView) -> str:
    code = charge.code or "no code"
    return f"{charge.service_date:%d %b %Y} · {code} · {money(charge.fee_cents)}"


class _MoneyColumns:
    """Amounts are right-aligned, their headings too."""

    MONEY: tuple[int, ...] = ()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and orientation == Qt.Orientation.Horizontal
            and section in self.MONEY
        ):
            return _RIGHT
        return super().headerData(section, orientation, role)


class ChargesModel(_MoneyColumns, RowTableModel[ChargeView]):
    """Presents billing.ClientBilling.charges, newest first."""

    HEADERS = ("Date", "Provider", "Code", "Description", "Fee", "Paid", "Owing", "Status")
    MONEY = (FEE, PAID, OWING)

    def text(self, row: ChargeView, column: int) -> str:
        if column == DATE:
            return f"{row.service_date:%d %b %Y}"
        if column == PROVIDER:
            return row.provider_name
        if column == CODE:
            return row.code or "No code"
        if column == DESCRIPTION:
            return row.description
        if column == FEE:
            return money(row.fee_cents)
        if column == PAID:
            return money(row.paid_cents) if row.status == "open" else ""
        if column == OWING:
            return money(row.owing_cents) if row.status == "open" else ""
        if column == STATUS:
            if row.status == "void":
                return "Voided"
            return "Paid" if row.owing_cents == 0 else "Owing"
        return ""

    def extra(self, row: ChargeView, column: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (FEE, PAID, OWING):
            return _RIGHT
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self.row_item(index.row()) if index.isValid() else None
        if role == Qt.ItemDataRole.ToolTipRole and row is not None and row.status == "void":
            return f"Voided: {row.void_reason}"
        return super().data(index, role)


P_DATE, P_AMOUNT, P_METHOD, P_REFERENCE, P_FOR, P_STATUS = range(6)


class PaymentsModel(_MoneyColumns, RowTableModel[PaymentView]):
    """Presents billing.ClientBilling.payments, newest first; `charges` names what each paid."""

    HEADERS = ("Received", "Amount", "Method", "Reference", "Applied to", "Status")
    MONEY = (P_AMOUNT,)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.charges: dict[int, ChargeView] = {}

    def text(self, row: PaymentView, column: int) -> str:
        if column == P_DATE:
            return f"{row.received_on:%d %b %Y}"
        if column == P_AMOUNT:
            return money(row.amount_cents)
        if column == P_METHOD:
            return METHOD_LABELS.get(row.method, row.method)
        if column == P_REFERENCE:
            return row.reference
        if column == P_FOR:
            charge = self.charges.get(row.charge_id or 0)
            return charge_label(charge) if charge else "Account (oldest charges first)"
        if column == P_STATUS:
            return f"Voided: {row.void_reason}" if row.status == "void" else "Recorded"
        return ""

    def extra(self, row: PaymentView, column: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole and column == P_AMOUNT:
            return _RIGHT
        return None
