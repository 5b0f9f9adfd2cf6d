"""Billing (R11): the fee schedule, charges made from sessions' statuses, adjustments, payments,
the balance in cents, voids; and a Scheduler, a provider and a Manager refused every call."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from desktop.db.tables import ClientProviderLink
from desktop.services import appointment_status, billing, billing_changes, billing_codes, scheduling
from desktop.services.billing_changes import ChargeChange, NewPayment
from desktop.services.billing_codes import FeeInput
from desktop.services.demo_billing import DEMO_FEES
from desktop.services.errors import InvalidInput, PermissionRefused

from .conftest import snapshot
from .test_scheduling import actions, at, request, set_up_calendar

# The test clock stands at Mon 2 Mar 2026, 09:30 in Toronto.


@pytest.fixture
def cal(uow, owner, add_member):
    return set_up_calendar(uow, owner, add_member)


def add_fees(uow, cal):
    for code, words, cents, use, kind, low, high in DEMO_FEES:
        billing_codes.save_fee_entry(
            uow(), cal.biller, FeeInput(code, words, cents, True, use, kind, low, high)
        )


@pytest.fixture
def fees(uow, cal):
    add_fees(uow, cal)


def session(uow, cal, start, status, minutes=50, kind="Session", pos="11") -> int:
    booked = scheduling.book_appointment(
        uow(),
        cal.scheduler,
        request(
            cal.ben, cal.lou, start, duration_minutes=minutes, appointment_type=kind, pos_code=pos
        ),
    )
    appointment = booked.appointments[0].id
    if status:
        appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, status, "Flu")
    return appointment


def diagnose(uow, cal, *codes):
    with uow() as work:
        work.session.execute(
            update(ClientProviderLink)
            .where(ClientProviderLink.client_id == cal.lou)
            .values(diagnosis_codes="\n".join(codes))
        )
        work.commit()


def lines(view) -> list[tuple]:
    return sorted((c.service_date, c.kind, c.code, c.fee_cents, c.status) for c in view.charges)


# -- fee schedule ---------------------------------------------------------------------------


def test_R11_a_session_gets_its_code_from_its_length_or_its_type(uow, cal, fees):
    entries = billing_codes.fee_schedule(uow(), cal.biller)
    pick = billing_codes.default_entry
    assert pick(entries, "session", "Session", 30).code == "90832"
    assert pick(entries, "session", "Session", 45).code == "90834"
    assert pick(entries, "session", "Session", 60).code == "90837"
    assert pick(entries, "session", "physiotherapy", 30).code == "97110"
    assert pick(entries, "no_show", "Session", 50).code == "NOSHOW"
    assert pick(entries, "session", "Session", 10) is None


def test_R11_a_fee_change_is_audited_with_old_and_new_values(uow, cal, fees):
    (entry,) = [e for e in billing_codes.fee_schedule(uow(), cal.owner) if e.code == "90837"]
    changed = billing_codes.save_fee_entry(
        uow(),
        cal.owner,
        FeeInput("90837", entry.description, 18000, True, "session", None, 53, None),
        entry.id,
        entry.version,
    )
    assert changed.fee_cents == 18000
    saved = [d for a, _, d in actions(uow) if a == "billing.fee_saved"]
    assert saved[-1]["before"]["fee_cents"] == 17000 and saved[-1]["after"]["fee_cents"] == 18000


def test_R11_a_code_is_in_the_fee_schedule_once(uow, cal, fees):
    with pytest.raises(InvalidInput) as problem:
        billing_codes.save_fee_entry(uow(), cal.biller, FeeInput("90837", "Again", 100))
    assert "already in the fee schedule" in problem.value.message


# -- charges from sessions ----------------------------------------------------------------


def test_R11_attended_no_show_and_late_cancel_sessions_become_charges(uow, cal, fees):
    diagnose(uow, cal, "F41.1", "F32.0")
    session(uow, cal, at(2, 23, 9), "attended", minutes=50)
    session(uow, cal, at(2, 24, 9), "no_show")
    session(uow, cal, at(2, 25, 9), "late_cancel")
    session(uow, cal, at(2, 26, 9), "cancelled")
    session(uow, cal, at(2, 27, 9), "attended", minutes=30, kind="Physiotherapy", pos="02")
    session(uow, cal, at(3, 9, 9), None)  # still to come
    view = billing.client_billing(uow(), cal.biller, cal.lou)
    assert lines(view) == [
        (date(2026, 2, 23), "session", "90834", 13000, "open"),
        (date(2026, 2, 24), "no_show", "NOSHOW", 7500, "open"),
        (date(2026, 2, 25), "late_cancel", "LATECX", 5000, "open"),
        (date(2026, 2, 27), "session", "97110", 4500, "open"),
    ]
    first = [c for c in view.charges if c.service_date == date(2026, 2, 23)][0]
    assert first.diagnosis_codes == ("F41.1", "F32.0")
    assert first.provider_name == "Ben Adeyemi"
    assert [c.pos_code for c in view.charges if c.code == "97110"] == ["02"]
    assert view.balance_cents == 13000 + 7500 + 5000 + 4500


def test_R11_charges_are_made_once_however_often_billing_is_opened(uow, cal, fees):
    session(uow, cal, at(2, 23, 9), "attended")
    billing.client_billing(uow(), cal.biller, cal.lou)
    again = billing.client_billing(uow(), cal.owner, cal.lou)
    assert len(again.charges) == 1
    assert [a for a, _, _ in actions(uow)].count("billing.charge_posted") == 1


def test_R11_a_session_no_longer_attended_voids_its_unpaid_charge_and_back_again(uow, cal, fees):
    appointment = session(uow, cal, at(2, 23, 9), "attended")
    billing.client_billing(uow(), cal.biller, cal.lou)
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "scheduled")
    voided = billing.client_billing(uow(), cal.biller, cal.lou)
    assert [(c.status, c.void_reason) for c in voided.charges] == [
        ("void", "The session is now marked Scheduled.")
    ]
    assert voided.balance_cents == 0
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "no_show")
    reopened = billing.client_billing(uow(), cal.biller, cal.lou)
    assert lines(reopened) == [(date(2026, 2, 23), "no_show", "NOSHOW", 7500, "open")]
    done = [a for a, _, _ in actions(uow) if a.startswith("billing.charge")]
    assert done == ["billing.charge_posted", "billing.charge_voided", "billing.charge_reopened"]


def test_R11_a_paid_charge_is_not_voided_by_a_status_change(uow, cal, fees):
    appointment = session(uow, cal, at(2, 23, 9), "attended")
    charge = billing.client_billing(uow(), cal.biller, cal.lou).charges[0]
    billing_changes.record_payment(
        uow(), cal.biller, cal.lou, NewPayment(date(2026, 2, 23), 13000, "card", "", charge.id)
    )
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "scheduled")
    view = billing.client_billing(uow(), cal.biller, cal.lou)
    assert [(c.status, c.paid_cents, c.owing_cents) for c in view.charges] == [("open", 13000, 0)]


# -- adjustments ----------------------------------------------------------------------------


def test_R11_a_biller_adjusts_a_charge_with_a_reason_audited_old_and_new(uow, cal, fees):
    diagnose(uow, cal, "F41.1", "F32.0")
    session(uow, cal, at(2, 23, 9), "attended")
    charge = billing.client_billing(uow(), cal.biller, cal.lou).charges[0]
    change = ChargeChange("90837", 15000, ["F32.0"], "02")
    view = billing_changes.adjust_charge(
        uow(), cal.biller, charge.id, change, "Session ran to 55 minutes", charge.version
    )
    (after,) = view.charges
    assert (after.code, after.fee_cents, after.diagnosis_codes, after.pos_code) == (
        "90837",
        15000,
        ("F32.0",),
        "02",
    )
    assert after.description == "Psychotherapy, 60 minutes"
    (entry,) = [d for a, _, d in actions(uow) if a == "billing.charge_adjusted"]
    assert entry["before"] == {
        "code": "90834",
        "fee_cents": 13000,
        "diagnosis_codes": ["F41.1", "F32.0"],
        "pos_code": "11",
    }
    assert entry["after"]["code"] == "90837" and entry["reason"] == "Session ran to 55 minutes"


@pytest.mark.parametrize(
    ("change", "reason", "words"),
    [
        (ChargeChange("90837", 15000, [], "11"), "  ", "reason for the change is required"),
        (ChargeChange("99999", 15000, [], "11"), "Typo", "not in the fee schedule"),
        (ChargeChange("90837", 15000, ["Z00.00"], "11"), "Typo", "not among the provider"),
        (ChargeChange("90837", -5, [], "11"), "Typo", "between"),
        (ChargeChange("90837", 100, [], "ZZ"), "Typo", "place of service"),
    ],
)
def test_R11_a_wrong_adjustment_changes_nothing(uow, cal, fees, engine, change, reason, words):
    session(uow, cal, at(2, 23, 9), "attended")
    charge = billing.client_billing(uow(), cal.biller, cal.lou).charges[0]
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as problem:
        billing_changes.adjust_charge(uow(), cal.biller, charge.id, change, reason, charge.version)
    assert words in problem.value.message
    assert snapshot(engine) == before


# -- payments and the balance ------------------------------------------------------------


def test_R11_a_payment_on_the_account_pays_the_oldest_charges_first(uow, cal, fees):
    session(uow, cal, at(2, 23, 9), "attended")  # 130.00
    session(uow, cal, at(2, 24, 9), "no_show")  # 75.00
    session(uow, cal, at(2, 25, 9), "attended")  # 130.00
    billing.client_billing(uow(), cal.biller, cal.lou)
    view = billing_changes.record_payment(
        uow(), cal.biller, cal.lou, NewPayment(date(2026, 3, 2), 15050, "cash")
    )
    paid = {c.service_date.day: (c.paid_cents, c.owing_cents) for c in view.charges}
    assert paid == {23: (13000, 0), 24: (2050, 5450), 25: (0, 13000)}
    assert (view.charged_cents, view.paid_cents, view.balance_cents) == (33500, 15050, 18450)


def test_R11_a_voided_payment_stays_listed_and_counts_for_nothing(uow, cal, fees):
    session(uow, cal, at(2, 23, 9), "attended")
    charge = billing.client_billing(uow(), cal.biller, cal.lou).charges[0]
    paid = billing_changes.record_payment(
        uow(),
        cal.biller,
        cal.lou,
        NewPayment(date(2026, 3, 1), 13000, "cheque", "#1042", charge.id),
    )
    assert paid.balance_cents == 0
    (payment,) = paid.payments
    with pytest.raises(InvalidInput):
        billing_changes.void_payment(uow(), cal.biller, payment.id, "", payment.version)
    view = billing_changes.void_payment(
        uow(), cal.owner, payment.id, "Cheque returned by the bank", payment.version
    )
    assert [(p.status, p.void_reason) for p in view.payments] == [
        ("void", "Cheque returned by the bank")
    ]
    assert view.balance_cents == 13000 and view.charges[0].owing_cents == 13000
    words = [(a, d.get("reason")) for a, _, d in actions(uow) if a.startswith("billing.payment")]
    assert words == [
        ("billing.payment_recorded", None),
        ("billing.payment_voided", "Cheque returned by the bank"),
    ]


def test_R11_more_paid_than_charged_is_a_credit(uow, cal, fees):
    session(uow, cal, at(2, 23, 9), "no_show")
    billing.client_billing(uow(), cal.biller, cal.lou)
    view = billing_changes.record_payment(
        uow(), cal.biller, cal.lou, NewPayment(date(2026, 3, 2), 10000, "card")
    )
    assert view.balance_cents == -2500


def test_R11_a_payment_needs_an_amount_and_a_known_method(uow, cal, fees):
    for payment in (
        NewPayment(date(2026, 3, 2), 0, "card"),
        NewPayment(date(2026, 3, 2), 100, "bitcoin"),
        NewPayment(date(2026, 4, 2), 100, "card"),
    ):
        with pytest.raises(InvalidInput):
            billing_changes.record_payment(uow(), cal.biller, cal.lou, payment)


# -- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["scheduler", "ben", "manager", "custodian"])
def test_R11_only_the_owner_and_billers_reach_billing(uow, cal, fees, engine, role):
    appointment = session(uow, cal, at(2, 23, 9), "attended")
    charge = billing.client_billing(uow(), cal.biller, cal.lou).charges[0]
    who = getattr(cal, role)
    before = snapshot(engine)
    calls = [
        lambda: billing.client_billing(uow(), who, cal.lou),
        lambda: billing_codes.fee_schedule(uow(), who),
        lambda: billing_codes.save_fee_entry(uow(), who, FeeInput("90999", "Other", 100)),
        lambda: billing_changes.adjust_charge(
            uow(), who, charge.id, ChargeChange("90837", 1, [], "11"), "why", charge.version
        ),
        lambda: billing_changes.record_payment(
            uow(), who, cal.lou, NewPayment(date(2026, 3, 2), 100, "cash")
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionRefused) as refusal:
            call()
        assert refusal.value.rule == "R11"
    assert snapshot(engine) == before
    assert appointment
