"""Appointment status (R10): who records what became of a session, when, what it frees and
books again, the audit entry of each change, and the no-show and late-cancel counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from desktop.services import appointment_status, scheduling
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused

from .conftest import snapshot
from .test_scheduling import actions, at, request, set_up_calendar

# The test clock stands at Mon 2 Mar 2026, 09:30 in Toronto.


@pytest.fixture
def cal(uow, owner, add_member):
    return set_up_calendar(uow, owner, add_member)


def book(uow, cal, start, provider=None, client=None) -> int:
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(provider or cal.ben, client or cal.lou, start)
    )
    return result.appointments[0].id


def status_of(uow, cal, appointment_id) -> str:
    (view,) = [
        v
        for v in scheduling.appointments_of_client(uow(), cal.owner, cal.lou)
        if v.id == appointment_id
    ]
    return view.visit_status


def test_R10_a_new_appointment_is_scheduled(uow, cal):
    appointment = book(uow, cal, at(3, 2, 9))
    assert status_of(uow, cal, appointment) == "scheduled"


@pytest.mark.parametrize("role", ["scheduler", "owner", "manager", "custodian", "ben"])
def test_R10_front_desk_and_the_provider_mark_a_session_attended(uow, cal, role):
    appointment = book(uow, cal, at(3, 2, 9))
    view = appointment_status.set_appointment_status(
        uow(), getattr(cal, role), appointment, "attended"
    )
    assert view.visit_status == "attended"
    assert status_of(uow, cal, appointment) == "attended"


@pytest.mark.parametrize("role", ["biller", "ana"])
def test_R10_a_biller_or_another_provider_cannot_record_status(uow, cal, engine, role):
    appointment = book(uow, cal, at(3, 2, 9))
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refusal:
        appointment_status.set_appointment_status(uow(), getattr(cal, role), appointment, "no_show")
    assert refusal.value.rule == "R10"
    assert snapshot(engine) == before


def test_R10_each_status_change_is_audited_with_from_and_to(uow, cal):
    appointment = book(uow, cal, at(3, 2, 9))
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "arrived")
    appointment_status.set_appointment_status(uow(), cal.ben, appointment, "attended")
    changes = [(c, d) for a, c, d in actions(uow) if a == "appointment.status_changed"]
    assert changes == [
        (cal.lou, {"from": "scheduled", "to": "arrived"}),
        (cal.lou, {"from": "arrived", "to": "attended"}),
    ]


def test_R10_setting_the_same_status_again_changes_nothing(uow, cal, engine):
    appointment = book(uow, cal, at(3, 2, 9))
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "attended")
    before = snapshot(engine)
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "attended")
    assert snapshot(engine) == before


def test_R10_attended_and_no_show_wait_for_the_session_to_begin(uow, cal, engine):
    later_today = book(uow, cal, at(3, 2, 11))
    before = snapshot(engine)
    for status in ("attended", "no_show"):
        with pytest.raises(InvalidInput, match="has not started yet"):
            appointment_status.set_appointment_status(uow(), cal.scheduler, later_today, status)
    assert snapshot(engine) == before
    # arriving early on the day is normal
    view = appointment_status.set_appointment_status(uow(), cal.scheduler, later_today, "arrived")
    assert view.visit_status == "arrived"


def test_R10_arrived_is_refused_before_the_session_day(uow, cal):
    tomorrow = book(uow, cal, at(3, 3, 9))
    with pytest.raises(InvalidInput, match="on the day of the session"):
        appointment_status.set_appointment_status(uow(), cal.scheduler, tomorrow, "arrived")


def test_R10_cancelled_needs_a_reason_and_frees_the_time(uow, cal, engine):
    appointment = book(uow, cal, at(3, 3, 10))
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="reason for cancelling is required"):
        appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "cancelled")
    assert snapshot(engine) == before
    view = appointment_status.set_appointment_status(
        uow(), cal.scheduler, appointment, "cancelled", "Client is unwell"
    )
    assert (view.visit_status, view.status, view.cancel_reason) == (
        "cancelled",
        "cancelled",
        "Client is unwell",
    )
    # the time is free again: another client can be booked then
    book(uow, cal, at(3, 3, 10), client=cal.wong)


def test_R10_a_late_cancel_frees_the_time_and_counts_on_the_profile(uow, cal):
    first = book(uow, cal, at(3, 2, 9))
    second = book(uow, cal, at(3, 3, 10))
    third = book(uow, cal, at(2, 23, 10))
    appointment_status.set_appointment_status(uow(), cal.ben, first, "no_show")
    appointment_status.set_appointment_status(uow(), cal.scheduler, second, "late_cancel")
    appointment_status.set_appointment_status(uow(), cal.scheduler, third, "no_show")
    assert status_of(uow, cal, second) == "late_cancel"
    book(uow, cal, at(3, 3, 10), client=cal.wong)
    counts = appointment_status.attendance_counts(uow(), cal.scheduler, cal.lou)
    assert (counts.no_shows, counts.late_cancels) == (2, 1)
    # a no-show put back to attended no longer counts
    appointment_status.set_appointment_status(uow(), cal.ben, third, "attended")
    counts = appointment_status.attendance_counts(uow(), cal.scheduler, cal.lou)
    assert (counts.no_shows, counts.late_cancels) == (1, 1)


def test_R10_a_cancelled_session_is_booked_again_only_while_its_time_is_free(uow, cal, engine):
    appointment = book(uow, cal, at(3, 3, 10))
    appointment_status.set_appointment_status(
        uow(), cal.scheduler, appointment, "cancelled", "Snow day"
    )
    taken = book(uow, cal, at(3, 3, 10), client=cal.wong)
    before = snapshot(engine)
    with pytest.raises(Conflict, match="Ben Adeyemi already has an appointment"):
        appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "scheduled")
    assert snapshot(engine) == before
    appointment_status.set_appointment_status(uow(), cal.scheduler, taken, "cancelled", "Moved")
    view = appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "scheduled")
    assert (view.visit_status, view.status, view.cancel_reason) == ("scheduled", "booked", None)


def test_R10_an_unknown_status_is_refused_in_plain_words(uow, cal):
    appointment = book(uow, cal, at(3, 2, 9))
    with pytest.raises(InvalidInput, match="Choose Scheduled, Arrived"):
        appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "gone")


def test_R2_counts_need_the_client_in_view(uow, cal):
    with pytest.raises(PermissionRefused):
        appointment_status.attendance_counts(uow(), cal.ana, cal.lou)


def test_R10_a_week_of_statuses_shows_on_the_grid(uow, cal):
    appointment = book(uow, cal, at(3, 2, 9))
    appointment_status.set_appointment_status(uow(), cal.ben, appointment, "attended")
    start = at(3, 2, 0)
    (view,) = scheduling.appointments_between(
        uow(), cal.ana, [cal.ben.staff_id], start, start + timedelta(days=7)
    )
    # Ana cannot see Lou: the grid shows Busy, and what became of the session stays private
    assert (view.client_name, view.visit_status) == ("Busy", "")
    (seen,) = scheduling.appointments_between(
        uow(), cal.scheduler, [cal.ben.staff_id], start, start + timedelta(days=7)
    )
    assert (seen.client_name, seen.visit_status) == ("Lou Park", "attended")
