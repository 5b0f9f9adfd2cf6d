"""A client's account in cents (integers, never floats): what each charge has been paid and
still owes. A payment made for one charge pays that charge; a payment on the account (and what a
payment for one charge brings beyond its fee) pays the oldest charges first. Voided charges and
voided payments count for nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LedgerCharge:
    id: int
    service_date: date
    fee_cents: int
    open: bool


@dataclass(frozen=True)
class LedgerPayment:
    charge_id: int | None
    amount_cents: int
    recorded: bool


@dataclass(frozen=True)
class Account:
    """Paid cents per charge, and the totals; `balance_cents` below zero is a credit."""

    paid: dict[int, int]
    charged_cents: int
    paid_cents: int
    balance_cents: int


def settle(charges: Iterable[LedgerCharge], payments: Iterable[LedgerPayment]) -> Account:
    open_charges = sorted((c for c in charges if c.open), key=lambda c: (c.service_date, c.id))
    fees = {c.id: c.fee_cents for c in open_charges}
    paid = dict.fromkeys(fees, 0)
    pool = 0
    received = 0
    for payment in payments:
        if not payment.recorded:
            continue
        received += payment.amount_cents
        if payment.charge_id in fees:
            room = fees[payment.charge_id] - paid[payment.charge_id]
            used = min(room, payment.amount_cents)
            paid[payment.charge_id] += used
            pool += payment.amount_cents - used
        else:
            pool += payment.amount_cents
    for charge in open_charges:
        used = min(pool, charge.fee_cents - paid[charge.id])
        paid[charge.id] += used
        pool -= used
    charged = sum(fees.values())
    return Account(paid, charged, received, charged - received)
