"""Where the booking form starts when opened from a client's profile: the provider's next open
slot in working hours; without working hours, the next free quarter hour of a weekday, 9-17."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop.clock import FixedClock
from desktop.db.uow import UnitOfWork
from desktop.services import scheduling
from desktop.services.errors import PermissionRefused
from desktop.services.principal import Role

from .factories import make_client

TORONTO = ZoneInfo("America/Toronto")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TORONTO)


@pytest.fixture
def ana(add_member):
    return add_member("Ana Castillo", Role.PROVIDER, records_owner="group")


def at(engine, moment: datetime):
    return lambda: UnitOfWork(engine, FixedClock(moment.astimezone(UTC)))


def test_the_first_open_slot_in_working_hours_skips_a_booked_one(uow, owner, ana, engine):
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    scheduling.set_weekly_hours(uow(), owner, ana.staff_id, [(1, time(13), time(17))])
    thursday_morning = at(engine, local("2026-03-05T08:00"))  # Ana works on Tuesdays only
    scheduling.book_appointment(
        thursday_morning(),
        owner,
        scheduling.BookingRequest(ana.staff_id, kim, local("2026-03-10T13:00")),
    )
    start = scheduling.suggested_start(thursday_morning(), owner, ana.staff_id, kim)
    assert start == local("2026-03-10T14:00")  # slots every 15 minutes from 13:00


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-05T03:15", "2026-03-05T09:00"),  # the middle of the night: 9:00 that day
        ("2026-03-05T10:07", "2026-03-05T10:15"),  # the next quarter hour
        ("2026-03-06T16:30", "2026-03-09T09:00"),  # Friday after 16:10: Monday 9:00
        ("2026-03-07T11:00", "2026-03-09T09:00"),  # Saturday: Monday 9:00
    ],
)
def test_without_working_hours_the_next_quarter_hour_of_a_usual_day(
    uow, ana, engine, now, expected
):
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    clock = at(engine, local(now))
    assert scheduling.suggested_start(clock(), ana, ana.staff_id, kim) == local(expected)


def test_without_working_hours_a_booked_time_is_skipped(uow, ana, engine):
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    clock = at(engine, local("2026-03-05T08:00"))
    scheduling.book_appointment(
        clock(), ana, scheduling.BookingRequest(ana.staff_id, kim, local("2026-03-05T09:00"))
    )
    assert scheduling.suggested_start(clock(), ana, ana.staff_id, kim) == local(
        "2026-03-05T09:50"
    ) + timedelta(minutes=10)


def test_only_someone_who_may_book_for_the_provider_is_told(uow, ana, add_member, engine):
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id, ben.staff_id)
    with pytest.raises(PermissionRefused):
        scheduling.suggested_start(uow(), ben, ana.staff_id, kim)
