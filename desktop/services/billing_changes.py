"""Changes to a client's billing (R11: Owner, Biller), each audited with old and new values in
the same transaction: a charge adjusted (code, fee, diagnoses, place of service) with a reason;
a payment recorded for one charge or on the account; a payment voided with a reason (never
deleted)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import Charge, Client, FeeScheduleEntry, Payment
from ..db.tables.billing import PAYMENT_METHODS
from ..db.uow import UnitOfWork
from . import audit
from .billing import ClientBilling, billing_of, diagnoses_of_link, split_codes
from .billing_codes import clean_cents, money
from .boundary import checked
from .calendar_export import is_pos_code
from .errors import Conflict, InvalidInput, NotFound
from .policy import may_keep_billing
from .principal import Principal
from .supervision_facts import load_client_for
from .validation import clean_text

CHARGE_ADJUSTED = "billing.charge_adjusted"
PAYMENT_RECORDED = "billing.payment_recorded"
PAYMENT_VOIDED = "billing.payment_voided"
#: a claim line points to at most four of the client's diagnoses (CMS-1500, box 24E).
MAX_POINTERS = 4
_ICD = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")
_STALE = "Someone else changed this client's billing a moment ago; nothing was saved. Look again."


@dataclass(frozen=True)
class ChargeChange:
    """The Adjust charge form: the new code, fee, diagnoses (in order) and place of service."""

    code: str
    fee_cents: int
    diagnosis_codes: list[str]
    pos_code: str


@dataclass(frozen=True)
class NewPayment:
    """The Add payment form. `charge_id` None takes the payment on the client's account (it
    pays the oldest charges first)."""

    received_on: date
    amount_cents: int
    method: str
    reference: str = ""
    charge_id: int | None = None


def _reason(reason: str | None, what: str) -> str:
    return clean_text(reason, f"The reason for {what}", max_length=500, field="reason")


def _snapshot(row: Charge) -> dict:
    return {
        "code": row.code,
        "fee_cents": row.fee_cents,
        "diagnosis_codes": list(split_codes(row.diagnosis_codes)),
        "pos_code": row.pos_code,
    }


def _flush(uow: UnitOfWork) -> None:
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflict(_STALE) from None


def _saved(
    uow: UnitOfWork, principal: Principal, action: str, client: Client, subject: str, details: dict
) -> ClientBilling:
    """Flush, audit the change in the same transaction, commit, and return the tab's new state."""
    _flush(uow)
    audit.record(uow, principal, action, client_id=client.id, subject=subject, details=details)
    result = billing_of(uow, client)
    uow.commit()
    return result


@checked
def adjust_charge(
    uow: UnitOfWork,
    principal: Principal,
    charge_id: int,
    change: ChargeChange,
    reason: str,
    expected_version: int,
) -> ClientBilling:
    """Change a charge's code, fee, diagnosis pointers or place of service (R11), saying why."""
    may_keep_billing(principal).require()
    why = _reason(reason, "the change")
    code = clean_text(change.code, "The code", max_length=10, field="code").upper()
    fee = clean_cents(change.fee_cents, "The fee", "fee_cents")
    if not is_pos_code(change.pos_code):
        raise InvalidInput("Choose a place of service from the list.", "pos_code")
    pointers = [
        clean_text(c, "A diagnosis code", max_length=8, field="diagnosis_codes").upper()
        for c in change.diagnosis_codes
    ]
    if len(pointers) > MAX_POINTERS or len(set(pointers)) != len(pointers):
        raise InvalidInput(f"Choose up to {MAX_POINTERS} different diagnoses.", "diagnosis_codes")
    if any(not _ICD.fullmatch(c) for c in pointers):
        raise InvalidInput("A diagnosis is an ICD-10-CM code such as F41.1.", "diagnosis_codes")
    with uow:
        row = uow.session.get(Charge, charge_id)
        if row is None:
            raise NotFound("That charge no longer exists. Refresh the Billing tab.")
        client = load_client_for(uow, principal, row.client_id)
        if row.version != expected_version:
            raise Conflict(_STALE)
        if row.status != "open":
            raise InvalidInput("A voided charge cannot be adjusted: its session is not billable.")
        known = set(split_codes(diagnoses_of_link(uow, row.client_id, row.provider_id)))
        known |= set(split_codes(row.diagnosis_codes))
        strange = [c for c in pointers if c not in known]
        if strange:
            raise InvalidInput(
                f"{', '.join(strange)} is not among the provider's diagnoses for this client.",
                "diagnosis_codes",
            )
        before = _snapshot(row)
        if code != row.code:
            entry = uow.session.scalar(
                select(FeeScheduleEntry).where(FeeScheduleEntry.code == code)
            )
            if entry is None or not entry.active:
                raise InvalidInput(f"{code} is not in the fee schedule.", "code")
            row.description = entry.description
        row.code, row.fee_cents, row.pos_code = code, fee, change.pos_code
        row.diagnosis_codes = "\n".join(pointers) or None
        after = _snapshot(row)
        if before == after:
            return billing_of(uow, client)
        row.adjusted = True
        details = {"charge": row.id, "before": before, "after": after, "reason": why}
        return _saved(uow, principal, CHARGE_ADJUSTED, client, f"charge:{row.id}", details)


@checked
def record_payment(
    uow: UnitOfWork, principal: Principal, client_id: int, payment: NewPayment
) -> ClientBilling:
    """Record money received (R11), for one of the client's open charges or on the account."""
    may_keep_billing(principal).require()
    amount = clean_cents(payment.amount_cents, "The amount", "amount_cents", least=1)
    if payment.method not in PAYMENT_METHODS:
        raise InvalidInput("Choose card, cash, cheque, insurance or other.", "method")
    reference = clean_text(
        payment.reference, "The reference", max_length=100, required=False, field="reference"
    )
    with uow:
        client = load_client_for(uow, principal, client_id)
        today = uow.now().date()
        if payment.received_on > today + timedelta(days=1):
            raise InvalidInput("A payment cannot be dated in the future.", "received_on")
        if payment.charge_id is not None:
            charge = uow.session.get(Charge, payment.charge_id)
            if charge is None or charge.client_id != client.id or charge.status != "open":
                raise InvalidInput(
                    "Choose one of this client's open charges, or the account.", "charge_id"
                )
        row = Payment(
            client_id=client.id,
            charge_id=payment.charge_id,
            received_on=payment.received_on,
            amount_cents=amount,
            method=payment.method,
            reference=reference or None,
            status="recorded",
            created_at=uow.now(),
            created_by=principal.staff_id,
            version=1,
        )
        uow.session.add(row)
        _flush(uow)  # the payment's id, for its entry
        details = {
            "payment": row.id,
            "amount_cents": amount,
            "amount": money(amount),
            "method": payment.method,
            "charge": payment.charge_id,
            "received_on": payment.received_on.isoformat(),
        }
        return _saved(uow, principal, PAYMENT_RECORDED, client, f"payment:{row.id}", details)


@checked
def void_payment(
    uow: UnitOfWork, principal: Principal, payment_id: int, reason: str, expected_version: int
) -> ClientBilling:
    """Void a payment recorded in error (R11), saying why; it stays listed, counting nothing."""
    may_keep_billing(principal).require()
    why = _reason(reason, "voiding the payment")
    with uow:
        row = uow.session.get(Payment, payment_id)
        if row is None:
            raise NotFound("That payment no longer exists. Refresh the Billing tab.")
        client = load_client_for(uow, principal, row.client_id)
        if row.version != expected_version:
            raise Conflict(_STALE)
        if row.status == "void":
            raise InvalidInput("This payment was voided already.")
        row.status, row.void_reason = "void", why
        row.voided_at, row.voided_by = uow.now(), principal.staff_id
        details = {"payment": row.id, "amount_cents": row.amount_cents, "reason": why}
        return _saved(uow, principal, PAYMENT_VOIDED, client, f"payment:{row.id}", details)
