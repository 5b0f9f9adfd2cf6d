"""Appointment status (R10): what became of a session. The front desk and the provider mark it
scheduled, arrived, attended, no-show, late cancel or cancelled (with a reason); each change is
audited, and a client's no-shows and late cancels are counted for the profile.

Arrived, attended and no-show describe a session that has begun (arrived: from the start of its
day), so they cannot be recorded ahead. Cancelled and late cancel free the time (the appointment
is no longer booked); setting a cancelled appointment back to another status books its time
again, unless the provider has been booked then since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import Appointment
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .calendar_export import (
    AppointmentView,
    appointment_view,
    check_spans,
    lock_calendar,
    practice_zone,
    refused_by_database,
    require_calendar_access,
    visit_status,
)
from .errors import Conflict, InvalidInput, NotFound
from .policy import may_record_attendance, may_see_client
from .principal import Principal
from .record_facts import client_name, is_linked, load_client, require_provider
from .validation import clean_text

STATUS_CHANGED = "appointment.status_changed"

#: every status, in the order the menus list them, with its words on screen.
STATUS_LABELS = {
    "scheduled": "Scheduled",
    "arrived": "Arrived",
    "attended": "Attended",
    "no_show": "No-show",
    "late_cancel": "Late cancel",
    "cancelled": "Cancelled",
}
#: statuses that say the session has begun: they cannot be recorded ahead of it.
_AFTER_START = frozenset({"attended", "no_show"})
#: statuses that free the appointment's time.
_FREEING = frozenset({"cancelled", "late_cancel"})


@dataclass(frozen=True)
class AttendanceCounts:
    """How often a client missed sessions: no-shows and late cancels, with every provider."""

    no_shows: int
    late_cancels: int


def _clean_status(status: object) -> str:
    if status not in STATUS_LABELS:
        raise InvalidInput(
            "Choose Scheduled, Arrived, Attended, No-show, Late cancel or Cancelled.", "status"
        )
    return str(status)


def _not_yet(row: Appointment, status: str, uow: UnitOfWork) -> str | None:
    """Why `status` cannot be recorded yet, in words; None when it can."""
    now = uow.now()
    label = STATUS_LABELS[status]
    if status in _AFTER_START and now < row.starts_at:
        return f"This session has not started yet; it can be marked {label} once it begins."
    if status == "arrived":
        zone = practice_zone(uow)
        day_start = datetime.combine(row.starts_at.astimezone(zone).date(), time(0), zone)
        if now < day_start:
            return "A client can be marked Arrived on the day of the session."
    return None


@checked
def set_appointment_status(
    uow: UnitOfWork,
    principal: Principal,
    appointment_id: int,
    status: str,
    reason: str | None = None,
) -> AppointmentView:
    """Record what became of one appointment (R10). Cancelled needs a reason; late cancel may
    have one. Setting the status it already has changes nothing and is not audited."""
    status = _clean_status(status)
    required = status == "cancelled"
    reason = clean_text(
        reason, "The reason for cancelling", max_length=500, required=required, field="reason"
    )
    with uow:
        row = uow.session.get(Appointment, appointment_id)
        if row is None:
            raise NotFound("That appointment no longer exists. Refresh the calendar.")
        provider = require_provider(uow, row.provider_id)
        client = load_client(uow, row.client_id)
        require_calendar_access(uow, principal, may_record_attendance(principal, provider), client)
        before = visit_status(row.status, row.attendance)
        if before == status and (status not in _FREEING or not reason):
            return appointment_view(row, provider.name, client_name(client))
        problem = _not_yet(row, status, uow)
        if problem:
            raise InvalidInput(problem, "status")
        if status not in _FREEING and row.status == "cancelled":
            _book_again(uow, row, provider)
        _apply(row, status, reason)
        try:
            uow.session.flush()
        except StaleDataError:
            raise Conflict(
                "This appointment was changed by someone else a moment ago; nothing was saved. "
                "Refresh the calendar and try again."
            ) from None
        except IntegrityError as error:
            if refused_by_database(error):
                raise Conflict(
                    f"{provider.name} has been booked at that time since it was cancelled; "
                    "nothing was changed. Book the client at another time."
                ) from None
            raise
        details = {"from": before, "to": status}
        if reason:
            details["reason"] = reason
        audit.record(
            uow,
            principal,
            STATUS_CHANGED,
            client_id=client.id,
            subject=f"appointment:{row.id}",
            details=details,
        )
        view = appointment_view(row, provider.name, client_name(client))
        uow.commit()
        return view


def _book_again(uow: UnitOfWork, row: Appointment, provider) -> None:
    """A cancelled appointment takes its time back only if the provider is still free then."""
    lock_calendar(uow, row.provider_id)
    zone = practice_zone(uow)
    (check,) = check_spans(uow, provider, [(row.starts_at, row.ends_at)], zone, frozenset({row.id}))
    if check.conflict:
        raise Conflict(f"{check.conflict}; nothing was changed. Book the client at another time.")


def _apply(row: Appointment, status: str, reason: str) -> None:
    if status in _FREEING:
        row.status = "cancelled"
        row.attendance = "late_cancel" if status == "late_cancel" else "scheduled"
        row.cancel_reason = reason or None
    else:
        row.status = "booked"
        row.attendance = status
        row.cancel_reason = None


@checked
def attendance_counts(uow: UnitOfWork, principal: Principal, client_id: int) -> AttendanceCounts:
    """The client's no-shows and late cancels with every provider, for the profile (R2)."""
    with uow:
        client = load_client(uow, client_id)
        linked = is_linked(uow, client.id, principal.staff_id)
        may_see_client(principal, principal_linked=linked).require()
        missed = or_(
            and_(Appointment.status == "booked", Appointment.attendance == "no_show"),
            and_(Appointment.status == "cancelled", Appointment.attendance == "late_cancel"),
        )
        rows = dict(
            uow.session.execute(
                select(Appointment.attendance, func.count())
                .where(Appointment.client_id == client.id, missed)
                .group_by(Appointment.attendance)
            ).all()
        )
        return AttendanceCounts(rows.get("no_show", 0), rows.get("late_cancel", 0))
