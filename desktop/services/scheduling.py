"""Booking (R10, R7, R6): who books for whom, booking once or as a series, the booking form's
client search and the alert naming a provider new to the client.

A provider is never double-booked: the service checks first (for a message naming the clash)
and the database refuses an overlap anyway (migration 0002). Changes to one provider's calendar
are made one at a time (a row lock on PostgreSQL; SQLite has one writer at a time), so the check
sees every booking already saved. Moving and cancelling are in `recurrence`, Find Availability
in `availability`, reading and .ics export in `calendar_export`; this module re-exports them, so
the calendar's whole service API is `desktop.services.scheduling`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db.tables import Appointment, AppointmentSeries, Client, Staff
from ..db.uow import UnitOfWork
from . import audit
from .availability import (
    OpenSlot,
    add_time_off,
    find_availability,
    remove_time_off,
    set_weekly_hours,
    weekly_hours,
)
from .booking_defaults import suggested_start
from .boundary import checked
from .calendar_export import (
    AppointmentView,
    OccurrenceCheck,
    PlaceOfService,
    appointment_view,
    appointments_between,
    appointments_of_client,
    check_spans,
    clash_conflict,
    clean_duration,
    clean_start,
    export_ics,
    is_pos_code,
    lock_calendar,
    place_of_service_codes,
    practice_zone,
    refused_by_database,
    require_calendar_access,
)
from .client_search import name_search_conditions
from .errors import Conflict, InvalidInput
from .policy import ProviderFacts, may_add_to_provider_list, may_book_for
from .policy.scopes import linked_client_ids, visible_clients
from .principal import Principal
from .record_facts import client_name, is_linked, require_provider
from .recurrence import (
    RepeatRule,
    cancel_appointment,
    clean_rule,
    move_appointment,
    occurrence_spans,
    rrule_text,
)
from .sharing import ensure_link
from .supervision_facts import load_client_for
from .validation import clean_text

BOOKED = "appointment.booked"


@dataclass(frozen=True)
class BookingRequest:
    """What the booking form holds. `starts_at` is time-zone aware; `repeat` None books once."""

    provider_id: int
    client_id: int
    starts_at: datetime
    duration_minutes: int = 50
    appointment_type: str = "Session"
    pos_code: str = "11"
    note: str | None = None
    repeat: RepeatRule | None = None


@dataclass(frozen=True)
class BookingResult:
    """What was booked, the dates skipped for clashes, and the provider whose list the client
    joined because of this booking (R7), if any."""

    appointments: tuple[AppointmentView, ...]
    series_id: int | None
    skipped: tuple[OccurrenceCheck, ...]
    new_link_provider_name: str | None


@dataclass(frozen=True)
class ClientOverlap:
    """Another booked appointment of the same client, with another provider, at a time the
    booking would overlap."""

    appointment_id: int
    provider_name: str
    starts_at: datetime
    ends_at: datetime
    #: in plain words, in the practice's time zone.
    text: str


@dataclass(frozen=True)
class ClientChoice:
    """A client the booking form's search offers."""

    id: int
    display_name: str
    on_provider_list: bool


def _clean_request(request: BookingRequest) -> tuple[str, str | None]:
    clean_start(request.starts_at)
    clean_duration(request.duration_minutes)
    if not is_pos_code(request.pos_code):
        raise InvalidInput("Choose a place of service from the list.", "pos_code")
    kind = clean_text(
        request.appointment_type, "The appointment type", max_length=80, field="appointment_type"
    )
    note = (request.note or "").strip()
    if len(note) > 2000:
        raise InvalidInput(
            f"The note can have at most 2,000 characters (it has {len(note):,}).", "note"
        )
    return kind, note or None


def require_booking(
    uow: UnitOfWork, principal: Principal, provider: ProviderFacts, client: Client
) -> None:
    """R10 for the provider's calendar, then R2 for the client."""
    require_calendar_access(uow, principal, may_book_for(principal, provider), client)


def _spans(
    request: BookingRequest, zone: ZoneInfo
) -> tuple[list[tuple[datetime, datetime]], str | None]:
    length = timedelta(minutes=request.duration_minutes)
    if request.repeat is None:
        return [(request.starts_at, request.starts_at + length)], None
    first_local = request.starts_at.astimezone(zone).replace(tzinfo=None)
    text = rrule_text(clean_rule(request.repeat, first_local), first_local)
    return occurrence_spans(text, first_local, zone, request.duration_minutes), text


@checked
def preview_repeats(
    uow: UnitOfWork, principal: Principal, request: BookingRequest
) -> list[OccurrenceCheck]:
    """Every date the booking would take, each with its clash if any, before anything is saved."""
    _clean_request(request)
    with uow:
        provider = require_provider(uow, request.provider_id)
        require_booking(
            uow, principal, provider, load_client_for(uow, principal, request.client_id)
        )
        zone = practice_zone(uow)
        return check_spans(uow, provider, _spans(request, zone)[0], zone)


def _client_overlaps(
    uow: UnitOfWork, client: Client, provider_id: int, spans: list[tuple[datetime, datetime]]
) -> list[ClientOverlap]:
    """The client's booked appointments with other providers that overlap any of `spans`."""
    if not spans:
        return []
    zone = practice_zone(uow)
    rows = uow.session.execute(
        select(Appointment, Staff.display_name)
        .join(Staff, Staff.id == Appointment.provider_id)
        .where(
            Appointment.client_id == client.id,
            Appointment.provider_id != provider_id,
            Appointment.status == "booked",
            Appointment.starts_at < max(end for _, end in spans),
            Appointment.ends_at > min(start for start, _ in spans),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    found = []
    for row, name in rows:
        if not any(row.starts_at < end and row.ends_at > start for start, end in spans):
            continue
        start, end = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
        when = f"{start:%a} {start.day} {start:%b} {start.year}, {start:%H:%M}–{end:%H:%M}"
        text = f"{client_name(client)} already has an appointment with {name} on {when}."
        found.append(ClientOverlap(row.id, name, row.starts_at, row.ends_at, text))
    return found


@checked
def client_overlaps(
    uow: UnitOfWork, principal: Principal, request: BookingRequest
) -> list[ClientOverlap]:
    """The booking form's warning: the client's appointments with other providers at the same
    time (family sessions exist, so the person may book anyway)."""
    _clean_request(request)
    with uow:
        provider = require_provider(uow, request.provider_id)
        client = load_client_for(uow, principal, request.client_id)
        require_booking(uow, principal, provider, client)
        return _client_overlaps(
            uow, client, provider.staff_id, _spans(request, practice_zone(uow))[0]
        )


@checked
def booking_alert(
    uow: UnitOfWork, principal: Principal, provider_id: int, client_id: int
) -> str | None:
    """The alert the booking form shows before saving when the client is new to the provider (R7)."""
    with uow:
        provider = require_provider(uow, provider_id)
        client = load_client_for(uow, principal, client_id)
        require_booking(uow, principal, provider, client)
        if is_linked(uow, client.id, provider.staff_id):
            return None
        name = client_name(client)
        return (
            f"{name} is not yet a client of {provider.name}. Saving this appointment adds {name} "
            f"to {provider.name}'s client list (demographics only; no chart access)."
        )


@checked
def search_clients_for_booking(
    uow: UnitOfWork,
    principal: Principal,
    provider_id: int,
    text: str,
    *,
    all_clients: bool,
    limit: int = 20,
) -> list[ClientChoice]:
    """The booking form's client search (R7): the provider's clients first; with `all_clients`,
        every client the principal may see (R1, R2). Each word typed begins a word of the name (as
    in the client list), by name."""
    with uow:
        provider = require_provider(uow, provider_id)
        may_book_for(principal, provider).require()
        on_list = Client.id.in_(linked_client_ids(provider.staff_id))
        query = select(Client.id, Client.first_name, Client.last_name, on_list).where(
            visible_clients(principal, Client.id)
        )
        if not all_clients:
            query = query.where(on_list)
        query = query.where(*name_search_conditions(Client.id, text[:200]))
        rows = uow.session.execute(
            query.order_by(Client.sort_name, Client.id).limit(max(1, min(limit, 100)))
        )
        return [ClientChoice(id_, f"{last}, {first}", bool(on)) for id_, first, last, on in rows]


@checked
def book_appointment(
    uow: UnitOfWork,
    principal: Principal,
    request: BookingRequest,
    *,
    skip_conflicts: bool = False,
    client_overlap_allowed: bool = False,
) -> BookingResult:
    """Book once or as a series (R10). A clash refuses the whole booking unless `skip_conflicts`
    (series only) books the other dates. A client new to the provider joins their list with
    demographics only (R7, R6), in the same transaction. The client's own appointments with
    other providers at the same time refuse it too, unless `client_overlap_allowed` (the person
    saw the warning and chose to book anyway, which the audit entry records)."""
    if not isinstance(request, BookingRequest):
        raise InvalidInput("Fill in the booking form.")
    kind, note = _clean_request(request)
    with uow:
        provider = require_provider(uow, request.provider_id)
        client = load_client_for(uow, principal, request.client_id)
        require_booking(uow, principal, provider, client)
        zone = practice_zone(uow)
        spans, rule = _spans(request, zone)
        lock_calendar(uow, provider.staff_id)
        checks = check_spans(uow, provider, spans, zone)
        if any(c.conflict for c in checks) and (rule is None or not skip_conflicts):
            raise clash_conflict(checks)
        skipped = [c for c in checks if c.conflict]
        if len(skipped) == len(checks):
            raise clash_conflict(checks)
        booked_spans = [(c.starts_at, c.ends_at) for c in checks if not c.conflict]
        overlaps = _client_overlaps(uow, client, provider.staff_id, booked_spans)
        if overlaps and not client_overlap_allowed:
            raise Conflict(overlaps[0].text + " Nothing was booked; book anyway if both are meant.")
        new_link = None
        if not is_linked(uow, client.id, provider.staff_id):
            may_add_to_provider_list(
                principal,
                principal_linked=is_linked(uow, client.id, principal.staff_id),
                recipient=provider,
            ).require()
            ensure_link(uow, principal, client, provider.staff_id)
            new_link = provider.name
        series = None
        if rule is not None:
            series = AppointmentSeries(
                provider_id=provider.staff_id,
                client_id=client.id,
                rrule=rule,
                first_start_local=request.starts_at.astimezone(zone)
                .replace(tzinfo=None)
                .isoformat(),
                time_zone=zone.key,
                created_by=principal.staff_id,
                created_at=uow.now(),
            )
            uow.session.add(series)
            uow.session.flush()
        rows = []
        for check in checks:
            if check.conflict:
                continue
            row = Appointment(
                provider_id=provider.staff_id,
                client_id=client.id,
                starts_at=check.starts_at,
                ends_at=check.ends_at,
                appointment_type=kind,
                pos_code=request.pos_code,
                note=note,
                status="booked",
                series_id=series.id if series else None,
                created_by=principal.staff_id,
                created_at=uow.now(),
            )
            try:
                with uow.session.begin_nested():
                    uow.session.add(row)
            except IntegrityError as error:
                if not refused_by_database(error):
                    raise
                raise clash_conflict(check_spans(uow, provider, spans, zone)) from None
            rows.append(row)
        audit.record(
            uow,
            principal,
            BOOKED,
            client_id=client.id,
            subject=f"series:{series.id}" if series else f"appointment:{rows[0].id}",
            details={
                "provider": provider.staff_id,
                "appointments": [row.id for row in rows],
                "first_start": rows[0].starts_at.isoformat(),
                "minutes": request.duration_minutes,
                "pos": request.pos_code,
                "rule": rule,
                "skipped": [c.starts_at.isoformat() for c in skipped],
                "new_link": new_link is not None,
                "client_overlaps": [o.appointment_id for o in overlaps],
            },
        )
        result = BookingResult(
            appointments=tuple(
                appointment_view(r, provider.name, client_name(client)) for r in rows
            ),
            series_id=series.id if series else None,
            skipped=tuple(skipped),
            new_link_provider_name=new_link,
        )
        uow.commit()
        return result


__all__ = [
    "AppointmentView",
    "BookingRequest",
    "BookingResult",
    "ClientChoice",
    "ClientOverlap",
    "OccurrenceCheck",
    "OpenSlot",
    "PlaceOfService",
    "RepeatRule",
    "add_time_off",
    "appointments_between",
    "appointments_of_client",
    "book_appointment",
    "booking_alert",
    "cancel_appointment",
    "client_overlaps",
    "export_ics",
    "find_availability",
    "move_appointment",
    "place_of_service_codes",
    "preview_repeats",
    "remove_time_off",
    "search_clients_for_booking",
    "suggested_start",
    "set_weekly_hours",
    "weekly_hours",
]
