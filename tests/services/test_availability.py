"""Availability (R10): weekly hours and time off, kept by the provider or the front office, and
Find Availability: open slots inside working hours, outside time off and appointments, on DST
days too, filtered by the client's providers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from desktop.services import availability, scheduling
from desktop.services.availability import WorkingHours, find_availability, subtract
from desktop.services.errors import InvalidInput, PermissionRefused

from .conftest import snapshot
from .factories import make_client
from .test_scheduling import TORONTO, Practice, at, request, set_up_calendar

MONDAY, TUESDAY, SUNDAY = 0, 1, 6


@pytest.fixture
def cal(uow, owner, add_member) -> Practice:
    return set_up_calendar(uow, owner, add_member)


def slots(uow, principal, day: date, *, last: date | None = None, **options):
    options = {"provider_ids": None, "client_id": None, "duration_minutes": 50, **options}
    found = find_availability(uow(), principal, start_date=day, end_date=last or day, **options)
    return [
        (slot.provider_name, slot.starts_at.astimezone(TORONTO).strftime("%d %H:%M"))
        for slot in found
    ]


# -- who keeps the hours -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ben", "owner", "manager", "scheduler"])
def test_R10_a_provider_or_the_front_office_sets_weekly_hours(uow, cal, who):
    hours = [(TUESDAY, time(13), time(17)), (MONDAY, time(9), time(12))]
    saved = availability.set_weekly_hours(uow(), getattr(cal, who), cal.ben.staff_id, hours)
    assert saved == [
        WorkingHours(MONDAY, time(9), time(12)),
        WorkingHours(TUESDAY, time(13), time(17)),
    ]
    assert availability.weekly_hours(uow(), cal.ana, cal.ben.staff_id) == saved
    # Setting them again replaces the week.
    availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, [(SUNDAY, time(8), time(9))])
    assert availability.weekly_hours(uow(), cal.ben, cal.ben.staff_id) == [
        WorkingHours(SUNDAY, time(8), time(9))
    ]


@pytest.mark.parametrize("who", ["ana", "custodian", "biller"])
def test_R10_nobody_else_changes_a_providers_hours_or_time_off(uow, cal, engine, who):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        availability.set_weekly_hours(
            uow(), getattr(cal, who), cal.ben.staff_id, [(MONDAY, time(9), time(12))]
        )
    assert refused.value.rule == "R10"
    assert refused.value.reason == (
        "Only Ben Adeyemi, the Owner, a Manager or a Scheduler can change Ben Adeyemi's working "
        "hours and time off."
    )
    with pytest.raises(PermissionRefused):
        availability.add_time_off(
            uow(), getattr(cal, who), cal.ben.staff_id, at(3, 3, 9), at(3, 4, 9)
        )
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "hours",
    [
        [(MONDAY, time(12), time(9))],
        [(MONDAY, time(9), time(9))],
        [(7, time(9), time(12))],
        [(MONDAY, time(9), time(12)), (MONDAY, time(11), time(14))],
    ],
)
def test_impossible_hours_are_refused_and_change_nothing(uow, cal, engine, hours):
    before = snapshot(engine)
    with pytest.raises(InvalidInput):
        availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, hours)
    assert snapshot(engine) == before


def test_time_off_is_added_listed_and_removed(uow, cal):
    off = availability.add_time_off(
        uow(), cal.ben, cal.ben.staff_id, at(3, 3, 12), at(3, 3, 14), "Training"
    )
    listed = availability.time_off_between(
        uow(), cal.scheduler, cal.ben.staff_id, at(3, 3, 0), at(3, 4, 0)
    )
    assert listed == [off]
    assert (off.starts_at, off.reason) == (at(3, 3, 12).astimezone(UTC), "Training")
    with pytest.raises(InvalidInput):
        availability.add_time_off(uow(), cal.ben, cal.ben.staff_id, at(3, 3, 14), at(3, 3, 12))
    availability.remove_time_off(uow(), cal.scheduler, off.id)
    assert (
        availability.time_off_between(
            uow(), cal.scheduler, cal.ben.staff_id, at(3, 3, 0), at(3, 4, 0)
        )
        == []
    )


def test_the_calendar_reads_every_shown_providers_hours_and_time_off_at_once(uow, cal):
    availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, [(MONDAY, time(9), time(12))])
    off = availability.add_time_off(
        uow(), cal.ben, cal.ben.staff_id, at(3, 3, 12), at(3, 3, 14), "Training"
    )
    availability.add_time_off(uow(), cal.ben, cal.ben.staff_id, at(3, 9, 9), at(3, 9, 10), "Later")
    ids = [cal.ana.staff_id, cal.ben.staff_id]
    shown = availability.calendar_availability(uow(), cal.scheduler, ids, at(3, 2, 0), at(3, 9, 0))
    for provider_id in ids:  # the same as asking provider by provider
        assert shown.hours[provider_id] == availability.weekly_hours(
            uow(), cal.scheduler, provider_id
        )
        assert shown.time_off[provider_id] == availability.time_off_between(
            uow(), cal.scheduler, provider_id, at(3, 2, 0), at(3, 9, 0)
        )
    assert shown.time_off[cal.ben.staff_id] == [off]  # not the one after the week shown


# -- Find Availability ---------------------------------------------------------------------------


def test_R10_open_slots_are_inside_hours_and_around_appointments(uow, cal):
    """Tuesday 9:00-12:00, a session 10:00-10:50, 50-minute slots every 15 minutes."""
    availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, [(TUESDAY, time(9), time(12))])
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    assert slots(uow, cal.scheduler, date(2026, 3, 3)) == [
        ("Ben Adeyemi", "03 09:00"),
        ("Ben Adeyemi", "03 11:00"),
    ]
    assert slots(uow, cal.scheduler, date(2026, 3, 3), duration_minutes=30) == [
        ("Ben Adeyemi", "03 09:00"),
        ("Ben Adeyemi", "03 09:15"),
        ("Ben Adeyemi", "03 09:30"),
        ("Ben Adeyemi", "03 11:00"),
        ("Ben Adeyemi", "03 11:15"),
        ("Ben Adeyemi", "03 11:30"),
    ]


def test_R10_time_off_and_cancellations_change_the_open_slots(uow, cal):
    availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, [(TUESDAY, time(9), time(12))])
    booked = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10))
    )
    off = availability.add_time_off(uow(), cal.ben, cal.ben.staff_id, at(3, 3, 8), at(3, 3, 9, 30))
    assert slots(uow, cal.scheduler, date(2026, 3, 3)) == [("Ben Adeyemi", "03 11:00")]
    scheduling.cancel_appointment(uow(), cal.scheduler, booked.appointments[0].id, "Ill")
    assert [s for _, s in slots(uow, cal.scheduler, date(2026, 3, 3), step_minutes=30)] == [
        "03 09:30",
        "03 10:00",
        "03 10:30",
        "03 11:00",
    ]
    availability.remove_time_off(uow(), cal.ben, off.id)
    assert slots(uow, cal.scheduler, date(2026, 3, 3), step_minutes=60)[0] == (
        "Ben Adeyemi",
        "03 09:00",
    )


def test_R10_no_slot_is_offered_in_the_past(uow, cal):
    """The test clock stands at Monday 2 March, 9:30 in Toronto."""
    availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, [(MONDAY, time(9), time(11))])
    assert [s for _, s in slots(uow, cal.scheduler, date(2026, 3, 2), duration_minutes=60)] == [
        "02 09:30",
        "02 09:45",
        "02 10:00",
    ]


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 8), 5), (date(2026, 11, 1), 7)])
def test_R10_dst_days_have_the_hours_the_clock_shows(uow, cal, day, hours):
    """Midnight to 6:00 on the day clocks go forward lasts 5 hours; on the day they go back, 7."""
    availability.set_weekly_hours(uow(), cal.ben, cal.ben.staff_id, [(SUNDAY, time(0), time(6))])
    found = find_availability(
        uow(),
        cal.scheduler,
        provider_ids=[cal.ben.staff_id],
        client_id=None,
        start_date=day,
        end_date=day,
        duration_minutes=60,
        step_minutes=60,
    )
    assert len(found) == hours
    assert found[0].starts_at.astimezone(TORONTO).time() == time(0)
    assert found[-1].ends_at.astimezone(TORONTO).time() == time(6)
    gaps = {b.starts_at - a.starts_at for a, b in zip(found, found[1:], strict=False)}
    assert gaps == {timedelta(hours=1)}


def test_R10_working_hours_keep_their_wall_clock_times_across_the_dst_week(uow, cal):
    availability.set_weekly_hours(
        uow(), cal.ben, cal.ben.staff_id, [(day, time(9), time(12)) for day in range(7)]
    )
    found = slots(uow, cal.scheduler, date(2026, 3, 7), last=date(2026, 3, 9), duration_minutes=180)
    assert found == [("Ben Adeyemi", f"0{d} 09:00") for d in (7, 8, 9)]


def test_R7_the_client_filter_searches_the_clients_providers(uow, cal):
    for provider in (cal.ben, cal.ana):
        availability.set_weekly_hours(
            uow(), provider, provider.staff_id, [(TUESDAY, time(9), time(10))]
        )
    both = make_client(uow(), "Mia", "Roy", cal.ben.staff_id, cal.ana.staff_id)
    tuesday = date(2026, 3, 3)
    assert slots(uow, cal.scheduler, tuesday, client_id=both) == [
        ("Ana Castillo", "03 09:00"),
        ("Ben Adeyemi", "03 09:00"),
    ]
    assert slots(uow, cal.scheduler, tuesday, client_id=cal.lou) == [("Ben Adeyemi", "03 09:00")]
    # Naming the therapist wins over the client's own providers: booking will link them (R7).
    assert slots(
        uow, cal.scheduler, tuesday, client_id=cal.lou, provider_ids=[cal.ana.staff_id]
    ) == [("Ana Castillo", "03 09:00")]
    assert slots(uow, cal.scheduler, tuesday, client_id=cal.wong) == []
    assert len(slots(uow, cal.scheduler, tuesday)) == 2  # no filter: every provider


def test_R2_the_client_filter_needs_a_client_you_may_see(uow, cal):
    with pytest.raises(PermissionRefused) as refused:
        slots(uow, cal.ben, date(2026, 3, 3), client_id=cal.kim)
    assert refused.value.rule == "R2"


def test_find_availability_refuses_odd_searches(uow, cal):
    for options in (
        {"duration_minutes": 0},
        {"step_minutes": 1},
        {"last": date(2026, 3, 2)},
        {"last": date(2026, 7, 1)},
        {"provider_ids": [cal.scheduler.staff_id]},
    ):
        with pytest.raises(InvalidInput):
            slots(uow, cal.scheduler, date(2026, 3, 3), **options)


def _t(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 3, hour, minute, tzinfo=UTC)


def test_interval_subtraction_in_one_sweep():
    free = [(_t(9), _t(12)), (_t(13), _t(17))]
    busy = [
        (_t(8), _t(9, 30)),  # overlaps the start
        (_t(10), _t(10, 30)),
        (_t(10, 15), _t(11)),  # overlaps the one before
        (_t(11, 30), _t(13, 30)),  # spans the lunch break
        (_t(17), _t(18)),  # touches the end: no effect
    ]
    assert [(s.hour, s.minute, e.hour, e.minute) for s, e, _ in subtract(free, busy)] == [
        (9, 30, 10, 0),
        (11, 0, 11, 30),
        (13, 30, 17, 0),
    ]
    assert [origin for _, _, origin in subtract(free, busy)] == [_t(9), _t(9), _t(13)]
    assert subtract(free, []) == [(s, e, s) for s, e in free]
    assert subtract(free, [(_t(0), _t(23))]) == []
