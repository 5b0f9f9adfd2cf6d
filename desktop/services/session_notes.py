"""Notes written from sessions (R3): "Write note" on an attended appointment starts a progress
note in the provider's own chart, linked to the session, with its date, times, length and place
of service; "Notes to write" lists attended sessions still without a signed note some hours
(a practice setting) after they ended. Private psychotherapy notes never count (R4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select

from ..db.tables import Appointment, ChartNote, Client, Practice, Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .calendar_export import pos_name, practice_zone
from .charts import NoteView, note_view
from .documents import own_chart_facts
from .errors import InvalidInput, NotFound, PermissionRefused
from .note_facts import session_note_signed
from .policy import (
    may_see_notes_to_write,
    may_set_note_due_hours,
    may_write_chart,
    may_write_session_note,
)
from .principal import Principal, Role
from .record_facts import load_client, provider_facts, require_provider

NOTE_DUE_HOURS_CHANGED = "practice.note_due_hours_changed"
#: the longest a practice may give for a session's note: 30 days.
MAX_DUE_HOURS = 720


@dataclass(frozen=True)
class SessionWaiting:
    """An attended session whose note is not signed yet, in "Notes to write"."""

    appointment_id: int
    provider_id: int
    provider_name: str
    client_id: int
    client_name: str
    starts_at: datetime
    ends_at: datetime
    appointment_type: str
    #: the draft already started from this session, if any.
    draft_note_id: int | None


def _session_title(row: Appointment, uow: UnitOfWork) -> str:
    zone = practice_zone(uow)
    start, end = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
    minutes = int((row.ends_at - row.starts_at).total_seconds() // 60)
    title = (
        f"{row.appointment_type} · {start:%H:%M}–{end:%H:%M} ({minutes} min) · "
        f"{row.pos_code} {pos_name(row.pos_code)}"
    )
    return title[:200]


@checked
def write_session_note(uow: UnitOfWork, principal: Principal, appointment_id: int) -> NoteView:
    """The progress note of an attended session, in the provider's own chart: the draft started
    from it before, else a new draft with the session's date, times, length and place of service
    (R3: only that provider, while they may write in their chart of the client)."""
    with uow:
        row = uow.session.get(Appointment, appointment_id)
        if row is None:
            raise NotFound("That appointment no longer exists. Refresh the calendar.")
        provider = require_provider(uow, row.provider_id)
        may_write_session_note(principal, provider).require()
        client = load_client(uow, row.client_id)
        existing = uow.session.scalar(select(ChartNote).where(ChartNote.appointment_id == row.id))
        if existing is not None:
            return note_view(existing)
        may_write_chart(principal, own_chart_facts(uow, principal, client)).require()
        if row.status != "booked" or row.attendance != "attended":
            raise InvalidInput(
                "A session note is written for a session marked Attended. Mark it Attended "
                "first, or write a chart note from the client's Records tab.",
                "appointment_id",
            )
        now = uow.now()
        note = ChartNote(
            client_id=client.id,
            author_id=principal.staff_id,
            kind="progress",
            status="draft",
            session_date=row.starts_at.astimezone(practice_zone(uow)).date(),
            title=_session_title(row, uow),
            body="",
            appointment_id=row.id,
            created_at=now,
            updated_at=now,
        )
        uow.session.add(note)
        uow.session.flush()
        audit.record(
            uow,
            principal,
            audit.Action.NOTE_CREATED,
            client_id=client.id,
            subject=f"note:{note.id}",
            details={"kind": "progress", "status": "draft", "appointment": row.id},
        )
        view = note_view(note)
        uow.commit()
        return view


def _due_hours(uow: UnitOfWork) -> int:
    hours = uow.session.scalar(select(Practice.note_due_hours).where(Practice.id == 1))
    return 24 if hours is None else hours


@checked
def note_due_hours(uow: UnitOfWork, principal: Principal) -> int:
    """Hours after a session ends before its missing note is listed in Notes to write."""
    with uow:
        return _due_hours(uow)


@checked
def set_note_due_hours(uow: UnitOfWork, principal: Principal, hours: int) -> int:
    """The Owner sets how many hours a session's note may wait (1 to 720); audited."""
    may_set_note_due_hours(principal).require()
    if not 1 <= hours <= MAX_DUE_HOURS:
        raise InvalidInput(
            f"Give between 1 and {MAX_DUE_HOURS} hours (30 days) for a session's note.", "hours"
        )
    with uow:
        practice = uow.session.get(Practice, 1)
        if practice is None:
            raise NotFound("This practice has not been set up yet.")
        before = practice.note_due_hours
        if before != hours:
            practice.note_due_hours = hours
            uow.session.flush()
            audit.record(
                uow, principal, NOTE_DUE_HOURS_CHANGED, details={"from": before, "to": hours}
            )
        uow.commit()
        return hours


def _providers_shown(uow: UnitOfWork, principal: Principal, provider_id: int | None) -> list[int]:
    """The providers whose sessions the list covers: the one asked for, else the principal's
    own (a provider), else every provider (Owner, Manager)."""
    if provider_id is not None:
        facts = require_provider(uow, provider_id)
        may_see_notes_to_write(principal, facts).require()
        return [provider_id]
    if principal.has(Role.OWNER, Role.MANAGER):
        return []  # every provider
    own = provider_facts(uow, principal.staff_id)
    if own is None:
        raise PermissionRefused("R3", "Notes to write are for providers, the Owner and Managers.")
    may_see_notes_to_write(principal, own).require()
    return [own.staff_id]


@checked
def notes_to_write(
    uow: UnitOfWork, principal: Principal, provider_id: int | None = None
) -> list[SessionWaiting]:
    """Attended sessions that ended more than the practice's due hours ago and have no signed
    progress note, oldest first, by provider. A private note never counts as the session's."""
    with uow:
        providers = _providers_shown(uow, principal, provider_id)
        cutoff = uow.now() - timedelta(hours=_due_hours(uow))
        signed = session_note_signed(uow.dialect)
        draft = (
            select(ChartNote.id)
            .where(ChartNote.appointment_id == Appointment.id, ChartNote.status == "draft")
            .scalar_subquery()
        )
        query = (
            select(Appointment, Staff.display_name, Client.first_name, Client.last_name, draft)
            .join(Staff, Staff.id == Appointment.provider_id)
            .join(Client, Client.id == Appointment.client_id)
            .where(
                and_(Appointment.status == "booked", Appointment.attendance == "attended"),
                Appointment.ends_at <= cutoff,
                ~signed,
            )
            .order_by(Staff.display_name, Appointment.starts_at, Appointment.id)
        )
        if providers:
            query = query.where(Appointment.provider_id.in_(providers))
        return [
            SessionWaiting(
                appointment_id=row.id,
                provider_id=row.provider_id,
                provider_name=provider,
                client_id=row.client_id,
                client_name=f"{first} {last}",
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                appointment_type=row.appointment_type,
                draft_note_id=draft_id,
            )
            for row, provider, first, last, draft_id in uow.session.execute(query)
        ]
