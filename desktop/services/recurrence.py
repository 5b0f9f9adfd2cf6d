"""Repeating appointments (R10): the rule a person chooses (RFC 5545 RRULE text) and its dates;
moving or cancelling this appointment, this and the following ones, or all of a series.

Occurrences are computed in the practice's local time and only then turned into UTC, so a
weekly 10:00 session stays at 10:00 on the wall clock when daylight saving time starts or ends.
Every appointment of a series is stored; the series row keeps the rule it was made from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import Appointment, AppointmentSeries, Client
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .calendar_export import (
    AppointmentView,
    appointment_view,
    check_spans,
    clash_conflict,
    clean_duration,
    clean_start,
    lock_calendar,
    practice_zone,
    refused_by_database,
    require_calendar_access,
    to_utc,
)
from .errors import Conflict, InvalidInput, NotFound
from .policy import ProviderFacts, may_book_for, may_change_calendar
from .principal import Principal
from .record_facts import client_name, require_provider
from .supervision_facts import load_client_for
from .validation import clean_text

MOVED = "appointment.moved"
CANCELLED = "appointment.cancelled"

#: how often a series repeats: the same weekday every N weeks, the same date every N months, or
#: the same weekday of the month ("2nd Tuesday"; a 5th one becomes "last") every N months.
FREQUENCIES = ("weekly", "monthly", "monthly_weekday")
#: which appointments of a series an edit or a cancellation applies to.
SCOPES = ("this", "following", "all")
#: the most appointments one series may hold (five years of weekly sessions).
MAX_OCCURRENCES = 260
MAX_INTERVAL = {"weekly": 52, "monthly": 12, "monthly_weekday": 12}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class RepeatRule:
    """How a booking repeats: `frequency` every `interval` units, `count` times or `until` a date
    (the practice's local date, inclusive). Exactly one of `count` and `until`."""

    frequency: str = "weekly"
    interval: int = 1
    count: int | None = None
    until: date | None = None

    @property
    def description(self) -> str:
        """In words, for the booking form: "Every 2 weeks, 10 times"."""
        unit = {"weekly": "week", "monthly": "month", "monthly_weekday": "month"}[self.frequency]
        every = f"Every {unit}" if self.interval == 1 else f"Every {self.interval} {unit}s"
        if self.frequency == "monthly_weekday":
            every += " on the same weekday"
        if self.count is not None:
            return f"{every}, {self.count} time{'s' if self.count != 1 else ''}"
        return f"{every}, until {self.until:%a} {self.until.day} {self.until:%b %Y}"


def clean_rule(rule: RepeatRule, first_local: datetime) -> RepeatRule:
    """The rule if it makes sense for a series starting at `first_local`; InvalidInput otherwise."""
    if rule.frequency not in FREQUENCIES:
        raise InvalidInput("Choose how the appointment repeats: weekly or monthly.", "repeat")
    most = MAX_INTERVAL[rule.frequency]
    if not isinstance(rule.interval, int) or not 1 <= rule.interval <= most:
        raise InvalidInput(f"Repeat every 1 to {most} weeks or months.", "repeat_interval")
    if (rule.count is None) == (rule.until is None):
        raise InvalidInput("Choose how many times it repeats, or until which date.", "repeat_end")
    if rule.count is not None and (
        not isinstance(rule.count, int) or not 1 <= rule.count <= MAX_OCCURRENCES
    ):
        raise InvalidInput(
            f"A series can have 1 to {MAX_OCCURRENCES} appointments.", "repeat_count"
        )
    if rule.until is not None and (
        not isinstance(rule.until, date) or isinstance(rule.until, datetime)
    ):
        raise InvalidInput("The last date of the series must be a date.", "repeat_until")
    if rule.until is not None and rule.until < first_local.date():
        raise InvalidInput("The last date of the series is before its first.", "repeat_until")
    return rule


def rrule_text(rule: RepeatRule, first_local: datetime) -> str:
    """The rule as RRULE text (floating local time), e.g. "FREQ=WEEKLY;INTERVAL=2;COUNT=10"."""
    parts = [f"FREQ={'WEEKLY' if rule.frequency == 'weekly' else 'MONTHLY'}"]
    parts.append(f"INTERVAL={rule.interval}")
    day = first_local.day
    if rule.frequency == "monthly" and day > 28:
        # The 29th-31st: that day, or the last day of a shorter month (never a skipped month).
        parts.append(f"BYMONTHDAY={','.join(str(d) for d in range(28, day + 1))};BYSETPOS=-1")
    elif rule.frequency == "monthly_weekday":
        nth = (day - 1) // 7 + 1
        parts.append(f"BYDAY={-1 if nth == 5 else nth}{_WEEKDAYS[first_local.weekday()]}")
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    else:
        parts.append(f"UNTIL={rule.until:%Y%m%d}T235959")
    return ";".join(parts)


def truncated_text(text: str, before_local: datetime) -> str:
    """The same rule ending just before `before_local` (a series split by "this and following")."""
    kept = [p for p in text.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
    last = before_local - timedelta(seconds=1)
    return ";".join([*kept, f"UNTIL={last:%Y%m%dT%H%M%S}"])


def restarted_text(text: str, count: int) -> str:
    """The same rule for a new series of `count` appointments."""
    kept = [p for p in text.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
    return ";".join([*kept, f"COUNT={count}"])


def local_starts(text: str, first_local: datetime) -> list[datetime]:
    """The wall-clock starts (naive, local) of a rule from `first_local`, at most MAX_OCCURRENCES;
    InvalidInput when the rule yields more."""
    starts = []
    for start in rrulestr(text, dtstart=first_local.replace(tzinfo=None)):
        if len(starts) == MAX_OCCURRENCES:
            raise InvalidInput(
                f"A series can have at most {MAX_OCCURRENCES} appointments; choose an earlier "
                "last date.",
                "repeat_until",
            )
        starts.append(start)
    return starts


def occurrence_spans(
    text: str, first_local: datetime, zone: ZoneInfo, minutes: int
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every occurrence; each lasts `minutes` of real time."""
    length = timedelta(minutes=minutes)
    spans = []
    for local in local_starts(text, first_local):
        start = to_utc(local, zone)
        spans.append((start, start + length))
    return spans


# -- moving and cancelling --------------------------------------------------------------------


def _load_for_change(
    uow: UnitOfWork, principal: Principal, appointment_id: int, *, moving: bool
) -> tuple[Appointment, ProviderFacts, Client]:
    row = uow.session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound("That appointment no longer exists. Refresh the calendar.")
    provider = require_provider(uow, row.provider_id)
    client = load_client_for(uow, principal, row.client_id)
    decide = may_book_for if moving else may_change_calendar
    require_calendar_access(uow, principal, decide(principal, provider), client)
    if row.status != "booked":
        raise InvalidInput("This appointment is already cancelled.")
    return row, provider, client


def _members(uow: UnitOfWork, row: Appointment, scope: str) -> list[Appointment]:
    """The booked appointments a change applies to: this one; this and the later ones of its
    series; or all of its series that have not started yet, and this one. Past sessions of a
    series are history: "all" leaves them as they were."""
    if scope not in SCOPES:
        raise InvalidInput(
            "Choose this appointment, this and the following ones, or all of the series.", "scope"
        )
    if scope == "this" or row.series_id is None:
        return [row]
    query = select(Appointment).where(
        Appointment.series_id == row.series_id, Appointment.status == "booked"
    )
    if scope == "following":
        query = query.where(Appointment.starts_at >= row.starts_at)
    else:
        query = query.where(or_(Appointment.starts_at >= uow.now(), Appointment.id == row.id))
    return list(uow.session.scalars(query.order_by(Appointment.starts_at, Appointment.id)))


def _stale() -> Conflict:
    return Conflict(
        "This appointment was changed by someone else a moment ago; nothing was saved. "
        "Refresh the calendar and try again."
    )


@checked
def cancel_appointment(
    uow: UnitOfWork, principal: Principal, appointment_id: int, reason: str, scope: str = "this"
) -> list[AppointmentView]:
    """Cancel this appointment, this and the following ones, or all of its series (R10); a reason
    is required. Cancelled appointments stay on record and free their time."""
    reason = clean_text(reason, "The reason for cancelling", max_length=500, field="reason")
    with uow:
        row, provider, client = _load_for_change(uow, principal, appointment_id, moving=False)
        members = _members(uow, row, scope)
        for member in members:
            member.status = "cancelled"
            member.cancel_reason = reason
        try:
            uow.session.flush()
        except StaleDataError:
            raise _stale() from None
        audit.record(
            uow,
            principal,
            CANCELLED,
            client_id=client.id,
            subject=f"appointment:{row.id}",
            details={"scope": scope, "appointments": [m.id for m in members], "reason": reason},
        )
        views = [appointment_view(m, provider.name, client_name(client)) for m in members]
        uow.commit()
        return views


def _targets(
    members: list[Appointment], row: Appointment, new_start: datetime, zone: ZoneInfo
) -> list[datetime]:
    """New starts: `row` goes to `new_start`; the others move by the same number of days, to the
    same wall-clock time (so DST never shifts them)."""
    new_local = new_start.astimezone(zone)
    shift = new_local.date() - row.starts_at.astimezone(zone).date()
    starts = []
    for member in members:
        if member.id == row.id:
            starts.append(new_start)
            continue
        day = member.starts_at.astimezone(zone).date() + shift
        starts.append(to_utc(datetime.combine(day, new_local.time()), zone))
    return starts


def _follow_in_series(
    uow: UnitOfWork, principal: Principal, members: list[Appointment], old_first: datetime, zone
) -> None:
    """Keep the series rows true after moving several of its appointments: the moved ones form
    a new series when earlier ones stay behind; otherwise the series starts at its new time."""
    series = uow.session.get(AppointmentSeries, members[0].series_id)
    new_first = members[0].starts_at.astimezone(zone).replace(tzinfo=None)
    ids = [m.id for m in members]
    earlier = uow.session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.series_id == series.id,
            Appointment.starts_at < old_first,
            Appointment.id.not_in(ids),
        )
    )
    if not earlier:
        series.first_start_local = new_first.isoformat()
        return
    split = AppointmentSeries(
        provider_id=series.provider_id,
        client_id=series.client_id,
        rrule=restarted_text(series.rrule, len(members)),
        first_start_local=new_first.isoformat(),
        time_zone=zone.key,
        created_by=principal.staff_id,
        created_at=uow.now(),
    )
    uow.session.add(split)
    uow.session.flush()
    old_first_local = old_first.astimezone(zone).replace(tzinfo=None)
    series.rrule = truncated_text(series.rrule, old_first_local)
    for member in members:
        member.series_id = split.id


@checked
def move_appointment(
    uow: UnitOfWork,
    principal: Principal,
    appointment_id: int,
    new_start: datetime,
    duration_minutes: int,
    scope: str = "this",
) -> list[AppointmentView]:
    """Move this appointment, this and the following ones, or all of its series (R10). A clash
    with another booked appointment refuses the whole move."""
    clean_start(new_start)
    length = timedelta(minutes=clean_duration(duration_minutes))
    with uow:
        row, provider, client = _load_for_change(uow, principal, appointment_id, moving=True)
        zone = practice_zone(uow)
        members = _members(uow, row, scope)
        spans = [(start, start + length) for start in _targets(members, row, new_start, zone)]
        lock_calendar(uow, provider.staff_id)
        moved_ids = frozenset(m.id for m in members)
        checks = check_spans(uow, provider, spans, zone, exclude=moved_ids)
        if any(check.conflict for check in checks):
            raise clash_conflict(checks, "moved")
        before = [(m.starts_at, m.ends_at) for m in members]
        try:
            with uow.session.begin_nested():
                # Off the calendar for a moment, so the moved appointments never clash with each
                # other's old times while they are written one by one.
                for member in members:
                    member.status = "cancelled"
                uow.session.flush()
                for member, (start, end) in zip(members, spans, strict=True):
                    member.starts_at, member.ends_at, member.status = start, end, "booked"
        except StaleDataError:
            raise _stale() from None
        except IntegrityError as error:
            if not refused_by_database(error):
                raise
            raise clash_conflict(
                check_spans(uow, provider, spans, zone, moved_ids), "moved"
            ) from None
        if scope != "this" and row.series_id is not None:
            _follow_in_series(uow, principal, members, before[0][0], zone)
        uow.session.flush()
        audit.record(
            uow,
            principal,
            MOVED,
            client_id=client.id,
            subject=f"appointment:{row.id}",
            details={
                "scope": scope,
                "moved": [
                    [m.id, old.isoformat(), m.starts_at.isoformat(), duration_minutes]
                    for m, (old, _) in zip(members, before, strict=True)
                ],
            },
        )
        views = [appointment_view(m, provider.name, client_name(client)) for m in members]
        uow.commit()
        return views
