"""The calendar's common ground and its read side: places of service, who may write on a
provider's calendar (R10), whether it is free, appointment views, the week grid, a client's
appointments, and a provider's schedule as an .ics file.

Every staff member sees every provider's calendar, but an appointment shows its client only to
those who may see the client (R2, filtered by the database with `visible_clients`); to everyone
else it is "Busy", with no client, type or note.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from ..db.tables import Appointment, Client, Practice, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit, busy_times
from .boundary import checked
from .errors import Conflict, InvalidInput
from .note_facts import session_note_signed
from .policy import Decision, ProviderFacts, may_see_client
from .policy.scopes import visible_clients
from .principal import Principal
from .record_facts import is_linked, require_provider
from .supervision_facts import load_client_for

CALENDAR_EXPORTED = "calendar.exported"
#: roles that book for every provider (R10); a provider books on their own calendar.
#: how the database names an overlap it refused (PostgreSQL constraint, SQLite trigger message).
_DATABASE_REFUSALS = ("ex_appointments_no_double_booking", "double booking")
#: the longest period one export or one grid query covers, in days.
MAX_PERIOD_DAYS = 400
#: the shortest and longest appointment, in minutes.
MIN_MINUTES, MAX_MINUTES = 5, 480


@dataclass(frozen=True)
class PlaceOfService:
    """A CMS place-of-service code ("11") and its name ("Office")."""

    code: str
    name: str


@cache
def _pos_names() -> dict[str, str]:
    text = resources.files("desktop.resources").joinpath("place_of_service.csv").read_text("utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))}


def place_of_service_codes() -> list[PlaceOfService]:
    """Every CMS place-of-service code, in code order, for the booking form."""
    return [PlaceOfService(code, name) for code, name in sorted(_pos_names().items())]


def is_pos_code(code: object) -> bool:
    return isinstance(code, str) and code in _pos_names()


def pos_name(code: str) -> str:
    return _pos_names().get(code, f"Place of service {code}")


def practice_zone(uow: UnitOfWork) -> ZoneInfo:
    """The practice's time zone: the calendar's days and hours are counted in it."""
    name = uow.session.scalar(select(Practice.time_zone).where(Practice.id == 1))
    return ZoneInfo(name) if name else ZoneInfo("UTC")


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` (naive) as a UTC moment. A time that does not exist (the hour
    skipped when clocks go forward) is read with the offset before the change: an hour later."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def clean_duration(minutes: object) -> int:
    if not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"An appointment lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.", "duration_minutes"
        )
    return minutes


def clean_start(moment: object) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise InvalidInput("The start time needs a date, a time and a time zone.", "starts_at")
    return moment


def require_calendar_access(
    uow: UnitOfWork, principal: Principal, decision: Decision, client: Client
) -> None:
    """`decision` (R10 for the provider's calendar), then R2 for the client."""
    decision.require()
    linked = is_linked(uow, client.id, principal.staff_id)
    may_see_client(principal, principal_linked=linked).require()


@dataclass(frozen=True)
class OccurrenceCheck:
    """One date of a booking or a move, and the clash that stops it ("... already has ..."), if any."""

    starts_at: datetime
    ends_at: datetime
    conflict: str | None


# -- Is the provider free? ----------------------------------------------------------------------


def lock_calendar(uow: UnitOfWork, provider_id: int) -> None:
    """Take the provider's calendar for this transaction: changes to it go one at a time."""
    uow.session.execute(
        select(ProviderProfile.staff_id)
        .where(ProviderProfile.staff_id == provider_id)
        .with_for_update(key_share=True)
    )


def clash_text(provider_name: str, start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """The clash in words: "Ben Adeyemi already has an appointment from 10:00 to 10:50 on Tue 3 Mar"."""
    local, local_end = start.astimezone(zone), end.astimezone(zone)
    return (
        f"{provider_name} already has an appointment from {local:%H:%M} to {local_end:%H:%M} "
        f"on {local:%a} {local.day} {local:%b}"
    )


def check_spans(
    uow: UnitOfWork,
    provider: ProviderFacts,
    spans: list[tuple[datetime, datetime]],
    zone: ZoneInfo,
    exclude: frozenset[int] = frozenset(),
) -> list[OccurrenceCheck]:
    """Each span with the first booked appointment of the provider it overlaps (half-open:
    back to back is no clash), leaving out the appointments in `exclude`. The database keeps a
    provider's booked appointments apart, so sorted by start they are sorted by end too."""
    if not spans:
        return []
    rows = uow.session.execute(
        select(Appointment.id, Appointment.starts_at, Appointment.ends_at)
        .where(
            Appointment.provider_id == provider.staff_id,
            Appointment.status == "booked",
            Appointment.starts_at < max(end for _, end in spans),
            Appointment.ends_at > min(start for start, _ in spans),
        )
        .order_by(Appointment.starts_at)
    )
    booked = [(start, end) for id_, start, end in rows if id_ not in exclude]
    ends = [end for _, end in booked]
    checks = []
    for start, end in spans:
        first = bisect_right(ends, start)  # the first appointment ending after `start`
        clash = booked[first] if first < len(booked) and booked[first][0] < end else None
        text = clash_text(provider.name, *clash, zone) if clash else None
        checks.append(OccurrenceCheck(start, end, text))
    return checks


def refused_by_database(error: IntegrityError) -> bool:
    """Whether the database refused a row because it would double-book a provider."""
    return any(name in str(error.orig) for name in _DATABASE_REFUSALS)


def clash_conflict(checks: list[OccurrenceCheck], verb: str = "booked") -> Conflict:
    """The Conflict naming the first clash of `checks`; nothing was `verb`."""
    clashes = [c for c in checks if c.conflict]
    if len(checks) == 1:
        return Conflict(f"{clashes[0].conflict}; nothing was {verb}.")
    others = " and others" if len(clashes) > 1 else ""
    return Conflict(
        f"{len(clashes)} of {len(checks)} dates clash: {clashes[0].conflict}{others}; nothing "
        f"was {verb}. Choose another time, or skip the dates that clash."
    )


@dataclass(frozen=True)
class AppointmentView:
    """An appointment as the calendar shows it. When the viewer may not see the client (R2) it
    shows as "Busy": no client, type, note or reason."""

    id: int
    provider_id: int
    provider_name: str
    client_id: int | None
    client_name: str
    starts_at: datetime
    ends_at: datetime
    appointment_type: str | None
    pos_code: str
    pos_name: str
    status: str
    series_id: int | None
    note: str | None
    cancel_reason: str | None
    version: int
    #: what became of the session: scheduled, arrived, attended, no_show, late_cancel or
    #: cancelled (see `appointment_status`); empty when "Busy", like the client.
    visit_status: str = "scheduled"
    #: the session has its signed progress note (written from it); False when "Busy".
    has_note: bool = False

    @property
    def is_busy(self) -> bool:
        """True when the viewer sees only that the provider is busy."""
        return self.client_id is None


def appointment_view(
    row: Appointment, provider_name: str, client_label: str | None, has_note: bool = False
) -> AppointmentView:
    """`client_label` None means the viewer may not see the client: the view says "Busy"."""
    hidden = client_label is None
    return AppointmentView(
        id=row.id,
        provider_id=row.provider_id,
        provider_name=provider_name,
        client_id=None if hidden else row.client_id,
        client_name="Busy" if hidden else client_label,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        appointment_type=None if hidden else row.appointment_type,
        pos_code=row.pos_code,
        pos_name=pos_name(row.pos_code),
        status=row.status,
        series_id=row.series_id,
        note=None if hidden else row.note,
        cancel_reason=None if hidden else row.cancel_reason,
        version=row.version,
        visit_status="" if hidden else visit_status(row.status, row.attendance),
        has_note=has_note and not hidden,
    )


def visit_status(status: str, attendance: str | None) -> str:
    """One status for the screens: a cancelled appointment is "cancelled" unless it was a late
    cancel; a booked one is what the front desk or the provider last recorded."""
    if status == "cancelled":
        return "late_cancel" if attendance == "late_cancel" else "cancelled"
    return attendance or "scheduled"


def _clean_period(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("The period needs dates with a time zone.", "start")
    if end <= start:
        raise InvalidInput("The end of the period must come after its start.", "end")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput(f"Choose a period of at most {MAX_PERIOD_DAYS} days.", "end")


def _views(uow: UnitOfWork, principal: Principal, *conditions) -> list[AppointmentView]:
    """Appointments matching `conditions`, by start; client names only where visible (SQL)."""
    seen = and_(Client.id == Appointment.client_id, visible_clients(principal, Client.id))
    noted = session_note_signed(uow.dialect).label("noted")
    rows = uow.session.execute(
        select(Appointment, Staff.display_name, Client.first_name, Client.last_name, noted)
        .join(Staff, Staff.id == Appointment.provider_id)
        .outerjoin(Client, seen)
        .where(*conditions)
        .order_by(Appointment.starts_at, Staff.display_name, Appointment.id)
    )
    return [
        appointment_view(
            row, provider, f"{first} {last}" if first is not None else None, bool(noted)
        )
        for row, provider, first, last, noted in rows
    ]


@checked
def appointments_between(
    uow: UnitOfWork,
    principal: Principal,
    provider_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    include_cancelled: bool = False,
) -> list[AppointmentView]:
    """The week grid: the providers' appointments overlapping [start, end), by start time."""
    _clean_period(start, end)
    conditions = [
        Appointment.provider_id.in_(list(provider_ids)),
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    ]
    if not include_cancelled:
        conditions.append(Appointment.status == "booked")
    with uow:
        return _with_busy(uow, _views(uow, principal, *conditions), provider_ids, start, end)


def _with_busy(
    uow: UnitOfWork, views: list[AppointmentView], provider_ids, start, end
) -> list[AppointmentView]:
    """On a server, add the "Busy" times the person's rows did not bring (busy_times.py)."""
    if not busy_times.on_server(uow):
        return views
    seen = {view.id for view in views}
    for row in busy_times.busy_rows(uow, list(provider_ids), start, end, seen):
        views.append(
            AppointmentView(
                id=row[0], provider_id=row[1], provider_name=row[2], client_id=None,
                client_name="Busy", starts_at=row[3], ends_at=row[4], appointment_type=None,
                pos_code=row[5], pos_name=pos_name(row[5]), status="booked", series_id=row[6],
                note=None, cancel_reason=None, version=row[7],
            )
        )  # fmt: skip
    views.sort(key=lambda v: (v.starts_at, v.provider_name, v.id))
    return views


@checked
def appointments_of_client(
    uow: UnitOfWork, principal: Principal, client_id: int
) -> list[AppointmentView]:
    """The client profile's Appointments tab (R2): every appointment with every provider,
    cancelled ones included, by start time."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        linked = is_linked(uow, client.id, principal.staff_id)
        may_see_client(principal, principal_linked=linked).require()
        return _views(uow, principal, Appointment.client_id == client.id)


@checked
def export_ics(
    uow: UnitOfWork, principal: Principal, provider_id: int, start: datetime, end: datetime
) -> bytes:
    """A provider's booked appointments in [start, end) as an iCalendar file (RFC 5545): one
    VEVENT each, UID stable per appointment, times in UTC, the client named only where the
    principal may see the client, else "Busy". The export is audited: it leaves the app."""
    _clean_period(start, end)
    with uow:
        provider = require_provider(uow, provider_id)
        views = _views(
            uow,
            principal,
            Appointment.provider_id == provider.staff_id,
            Appointment.status == "booked",
            Appointment.starts_at < end,
            Appointment.ends_at > start,
        )
        views = _with_busy(uow, views, [provider.staff_id], start, end)
        calendar = Calendar()
        calendar.add("prodid", "-//Clinic Desk//Calendar export//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"{provider.name} - Clinic Desk")
        stamp = uow.now().astimezone(UTC)
        for view in views:
            event = Event()
            event.add("uid", f"appointment-{view.id}@clinicdesk")
            event.add("dtstamp", stamp)
            event.add("dtstart", view.starts_at.astimezone(UTC))
            event.add("dtend", view.ends_at.astimezone(UTC))
            summary = view.client_name
            if not view.is_busy and view.appointment_type:
                summary = f"{view.client_name} - {view.appointment_type}"
            event.add("summary", summary)
            event.add("location", view.pos_name)
            event.add("sequence", view.version - 1)
            calendar.add_component(event)
        audit.record(
            uow,
            principal,
            CALENDAR_EXPORTED,
            subject=f"provider:{provider.staff_id}",
            details={
                "provider": provider.staff_id,
                "start": start.astimezone(UTC).isoformat(),
                "end": end.astimezone(UTC).isoformat(),
                "appointments": len(views),
                "named_clients": sum(not v.is_busy for v in views),
            },
        )
        uow.commit()
        return calendar.to_ical()
