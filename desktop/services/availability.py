"""When providers work and when they are free (R10): weekly hours, time off, Find Availability.

Weekly hours are wall-clock times in the practice's time zone; time off and appointments are
UTC moments. Open slots are found per provider by interval arithmetic: working intervals for
each day, minus time off and booked appointments (sorted, one sweep), then cut into slots.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, delete, func, select, type_coerce

from ..db.tables import (
    Appointment,
    ClientProviderLink,
    ProviderAvailability,
    ProviderProfile,
    ProviderTimeOff,
    Staff,
    StaffRole,
)
from ..db.uow import UnitOfWork
from . import audit, busy_times
from .boundary import checked
from .calendar_export import clean_duration, practice_zone, to_utc
from .errors import InvalidInput, NotFound
from .policy import may_manage_availability, may_see_client
from .principal import Principal
from .record_facts import is_linked, require_provider
from .supervision_facts import load_client_for
from .validation import clean_text

HOURS_SET = "availability.hours_set"
TIME_OFF_ADDED = "availability.time_off_added"
TIME_OFF_REMOVED = "availability.time_off_removed"

#: roles that set any provider's hours and time off; a provider sets their own.
#: the longest period Find Availability searches at once, in days.
MAX_SEARCH_DAYS = 92
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class WorkingHours:
    """One span of a provider's working week, in the practice's local time (Monday is 0)."""

    weekday: int
    start_time: time
    end_time: time


@dataclass(frozen=True)
class TimeOff:
    """A period when a provider does not work, in UTC."""

    id: int
    provider_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str | None


class OpenSlot(NamedTuple):
    """A free slot of `provider_id` (a tuple: Find Availability returns thousands at once)."""

    provider_id: int
    provider_name: str
    starts_at: datetime
    ends_at: datetime


def _clean_hours(hours: list[tuple[int, time, time]]) -> list[WorkingHours]:
    spans = []
    for weekday, start, end in hours:
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise InvalidInput("Choose a day of the week from Monday to Sunday.", "weekday")
        if not isinstance(start, time) or not isinstance(end, time) or start.tzinfo or end.tzinfo:
            raise InvalidInput("Working hours are times of day such as 09:00.", "hours")
        if end <= start:
            raise InvalidInput(
                f"On {WEEKDAY_NAMES[weekday]} the hours end ({end:%H:%M}) before they start "
                f"({start:%H:%M}).",
                "hours",
            )
        spans.append(WorkingHours(weekday, start, end))
    spans.sort(key=lambda h: (h.weekday, h.start_time))
    for before, after in zip(spans, spans[1:], strict=False):
        if before.weekday == after.weekday and after.start_time < before.end_time:
            raise InvalidInput(
                f"On {WEEKDAY_NAMES[after.weekday]} two spans of hours overlap "
                f"({before.start_time:%H:%M}-{before.end_time:%H:%M} and "
                f"{after.start_time:%H:%M}-{after.end_time:%H:%M}).",
                "hours",
            )
    return spans


def _hours_of(uow: UnitOfWork, provider_id: int) -> list[WorkingHours]:
    rows = uow.session.execute(
        select(
            ProviderAvailability.weekday,
            ProviderAvailability.start_time,
            ProviderAvailability.end_time,
        )
        .where(ProviderAvailability.provider_id == provider_id)
        .order_by(ProviderAvailability.weekday, ProviderAvailability.start_time)
    )
    return [WorkingHours(*row) for row in rows]


@checked
def weekly_hours(uow: UnitOfWork, principal: Principal, provider_id: int) -> list[WorkingHours]:
    """A provider's working week; every staff member may see when colleagues work."""
    with uow:
        require_provider(uow, provider_id)
        return _hours_of(uow, provider_id)


@checked
def set_weekly_hours(
    uow: UnitOfWork,
    principal: Principal,
    provider_id: int,
    hours: list[tuple[int, time, time]],
) -> list[WorkingHours]:
    """Replace a provider's working week with `hours` (weekday, start, end) in local time."""
    with uow:
        provider = require_provider(uow, provider_id)
        may_manage_availability(principal, provider).require()
        spans = _clean_hours(list(hours))
        uow.session.execute(
            delete(ProviderAvailability).where(ProviderAvailability.provider_id == provider_id)
        )
        for span in spans:
            uow.session.add(
                ProviderAvailability(
                    provider_id=provider_id,
                    weekday=span.weekday,
                    start_time=span.start_time,
                    end_time=span.end_time,
                )
            )
        uow.session.flush()
        audit.record(
            uow,
            principal,
            HOURS_SET,
            subject=f"provider:{provider_id}",
            details={
                "hours": [
                    [s.weekday, f"{s.start_time:%H:%M}", f"{s.end_time:%H:%M}"] for s in spans
                ]
            },
        )
        uow.commit()
        return spans


def _time_off(row: ProviderTimeOff) -> TimeOff:
    return TimeOff(row.id, row.provider_id, row.starts_at, row.ends_at, row.reason)


@checked
def add_time_off(
    uow: UnitOfWork,
    principal: Principal,
    provider_id: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str | None = None,
) -> TimeOff:
    """Mark a period when the provider does not work; Find Availability offers nothing in it.
    Appointments already booked in it stay: the calendar shows them for the front desk to move."""
    with uow:
        provider = require_provider(uow, provider_id)
        may_manage_availability(principal, provider).require()
        if starts_at.tzinfo is None or ends_at.tzinfo is None:
            raise InvalidInput("The start and end of time off need a time zone.", "starts_at")
        if ends_at <= starts_at:
            raise InvalidInput("Time off must end after it starts.", "ends_at")
        text = clean_text(reason, "The reason", max_length=200, required=False, field="reason")
        row = ProviderTimeOff(
            provider_id=provider_id, starts_at=starts_at, ends_at=ends_at, reason=text or None
        )
        uow.session.add(row)
        uow.session.flush()
        audit.record(
            uow,
            principal,
            TIME_OFF_ADDED,
            subject=f"time_off:{row.id}",
            details={
                "provider": provider_id,
                "starts_at": starts_at.astimezone(UTC).isoformat(),
                "ends_at": ends_at.astimezone(UTC).isoformat(),
            },
        )
        uow.commit()
        return _time_off(row)


@checked
def remove_time_off(uow: UnitOfWork, principal: Principal, time_off_id: int) -> None:
    """Take a period of time off away again (same people as adding it)."""
    with uow:
        row = uow.session.get(ProviderTimeOff, time_off_id)
        if row is None:
            raise NotFound("That time off no longer exists. Refresh the calendar.")
        provider = require_provider(uow, row.provider_id)
        may_manage_availability(principal, provider).require()
        uow.session.delete(row)
        uow.session.flush()
        audit.record(
            uow,
            principal,
            TIME_OFF_REMOVED,
            subject=f"time_off:{time_off_id}",
            details={"provider": row.provider_id},
        )
        uow.commit()


@checked
def time_off_between(
    uow: UnitOfWork, principal: Principal, provider_id: int, start: datetime, end: datetime
) -> list[TimeOff]:
    """The provider's time off overlapping [start, end), for the calendar."""
    with uow:
        rows = uow.session.scalars(
            select(ProviderTimeOff)
            .where(
                ProviderTimeOff.provider_id == provider_id,
                ProviderTimeOff.starts_at < end,
                ProviderTimeOff.ends_at > start,
            )
            .order_by(ProviderTimeOff.starts_at)
        )
        return [_time_off(row) for row in rows]


@dataclass(frozen=True)
class CalendarAvailability:
    """The working hours and time off of the providers a calendar shows, by provider."""

    hours: dict[int, list[WorkingHours]]
    time_off: dict[int, list[TimeOff]]


@checked
def calendar_availability(
    uow: UnitOfWork,
    principal: Principal,
    provider_ids: list[int],
    start: datetime,
    end: datetime,
) -> CalendarAvailability:
    """The weekly hours and the time off overlapping [start, end) of every provider shown, in
    two queries whatever their number; a provider with none has empty lists."""
    with uow:
        hours: dict[int, list[WorkingHours]] = {i: [] for i in provider_ids}
        time_off: dict[int, list[TimeOff]] = {i: [] for i in provider_ids}
        if not provider_ids:
            return CalendarAvailability(hours, time_off)
        for provider_id, *row in uow.session.execute(
            select(
                ProviderAvailability.provider_id,
                ProviderAvailability.weekday,
                ProviderAvailability.start_time,
                ProviderAvailability.end_time,
            )
            .where(ProviderAvailability.provider_id.in_(provider_ids))
            .order_by(ProviderAvailability.weekday, ProviderAvailability.start_time)
        ):
            hours[provider_id].append(WorkingHours(*row))
        for row in uow.session.scalars(
            select(ProviderTimeOff)
            .where(
                ProviderTimeOff.provider_id.in_(provider_ids),
                ProviderTimeOff.starts_at < end,
                ProviderTimeOff.ends_at > start,
            )
            .order_by(ProviderTimeOff.starts_at)
        ):
            time_off[row.provider_id].append(_time_off(row))
        return CalendarAvailability(hours, time_off)


# -- Find Availability ----------------------------------------------------------------------


def subtract(free: list[Span], busy: list[Span]) -> list[tuple[datetime, datetime, datetime]]:
    """`free` minus `busy`, both sorted by start, `free` not overlapping itself: one sweep.
    Each part is (start, end, origin) where origin is the start of the free span it came from."""
    parts: list[tuple[datetime, datetime, datetime]] = []
    i = 0
    for start, end in free:
        while i < len(busy) and busy[i][1] <= start:
            i += 1
        cursor = start
        j = i
        while j < len(busy) and busy[j][0] < end and cursor < end:
            b_start, b_end = busy[j]
            if b_start > cursor:
                parts.append((cursor, b_start, start))
            if b_end > cursor:  # (not max(): this loop runs for every busy time)
                cursor = b_end
            j += 1
        if cursor < end:
            parts.append((cursor, end, start))
    return parts


def _searched_providers(
    uow: UnitOfWork, provider_ids: list[int] | None, client_id: int | None
) -> list[tuple[int, str]]:
    """(id, name) of the active providers to search: those asked for; else the client's
    providers (the "client filter"); else everyone's calendar. Sorted by name."""
    query = (
        select(Staff.id, Staff.display_name)
        .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
        .join(StaffRole, (StaffRole.staff_id == Staff.id) & (StaffRole.role == "provider"))
        .where(Staff.active.is_(True))
        .order_by(Staff.display_name, Staff.id)
    )
    if provider_ids is not None:
        query = query.where(Staff.id.in_(provider_ids))
    elif client_id is not None:
        query = query.where(
            Staff.id.in_(
                select(ClientProviderLink.provider_id).where(
                    ClientProviderLink.client_id == client_id,
                    ClientProviderLink.ended_at.is_(None),
                )
            )
        )
    found = [(row[0], row[1]) for row in uow.session.execute(query)]
    if provider_ids is not None and len(found) != len(set(provider_ids)):
        raise InvalidInput("Choose active providers of this practice only.", "providers")
    return found


def _naive_utc(column, dialect: str):
    """`column` read as a naive UTC datetime straight from the driver: thousands of busy times
    are read per search, so none is converted one by one in Python."""
    if dialect == "postgresql":
        return type_coerce(func.timezone("UTC", column), DateTime())
    # SQLite keeps UTC text in one format; datetime.fromisoformat (below) reads it far faster
    # than a per-value regular expression.
    return type_coerce(column, String())


def _busy_by_provider(
    uow: UnitOfWork, ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Span]]:
    """Booked appointments and time off overlapping [start, end), per provider, sorted; naive UTC."""
    busy: dict[int, list[Span]] = defaultdict(list)
    connection = uow.session.connection()
    for table, extra in ((Appointment, Appointment.status == "booked"), (ProviderTimeOff, None)):
        query = select(
            table.provider_id,
            _naive_utc(table.starts_at, uow.dialect),
            _naive_utc(table.ends_at, uow.dialect),
        ).where(table.provider_id.in_(ids), table.starts_at < end, table.ends_at > start)
        if extra is not None:
            query = query.where(extra)
        if table is Appointment and uow.dialect == "postgresql":
            # As the person, appointments they may not read are still busy (busy_times.py).
            query = query.union_all(busy_times.busy_spans(ids, start, end))
        rows = connection.execute(query).all()  # one fetch, not one call per row
        if uow.dialect == "sqlite":
            parse = datetime.fromisoformat
            rows = ((p, parse(b_start), parse(b_end)) for p, b_start, b_end in rows)
        for provider_id, b_start, b_end in rows:
            busy[provider_id].append((b_start, b_end))
    for spans in busy.values():
        spans.sort()
    return busy


def _working_spans(
    hours: list[tuple[int, time, time]], days: list[date], zone: ZoneInfo, cache: dict
) -> list[Span]:
    """The provider's working spans on `days`, naive UTC, sorted. `cache` maps each (day, time)
    to its UTC moment, aware and naive: providers mostly share their hours."""
    by_weekday: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, start, end in hours:
        by_weekday[weekday].append((start, end))
    spans = []
    for day in days:
        for start, end in by_weekday.get(day.weekday(), ()):
            spans.append((_moment(day, start, zone, cache), _moment(day, end, zone, cache)))
    spans.sort()
    return spans


def _moment(day: date, at: time, zone: ZoneInfo, cache: dict) -> datetime:
    key = (day, at)
    naive = cache.get(key)
    if naive is None:
        aware = to_utc(datetime.combine(day, at), zone)
        naive = cache[key] = aware.replace(tzinfo=None)
        cache[naive] = aware
    return naive


@checked
def find_availability(
    uow: UnitOfWork,
    principal: Principal,
    *,
    provider_ids: list[int] | None,
    client_id: int | None,
    start_date: date,
    end_date: date,
    duration_minutes: int,
    step_minutes: int = 15,
) -> list[OpenSlot]:
    """Open slots from `start_date` to `end_date` (local dates, inclusive) inside working hours,
    outside time off and booked appointments, not in the past; ordered by provider name, then
    time. Slots start every `step_minutes` from the start of each span of working hours."""
    if end_date < start_date or (end_date - start_date).days >= MAX_SEARCH_DAYS:
        raise InvalidInput(f"Search a period of 1 to {MAX_SEARCH_DAYS} days.", "end_date")
    clean_duration(duration_minutes)
    if not isinstance(step_minutes, int) or not 5 <= step_minutes <= 240:
        raise InvalidInput("Offer slots every 5 to 240 minutes.", "step_minutes")
    with uow:
        zone = practice_zone(uow)
        if client_id is not None:
            client = load_client_for(uow, principal, client_id)
            linked = is_linked(uow, client.id, principal.staff_id)
            may_see_client(principal, principal_linked=linked).require()
        providers = _searched_providers(uow, provider_ids, client_id)
        if not providers:
            return []
        ids = [provider_id for provider_id, _ in providers]
        days = [start_date + timedelta(days=n) for n in range((end_date - start_date).days + 1)]
        window = (
            to_utc(datetime.combine(start_date, time()), zone),
            to_utc(datetime.combine(end_date + timedelta(days=1), time()), zone),
        )
        hours: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
        for provider_id, *span in uow.session.execute(
            select(
                ProviderAvailability.provider_id,
                ProviderAvailability.weekday,
                ProviderAvailability.start_time,
                ProviderAvailability.end_time,
            ).where(ProviderAvailability.provider_id.in_(ids))
        ):
            hours[provider_id].append(tuple(span))
        busy = _busy_by_provider(uow, ids, *window)
        now = uow.now().astimezone(UTC).replace(tzinfo=None)
    length = timedelta(minutes=duration_minutes)
    step = timedelta(minutes=step_minutes)
    cache: dict = {}
    slots: list[OpenSlot] = []
    for provider_id, name in providers:
        working = _working_spans(hours.get(provider_id, []), days, zone, cache)
        for free_start, free_end, origin in subtract(working, busy.get(provider_id, [])):
            # The slots on the step grid counted from the start of working hours that fit in
            # the free part and are not in the past; made aware (UTC) from the span's start.
            first = -((origin - max(free_start, now)) // step)
            count = (free_end - length - origin) // step - first + 1
            start = cache[origin] + first * step
            for _ in range(count):
                slots.append(OpenSlot(provider_id, name, start, start + length))
                start += step
    return slots
