"""Repeating appointments (R10): rules in local time across DST, clashes listed before saving,
and moving or cancelling this one, this and the following, or all of a series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db.tables import Appointment, AppointmentSeries
from desktop.services import recurrence, scheduling
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.recurrence import RepeatRule

from .conftest import snapshot
from .test_scheduling import TORONTO, Practice, at, request, set_up_calendar


@pytest.fixture
def cal(uow, owner, add_member) -> Practice:
    return set_up_calendar(uow, owner, add_member)


def weekly(count: int | None = None, interval: int = 1, until: date | None = None) -> RepeatRule:
    return RepeatRule("weekly", interval=interval, count=count, until=until)


def local_starts(views) -> list[datetime]:
    return [view.starts_at.astimezone(TORONTO).replace(tzinfo=None) for view in views]


def series_rows(uow, provider_id: int) -> list[tuple[int, str, int, str]]:
    with uow() as work:
        rows = work.session.execute(
            select(Appointment.id, Appointment.status, Appointment.series_id, Appointment.starts_at)
            .where(Appointment.provider_id == provider_id)
            .order_by(Appointment.starts_at)
        ).all()
    return [(id_, status, series, start.astimezone(TORONTO)) for id_, status, series, start in rows]


# -- the rule, in local time -------------------------------------------------------------------


def test_R10_a_weekly_series_stays_at_10_local_across_both_dst_changes(uow, cal):
    """America/Toronto springs forward on 2026-03-08 and falls back on 2026-11-01."""
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10), repeat=weekly(count=40))
    )

    views = result.appointments
    assert len(views) == 40
    assert {start.time() for start in local_starts(views)} == {datetime(1, 1, 1, 10).time()}
    assert local_starts(views)[-1] == datetime(2026, 12, 1, 10)
    utc_hours = [view.starts_at.astimezone(UTC).hour for view in views]
    assert utc_hours[0] == 15  # EST, before 8 March
    assert utc_hours[1] == 14  # EDT from 10 March
    assert utc_hours[-1] == 15  # EST again after 1 November
    assert utc_hours.count(14) == 34  # 10 Mar .. 27 Oct
    assert all(view.ends_at - view.starts_at == timedelta(minutes=50) for view in views)
    with uow() as work:
        series = work.session.get(AppointmentSeries, result.series_id)
        assert (series.rrule, series.first_start_local, series.time_zone) == (
            "FREQ=WEEKLY;INTERVAL=1;COUNT=40",
            "2026-03-03T10:00:00",
            "America/Toronto",
        )
    assert all(view.series_id == result.series_id for view in views)


def test_R10_every_two_weeks_until_a_date(uow, cal):
    result = scheduling.book_appointment(
        uow(),
        cal.scheduler,
        request(cal.ben, cal.lou, at(3, 3, 10), repeat=weekly(interval=2, until=date(2026, 4, 28))),
    )
    assert [start.date() for start in local_starts(result.appointments)] == [
        date(2026, 3, 3),
        date(2026, 3, 17),
        date(2026, 3, 31),
        date(2026, 4, 14),
        date(2026, 4, 28),
    ]


def test_R10_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    first = datetime(2026, 1, 31, 10)
    text = recurrence.rrule_text(RepeatRule("monthly", count=4), first)
    assert [d.date() for d in recurrence.local_starts(text, first)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_R10_monthly_on_the_same_weekday_of_the_month():
    first = datetime(2026, 3, 10, 9, 30)  # the second Tuesday
    text = recurrence.rrule_text(RepeatRule("monthly_weekday", count=3), first)
    assert text == "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU;COUNT=3"
    assert recurrence.local_starts(text, first) == [
        datetime(2026, 3, 10, 9, 30),
        datetime(2026, 4, 14, 9, 30),
        datetime(2026, 5, 12, 9, 30),
    ]


def test_a_rule_reads_in_words():
    assert weekly(count=10, interval=2).description == "Every 2 weeks, 10 times"
    assert RepeatRule("monthly", until=date(2026, 6, 30)).description == (
        "Every month, until Tue 30 Jun 2026"
    )


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (RepeatRule("daily", count=3), "repeat"),
        (weekly(count=0), "repeat_count"),
        (weekly(count=261), "repeat_count"),
        (weekly(interval=0, count=3), "repeat_interval"),
        (RepeatRule("weekly"), "repeat_end"),
        (weekly(count=3, until=date(2026, 6, 1)), "repeat_end"),
        (weekly(until=date(2026, 3, 2)), "repeat_until"),
        (weekly(until=date(2032, 1, 1)), "repeat_until"),
    ],
)
def test_an_impossible_repeat_is_refused_and_changes_nothing(uow, cal, engine, rule, field):
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as invalid:
        scheduling.book_appointment(
            uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10), repeat=rule)
        )
    assert invalid.value.field == field
    assert snapshot(engine) == before


# -- clashes, before saving and when saving ------------------------------------------------------


@pytest.fixture
def two_clashes(uow, cal) -> scheduling.BookingRequest:
    """Ben is busy on 17 March at 10:30 and on 31 March at 9:30; a weekly 10:00 series of five."""
    for start in (at(3, 17, 10, 30), at(3, 31, 9, 30)):
        scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, start))
    return request(cal.ben, cal.lou, at(3, 3, 10), repeat=weekly(count=5))


def test_R10_preview_lists_the_clash_of_each_date_before_saving(uow, cal, engine, two_clashes):
    before = snapshot(engine)
    checks = scheduling.preview_repeats(uow(), cal.scheduler, two_clashes)
    assert [(c.starts_at.astimezone(TORONTO).day, c.conflict) for c in checks] == [
        (3, None),
        (10, None),
        (17, "Ben Adeyemi already has an appointment from 10:30 to 11:20 on Tue 17 Mar"),
        (24, None),
        (31, "Ben Adeyemi already has an appointment from 09:30 to 10:20 on Tue 31 Mar"),
    ]
    assert snapshot(engine) == before


def test_R10_a_series_with_clashes_is_refused_whole(uow, cal, engine, two_clashes):
    before = snapshot(engine)
    with pytest.raises(Conflict) as conflict:
        scheduling.book_appointment(uow(), cal.scheduler, two_clashes)
    assert conflict.value.message == (
        "2 of 5 dates clash: Ben Adeyemi already has an appointment from 10:30 to 11:20 on Tue "
        "17 Mar and others; nothing was booked. Choose another time, or skip the dates that clash."
    )
    assert snapshot(engine) == before


def test_R10_skipping_clashes_books_the_other_dates(uow, cal, two_clashes):
    result = scheduling.book_appointment(uow(), cal.scheduler, two_clashes, skip_conflicts=True)
    assert [s.day for s in local_starts(result.appointments)] == [3, 10, 24]
    assert [c.starts_at.astimezone(TORONTO).day for c in result.skipped] == [17, 31]


def test_R10_a_series_whose_every_date_clashes_books_nothing(uow, cal, engine):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    before = snapshot(engine)
    with pytest.raises(Conflict, match="nothing was booked"):
        scheduling.book_appointment(
            uow(),
            cal.scheduler,
            request(cal.ben, cal.lou, at(3, 3, 10), repeat=weekly(count=1)),
            skip_conflicts=True,
        )
    assert snapshot(engine) == before


# -- cancelling ----------------------------------------------------------------------------------


@pytest.fixture
def six_weeks(uow, cal) -> list[int]:
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10), repeat=weekly(count=6))
    )
    return [view.id for view in result.appointments]


def statuses(uow, cal) -> list[str]:
    return [status for _, status, _, _ in series_rows(uow, cal.ben.staff_id)]


def test_R10_cancel_this_one(uow, cal, six_weeks):
    views = scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[1], "Client is ill")
    assert [(v.id, v.status, v.cancel_reason) for v in views] == [
        (six_weeks[1], "cancelled", "Client is ill")
    ]
    assert statuses(uow, cal) == ["booked", "cancelled", "booked", "booked", "booked", "booked"]


def test_R10_cancel_this_and_the_following(uow, cal, six_weeks):
    views = scheduling.cancel_appointment(
        uow(), cal.scheduler, six_weeks[3], "Treatment ends", scope="following"
    )
    assert [v.id for v in views] == six_weeks[3:]
    assert statuses(uow, cal) == ["booked"] * 3 + ["cancelled"] * 3


def test_R10_cancel_all_leaves_past_sessions_as_they_were(uow, cal, six_weeks, clock):
    clock.advance(timedelta(days=9))  # 11 March: the first two sessions are history
    scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[4], "Moving away", scope="all")
    assert statuses(uow, cal) == ["booked", "booked"] + ["cancelled"] * 4


def test_R10_cancelling_needs_a_reason_and_frees_the_time(uow, cal, engine, six_weeks):
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="reason for cancelling is required"):
        scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[0], "  ")
    assert snapshot(engine) == before
    scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[0], "Rescheduled")
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10))
    )
    assert result.appointments[0].status == "booked"
    with pytest.raises(InvalidInput, match="already cancelled"):
        scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[0], "again")


def test_R10_only_those_who_may_book_cancel(uow, cal, engine, six_weeks):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        scheduling.cancel_appointment(uow(), cal.ana, six_weeks[0], "not mine", scope="all")
    assert refused.value.rule == "R10"
    assert snapshot(engine) == before
    scheduling.cancel_appointment(uow(), cal.ben, six_weeks[0], "My own calendar")


# -- moving --------------------------------------------------------------------------------------


def test_R10_move_this_one(uow, cal, six_weeks):
    (view,) = scheduling.move_appointment(uow(), cal.scheduler, six_weeks[2], at(3, 18, 14), 60)
    assert (view.starts_at, view.ends_at) == (at(3, 18, 14), at(3, 18, 15))
    days = [start.day for _, _, _, start in series_rows(uow, cal.ben.staff_id)]
    assert days == [3, 10, 18, 24, 31, 7]


def test_R10_move_all_keeps_the_wall_clock_time_across_dst(uow, cal):
    """A weekly series from 3 March (EST) moved to 9:00: every date, before and after 8 March."""
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10), repeat=weekly(count=4))
    )
    views = scheduling.move_appointment(
        uow(), cal.scheduler, result.appointments[0].id, at(3, 3, 9), 50, scope="all"
    )
    assert local_starts(views) == [datetime(2026, 3, d, 9) for d in (3, 10, 17, 24)]
    with uow() as work:
        series = work.session.get(AppointmentSeries, result.series_id)
        assert series.first_start_local == "2026-03-03T09:00:00"


def test_R10_move_this_and_the_following_splits_the_series(uow, cal, six_weeks):
    views = scheduling.move_appointment(
        uow(), cal.scheduler, six_weeks[2], at(3, 19, 11), 50, scope="following"
    )
    assert local_starts(views) == [
        datetime(2026, 3, 19, 11),
        datetime(2026, 3, 26, 11),
        datetime(2026, 4, 2, 11),
        datetime(2026, 4, 9, 11),
    ]
    rows = series_rows(uow, cal.ben.staff_id)
    old_series, new_series = rows[0][2], rows[2][2]
    assert old_series != new_series
    assert [series for _, _, series, _ in rows] == [old_series] * 2 + [new_series] * 4
    with uow() as work:
        old = work.session.get(AppointmentSeries, old_series)
        new = work.session.get(AppointmentSeries, new_series)
        assert old.rrule == "FREQ=WEEKLY;INTERVAL=1;UNTIL=20260317T095959"
        assert (new.rrule, new.first_start_local) == (
            "FREQ=WEEKLY;INTERVAL=1;COUNT=4",
            "2026-03-19T11:00:00",
        )
        # The rules still describe exactly the appointments stored.
        old_dates = recurrence.local_starts(
            old.rrule, datetime.fromisoformat(old.first_start_local)
        )
        assert old_dates == [start.replace(tzinfo=None) for _, _, _, start in rows[:2]]


def test_R10_moving_a_week_later_does_not_clash_with_the_series_itself(uow, cal, six_weeks):
    views = scheduling.move_appointment(
        uow(), cal.scheduler, six_weeks[0], at(3, 10, 10), 50, scope="all"
    )
    assert [s.day for s in local_starts(views)] == [10, 17, 24, 31, 7, 14]


def test_R10_a_move_onto_another_appointment_is_refused_whole(uow, cal, engine, six_weeks):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ana, cal.kim, at(3, 24, 11)))
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 24, 11)))
    before = snapshot(engine)
    with pytest.raises(Conflict) as conflict:
        scheduling.move_appointment(
            uow(), cal.scheduler, six_weeks[0], at(3, 3, 11), 50, scope="following"
        )
    assert conflict.value.message == (
        "1 of 6 dates clash: Ben Adeyemi already has an appointment from 11:00 to 11:50 on Tue "
        "24 Mar; nothing was moved. Choose another time, or skip the dates that clash."
    )
    assert snapshot(engine) == before


def test_R10_a_provider_moves_only_on_their_own_calendar(uow, cal, engine, six_weeks):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        scheduling.move_appointment(uow(), cal.ana, six_weeks[0], at(3, 3, 11), 50)
    assert refused.value.rule == "R10"
    assert snapshot(engine) == before


def test_a_cancelled_appointment_is_not_moved(uow, cal, six_weeks):
    scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[0], "Away")
    with pytest.raises(InvalidInput, match="already cancelled"):
        scheduling.move_appointment(uow(), cal.scheduler, six_weeks[0], at(3, 3, 11), 50)


def test_a_change_made_by_someone_else_first_is_a_conflict(uow, cal, six_weeks, monkeypatch):
    """Two front desks open the same appointment; the second one's save changes nothing."""
    if uow().dialect == "sqlite":
        pytest.skip("SQLite has one writer at a time: the other desk waits for this one")
    from desktop.services.recurrence import _members as real_members

    def edited_meanwhile(work, row, scope):
        members = real_members(work, row, scope)
        with uow() as other:
            other.session.get(Appointment, row.id).note = "edited elsewhere"
            other.commit()
        return members

    monkeypatch.setattr(recurrence, "_members", edited_meanwhile)
    with pytest.raises(Conflict, match="changed by someone else"):
        scheduling.cancel_appointment(uow(), cal.scheduler, six_weeks[0], "Away")
