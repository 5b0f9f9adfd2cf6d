"""Charges (R11): every attended, no-show or late-cancel session of a client becomes one charge
(one per appointment: a unique index) with its code, fee, diagnoses and place of service; the
Owner and Billers adjust them with a reason. Charges are posted when a billing screen of the
client is opened (the Billing tab, a superbill), by the person opening it, so only people with
R11 ever write billing rows; posting is idempotent. A session whose status changes afterwards:
an unpaid charge is voided (not billable any more), re-priced (no-show became late cancel) or
reopened (billable again); a charge with a payment for it is left for the Biller to adjust.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..db.tables import (
    Appointment,
    Charge,
    Client,
    ClientProviderLink,
    FeeScheduleEntry,
    Payment,
    Staff,
)
from ..db.uow import UnitOfWork
from . import audit
from .appointment_status import STATUS_LABELS
from .billing_codes import default_entry
from .billing_ledger import LedgerCharge, LedgerPayment, settle
from .boundary import checked
from .calendar_export import practice_zone
from .clients import BillingDetails
from .errors import Conflict
from .policy import billing_rows, may_keep_billing
from .principal import Principal
from .record_facts import client_name
from .supervision_facts import load_client_for

CHARGE_POSTED = "billing.charge_posted"
CHARGE_VOIDED = "billing.charge_voided"
CHARGE_REOPENED = "billing.charge_reopened"
CHARGE_REPRICED = "billing.charge_repriced"
KIND_LABELS = {"session": "Session", "no_show": "No-show", "late_cancel": "Late cancel"}
METHOD_LABELS = {
    "card": "Card",
    "cash": "Cash",
    "cheque": "Cheque",
    "insurance": "Insurance",
    "other": "Other",
}
_NO_CODE = "No code in the fee schedule for this session"


@dataclass(frozen=True)
class ChargeView:
    """One charge as the Billing tab shows it; amounts in cents."""

    id: int
    appointment_id: int
    service_date: date
    provider_id: int
    provider_name: str
    kind: str
    code: str | None
    description: str
    fee_cents: int
    paid_cents: int
    owing_cents: int
    diagnosis_codes: tuple[str, ...]
    pos_code: str
    status: str
    void_reason: str | None
    version: int
    #: the codes an adjustment may point to: the provider's diagnoses for the client, in order.
    diagnosis_options: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaymentView:
    """One payment; `charge_id` None means it was taken on the client's account."""

    id: int
    received_on: date
    amount_cents: int
    method: str
    reference: str
    charge_id: int | None
    status: str
    void_reason: str | None
    version: int


@dataclass(frozen=True)
class ClientBilling:
    """A client's billing: charges and payments (newest first) and the account's totals; a
    negative balance is a credit. `notes` are the Billing tab's free-text notes."""

    client_id: int
    client_name: str
    charges: tuple[ChargeView, ...]
    payments: tuple[PaymentView, ...]
    charged_cents: int
    paid_cents: int
    balance_cents: int
    notes: BillingDetails


def billable_kind(row: Appointment) -> str | None:
    """What an appointment is billed as: a session, the no-show or late-cancel fee, or nothing."""
    if row.status == "booked" and row.attendance == "attended":
        return "session"
    if row.status == "booked" and row.attendance == "no_show":
        return "no_show"
    if row.status == "cancelled" and row.attendance == "late_cancel":
        return "late_cancel"
    return None


def split_codes(text: str | None) -> tuple[str, ...]:
    return tuple(code for code in (text or "").split("\n") if code)


def _price(charge: Charge, kind: str, row: Appointment, fees: list[FeeScheduleEntry]) -> None:
    minutes = int((row.ends_at - row.starts_at).total_seconds() // 60)
    entry = default_entry(fees, kind, row.appointment_type or "", minutes)
    charge.kind = kind
    charge.code = entry.code if entry else None
    charge.description = entry.description if entry else _NO_CODE
    charge.fee_cents = entry.fee_cents if entry else 0


def diagnoses_of_link(uow: UnitOfWork, client_id: int, provider_id: int) -> str | None:
    return uow.session.scalar(
        select(ClientProviderLink.diagnosis_codes)
        .where(
            ClientProviderLink.client_id == client_id,
            ClientProviderLink.provider_id == provider_id,
        )
        .order_by(ClientProviderLink.ended_at.is_not(None), ClientProviderLink.id.desc())
        .limit(1)
    )


def post_charges(uow: UnitOfWork, principal: Principal, client: Client) -> int:
    """Bring the client's charges in step with their sessions' statuses, in the caller's open
    transaction (the caller has checked R11); each change audited. Returns how many changed."""
    session = uow.session
    appointments = session.scalars(
        select(Appointment).where(Appointment.client_id == client.id).order_by(Appointment.id)
    ).all()
    charges = {
        c.appointment_id: c
        for c in session.scalars(select(Charge).where(Charge.client_id == client.id))
    }
    paid_for = set(
        session.scalars(
            select(Payment.charge_id).where(
                Payment.client_id == client.id, Payment.status == "recorded"
            )
        )
    )
    fees: list[FeeScheduleEntry] | None = None
    zone = None
    changed = 0
    for row in appointments:
        kind = billable_kind(row)
        charge = charges.get(row.id)
        if kind is None and (charge is None or charge.status == "void" or charge.id in paid_for):
            continue
        if kind is not None and charge is not None and charge.status == "open":
            if charge.kind == kind or charge.adjusted or charge.id in paid_for:
                continue
        if fees is None:
            fees = list(session.scalars(select(FeeScheduleEntry)))
            zone = practice_zone(uow)
        changed += 1
        subject = f"appointment:{row.id}"
        if kind is None:
            label = STATUS_LABELS.get(row.attendance, row.attendance)
            if row.status == "cancelled" and row.attendance != "late_cancel":
                label = STATUS_LABELS["cancelled"]
            charge.status = "void"
            charge.void_reason = f"The session is now marked {label}."
            details = {"charge": charge.id, "reason": charge.void_reason}
            audit.record(
                uow, principal, CHARGE_VOIDED, client_id=client.id, subject=subject, details=details
            )
            continue
        if charge is None:
            charge = Charge(
                client_id=client.id,
                provider_id=row.provider_id,
                appointment_id=row.id,
                service_date=row.starts_at.astimezone(zone).date(),
                diagnosis_codes=diagnoses_of_link(uow, client.id, row.provider_id),
                pos_code=row.pos_code,
                status="open",
                adjusted=False,
                created_at=uow.now(),
                created_by=principal.staff_id,
                version=1,
            )
            _price(charge, kind, row, fees)
            session.add(charge)
            session.flush()
            action = CHARGE_POSTED
        elif charge.status == "void":
            charge.status, charge.void_reason = "open", None
            if not charge.adjusted:
                _price(charge, kind, row, fees)
            action = CHARGE_REOPENED
        else:
            _price(charge, kind, row, fees)
            action = CHARGE_REPRICED
        details = {
            "charge": charge.id,
            "kind": charge.kind,
            "code": charge.code,
            "fee_cents": charge.fee_cents,
        }
        audit.record(uow, principal, action, client_id=client.id, subject=subject, details=details)
    return changed


def _views(uow: UnitOfWork, client_id: int):
    session = uow.session
    charges = session.scalars(
        select(Charge)
        .where(Charge.client_id == client_id)
        .order_by(Charge.service_date.desc(), Charge.id.desc())
    ).all()
    payments = session.scalars(
        select(Payment)
        .where(Payment.client_id == client_id)
        .order_by(Payment.received_on.desc(), Payment.id.desc())
    ).all()
    account = settle(
        [LedgerCharge(c.id, c.service_date, c.fee_cents, c.status == "open") for c in charges],
        [LedgerPayment(p.charge_id, p.amount_cents, p.status == "recorded") for p in payments],
    )
    ids = sorted({c.provider_id for c in charges})
    names = dict(
        session.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(ids))).all()
    )
    options = _link_codes(uow, client_id)
    charge_views = tuple(
        charge_view(c, names, account.paid.get(c.id, 0), options.get(c.provider_id, ()))
        for c in charges
    )
    payment_views = tuple(payment_view(p) for p in payments)
    return charge_views, payment_views, account


def _link_codes(uow: UnitOfWork, client_id: int) -> dict[int, tuple[str, ...]]:
    rows = uow.session.execute(
        select(ClientProviderLink.provider_id, ClientProviderLink.diagnosis_codes)
        .where(ClientProviderLink.client_id == client_id)
        .order_by(ClientProviderLink.ended_at.is_not(None), ClientProviderLink.id)
    ).all()
    out: dict[int, tuple[str, ...]] = {}
    for provider_id, codes in rows:
        out.setdefault(provider_id, split_codes(codes))
    return out


def charge_view(
    c: Charge, names: dict[int, str], paid: int, options: tuple[str, ...] = ()
) -> ChargeView:
    owing = c.fee_cents - paid if c.status == "open" else 0
    current = split_codes(c.diagnosis_codes)
    choices = current + tuple(code for code in options if code not in current)
    return ChargeView(
        c.id,
        c.appointment_id,
        c.service_date,
        c.provider_id,
        names.get(c.provider_id, "(former provider)"),
        c.kind,
        c.code,
        c.description,
        c.fee_cents,
        paid,
        owing,
        current,
        c.pos_code,
        c.status,
        c.void_reason,
        c.version,
        choices,
    )


def payment_view(p: Payment) -> PaymentView:
    return PaymentView(
        p.id,
        p.received_on,
        p.amount_cents,
        p.method,
        p.reference or "",
        p.charge_id,
        p.status,
        p.void_reason,
        p.version,
    )


def billing_of(uow: UnitOfWork, client: Client) -> ClientBilling:
    """The client's billing as it stands in the open transaction."""
    charges, payments, account = _views(uow, client.id)
    notes = BillingDetails(
        client.id, client_name(client), client.billing_notes or "", client.version
    )
    return ClientBilling(
        client.id,
        client_name(client),
        charges,
        payments,
        account.charged_cents,
        account.paid_cents,
        account.balance_cents,
        notes,
    )


@checked
def client_billing(uow: UnitOfWork, principal: Principal, client_id: int) -> ClientBilling:
    """The Billing tab of a client (R11: Owner, Biller): charges posted for every billable
    session first, then charges, payments and balance. Opening it is audited."""
    may_keep_billing(principal).require()
    for attempt in (1, 2):
        try:
            with uow:
                client = load_client_for(uow, principal, client_id)
                post_charges(uow, principal, client)
                audit.record(
                    uow,
                    principal,
                    audit.Action.BILLING_VIEWED,
                    client_id=client.id,
                    subject=f"billing:{client.id}",
                )
                result = billing_of(uow, client)
                uow.commit()
                return result
        except IntegrityError:
            # a colleague posted the same session's charge a moment ago: read again
            if attempt == 2:
                raise Conflict(
                    "Someone else is bringing this client's charges up to date; try again."
                ) from None
    raise AssertionError("unreachable")


@checked
def clients_owing(uow: UnitOfWork, principal: Principal, limit: int = 20) -> list[int]:
    """The clients whose open charges exceed their payments, most owed first (R11)."""
    may_keep_billing(principal).require()
    with uow:
        charged = (
            select(Charge.client_id, func.sum(Charge.fee_cents).label("cents"))
            .where(Charge.status == "open", billing_rows(principal, Charge.client_id))
            .group_by(Charge.client_id)
            .subquery()
        )
        paid = (
            select(Payment.client_id, func.sum(Payment.amount_cents).label("cents"))
            .where(Payment.status == "recorded")
            .group_by(Payment.client_id)
            .subquery()
        )
        owed = charged.c.cents - func.coalesce(paid.c.cents, 0)
        rows = uow.session.execute(
            select(charged.c.client_id)
            .outerjoin(paid, paid.c.client_id == charged.c.client_id)
            .where(owed > 0)
            .order_by(owed.desc(), charged.c.client_id)
            .limit(max(1, min(limit, 200)))
        )
        return list(rows.scalars())
