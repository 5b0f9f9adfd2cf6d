"""The superbill (R11): a date range's sessions with codes, diagnoses, places of service, fees,
payments and totals; exporting it is audited and listed among the client's disclosures (B7)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from desktop.db.tables import Client, Practice, ProviderProfile
from desktop.services import billing, billing_changes, disclosures, superbill
from desktop.services.billing_changes import NewPayment
from desktop.services.errors import InvalidInput, PermissionRefused

from .test_billing import add_fees, diagnose, session
from .test_scheduling import at, set_up_calendar


@pytest.fixture
def cal(uow, owner, add_member):
    return set_up_calendar(uow, owner, add_member)


@pytest.fixture
def fees(uow, cal):
    add_fees(uow, cal)


def superbill_world(uow, cal) -> None:
    with uow() as work:
        work.session.execute(update(Practice).values(address="12 Harbour St\nToronto ON"))
        work.session.execute(
            update(ProviderProfile)
            .where(ProviderProfile.staff_id == cal.ben.staff_id)
            .values(credentials="RP", licence_number="CRPO 004512")
        )
        work.session.execute(
            update(Client)
            .where(Client.id == cal.lou)
            .values(address_line1="4 Elm Row", city="Toronto")
        )
        work.commit()
    diagnose(uow, cal, "F41.1", "F32.0")
    session(uow, cal, at(1, 30, 9), "attended")  # before the period
    session(uow, cal, at(2, 23, 9), "attended", minutes=60)
    session(uow, cal, at(2, 24, 9), "no_show")
    session(uow, cal, at(2, 25, 9), "cancelled")
    charges = billing.client_billing(uow(), cal.biller, cal.lou).charges
    (first,) = [c for c in charges if c.service_date == date(2026, 2, 23)]
    billing_changes.record_payment(
        uow(), cal.biller, cal.lou, NewPayment(date(2026, 2, 23), 10000, "card", "", first.id)
    )


def test_R11_a_superbill_lists_the_periods_sessions_with_codes_and_totals(uow, cal, fees):
    superbill_world(uow, cal)
    bill = superbill.superbill(uow(), cal.biller, cal.lou, date(2026, 2, 1), date(2026, 2, 28))
    assert [
        (x.service_date, x.code, x.pos_code, x.pointers, x.fee_cents, x.paid_cents)
        for x in bill.lines
    ] == [
        (date(2026, 2, 23), "90837", "11", "A,B", 17000, 10000),
        (date(2026, 2, 24), "NOSHOW", "11", "A,B", 7500, 0),
    ]  # fmt: skip
    assert [(d.pointer, d.code) for d in bill.diagnoses] == [("A", "F41.1"), ("B", "F32.0")]
    assert "anxiety" in bill.diagnoses[0].description.lower()
    assert [(p.name, p.licence_number) for p in bill.providers] == [("Ben Adeyemi", "CRPO 004512")]
    assert (bill.total_fee_cents, bill.total_paid_cents, bill.owing_cents) == (24500, 10000, 14500)
    assert bill.practice_address.startswith("12 Harbour St")
    assert bill.client_address == ("4 Elm Row", "Toronto")


def test_B7_an_exported_superbill_is_audited_and_listed_among_disclosures(uow, cal, fees):
    superbill_world(uow, cal)
    superbill.record_superbill_exported(
        uow(), cal.biller, cal.lou, date(2026, 2, 1), date(2026, 2, 28), 2
    )
    account = disclosures.disclosures_of(uow(), cal.owner, cal.lou)
    (shown,) = [d for d in account.rows if d.kind == "Billing records exported"]
    assert shown.what == "Superbill of the sessions from 2026-02-01 to 2026-02-28 (PDF)"
    assert shown.to_whom == "The client, for their insurer"


def test_R11_a_superbill_period_must_run_forwards(uow, cal, fees):
    with pytest.raises(InvalidInput):
        superbill.superbill(uow(), cal.biller, cal.lou, date(2026, 2, 28), date(2026, 2, 1))


@pytest.mark.parametrize("role", ["scheduler", "ben", "manager"])
def test_R11_nobody_else_makes_a_superbill(uow, cal, fees, role):
    with pytest.raises(PermissionRefused) as refusal:
        superbill.superbill(uow(), getattr(cal, role), cal.lou, date(2026, 2, 1), date(2026, 2, 28))
    assert refusal.value.rule == "R11"
