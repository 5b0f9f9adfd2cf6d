"""The demo practice bills (R11): a fee schedule, a charge for every attended, no-show and
late-cancel session, payments, a client owing money, superbill details; and sessions still
waiting for their note."""

from __future__ import annotations

from sqlalchemy import func, select

from desktop.db.tables import (
    Appointment,
    Charge,
    ChartNote,
    FeeScheduleEntry,
    Payment,
    Practice,
    ProviderProfile,
)
from desktop.services import demo
from desktop.services.billing import billable_kind
from desktop.services.demo_billing import balance_of


def test_R11_the_demo_practice_has_fees_charges_payments_and_a_balance(uow, passwords):
    assert demo.ensure_demo_practice(uow(), passwords)
    with uow() as work:
        s = work.session
        assert s.scalar(select(func.count()).select_from(FeeScheduleEntry)) >= 10
        billable = {
            row.id: billable_kind(row)
            for row in s.scalars(select(Appointment))
            if billable_kind(row) is not None
        }
        charges = {c.appointment_id: c for c in s.scalars(select(Charge))}
        assert set(charges) == set(billable)
        assert {c.kind for c in charges.values()} >= {"session", "no_show"}
        assert all(c.kind == billable[a] and c.status == "open" for a, c in charges.items())
        codes = {c.code for c in charges.values()}
        assert {"90834", "97110", "NOSHOW"} <= codes
        assert s.scalar(select(func.count()).select_from(Payment)) > 0
        owing = [c for c in {c.client_id for c in charges.values()} if balance_of(s, c) > 0]
        assert owing, "some client owes money"
        assert s.get(Practice, 1).address
        assert s.scalar(select(func.count()).where(ProviderProfile.licence_number.is_not(None)))
        noted = set(s.scalars(select(ChartNote.appointment_id).where(ChartNote.status == "signed")))
        attended = [a for a, kind in billable.items() if kind == "session"]
        assert any(a not in noted for a in attended), "a session waits for its note"
