"""The demo practice's billing (R11): a fee schedule, a charge for each of its attended,
no-show and late-cancel sessions, payments for most of them, and a few clients owing money."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ..db.tables import Charge, Client, FeeScheduleEntry, Payment, Practice, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from .billing import post_charges
from .billing_ledger import LedgerCharge, LedgerPayment, settle
from .principal import Principal

#: the fee schedule a practice like the demo keeps: (code, description, fee in cents, use,
#: appointment type, minutes from, minutes to).
DEMO_FEES = (
    ("90791", "Psychiatric diagnostic evaluation", 22000, "session", "Intake", None, None),
    ("90832", "Psychotherapy, 30 minutes", 9000, "session", None, 16, 37),
    ("90834", "Psychotherapy, 45 minutes", 13000, "session", None, 38, 52),
    ("90837", "Psychotherapy, 60 minutes", 17000, "session", None, 53, None),
    ("90846", "Family psychotherapy without the patient", 14000, "session", None, None, None),
    ("90847", "Family psychotherapy with the patient", 15000, "session", "Family session", None, None),
    ("97110", "Therapeutic exercise, each 15 minutes", 4500, "session", "Physiotherapy", None, None),
    ("97140", "Manual therapy, each 15 minutes", 5000, "session", None, None, None),
    ("97161", "PT evaluation, low complexity", 12000, "session", "Physio assessment", None, None),
    ("NOSHOW", "Missed appointment fee", 7500, "no_show", None, None, None),
    ("LATECX", "Late cancellation fee", 5000, "late_cancel", None, None, None),
)  # fmt: skip


#: the practice's address and each provider's licence, printed on superbills.
DEMO_ADDRESS = "220 Harbour Street, Suite 4\nToronto, ON M5J 2N8"
DEMO_LICENCES = {
    "ana@demo.clinic": ("LCSW", "LCSW 482913 · NPI 1245319870"),
    "ben@demo.clinic": ("PT", "PT 30-118842 · NPI 1386710455"),
    "lee@demo.clinic": ("PhD, C.Psych", "CPO 6521 · NPI 1932204417"),
    "rosa@demo.clinic": ("PsyD", "PSY 28817 · NPI 1770561124"),
    "tess@demo.clinic": ("LMSW", "LMSW 118320 · NPI 1508847261"),
}


def add_billing_details(session, address: str, licences: dict, staff: dict[str, Staff]) -> None:
    """The practice's address and the providers' credentials and licence numbers."""
    session.get(Practice, 1).address = address
    for email, (credentials, licence) in licences.items():
        profile = session.get(ProviderProfile, staff[email].id)
        if profile is not None:
            profile.credentials, profile.licence_number = credentials, licence


def add_fee_schedule(session, now, by: int | None) -> None:
    for code, words, cents, use, kind, low, high in DEMO_FEES:
        session.add(
            FeeScheduleEntry(
                code=code, description=words, fee_cents=cents, active=True, use_for=use,
                appointment_type=kind, minutes_from=low, minutes_to=high, updated_at=now,
                updated_by=by, version=1,
            )
        )  # fmt: skip


def add_billing(uow: UnitOfWork, biller: Staff, rng: random.Random) -> None:
    """Charges for every client's billable sessions (posted as the demo's biller), then
    payments: most clients paid in full, some partly, a few not yet (a balance owing)."""
    session = uow.session
    add_fee_schedule(session, uow.now(), biller.id)
    session.flush()
    actor = Principal(biller.id, biller.email, biller.display_name, frozenset(), "demo")
    clients = session.scalars(select(Client).order_by(Client.id)).all()
    for client in clients:
        if not post_charges(uow, actor, client):
            continue
        session.flush()
        _payments(session, client.id, biller.id, uow.now(), rng)


def _payments(session, client_id: int, by: int, now, rng: random.Random) -> None:
    charges = session.scalars(
        select(Charge).where(Charge.client_id == client_id, Charge.status == "open")
    ).all()
    habit = rng.choices(("full", "partly", "owing"), (6, 2, 1))[0]
    for charge in sorted(charges, key=lambda c: c.service_date):
        recent = (now.date() - charge.service_date).days < 10
        if charge.fee_cents == 0 or (habit == "owing" and recent):
            continue
        if habit == "partly" and rng.random() < 0.4:
            continue
        method = rng.choice(("card", "card", "insurance", "cash", "cheque"))
        session.add(
            Payment(
                client_id=client_id,
                charge_id=charge.id,
                received_on=min(
                    now.date(), charge.service_date + timedelta(days=rng.choice((0, 3, 12)))
                ),
                amount_cents=charge.fee_cents,
                method=method,
                reference=f"Claim {rng.randint(100000, 999999)}" if method == "insurance" else None,
                status="recorded",
                created_at=now,
                created_by=by,
                version=1,
            )
        )


def balance_of(session, client_id: int) -> int:
    """The client's balance in cents (for the demo's checks)."""
    charges = session.scalars(select(Charge).where(Charge.client_id == client_id)).all()
    payments = session.scalars(select(Payment).where(Payment.client_id == client_id)).all()
    account = settle(
        [LedgerCharge(c.id, c.service_date, c.fee_cents, c.status == "open") for c in charges],
        [LedgerPayment(p.charge_id, p.amount_cents, p.status == "recorded") for p in payments],
    )
    return account.balance_cents
