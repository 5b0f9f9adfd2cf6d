"""The demo practice's working days: what became of each past session, and the notes written
from them, with a few sessions still waiting for their note."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..db.tables import Appointment, ChartNote
from .calendar_export import pos_name

_SOAP = (
    "## Subjective\nReports sleeping better; two panic episodes this week, both shorter.\n\n"
    "## Objective\nCalm, engaged, good eye contact; speech at a normal rate.\n\n"
    "## Assessment\nSteady progress on the exposure hierarchy, step 4 of 8.\n\n"
    "## Plan\nContinue graded exposure; practise breathing daily; review in one week."
)
#: a physiotherapy visit's note, in the same template.
_SOAP_PHYSIO = (
    "## Subjective\nLower back pain 3/10 after walking, down from 6/10; sleeping through.\n\n"
    "## Objective\nLumbar flexion to mid-shin; straight leg raise 70 degrees both sides.\n\n"
    "## Assessment\nImproving mechanical low back pain; tolerating the loading programme.\n\n"
    "## Plan\nProgress core exercises; manual therapy to L4-5; review in one week."
)
#: how many attended sessions of the demo are left without their note (the rest are signed):
#: a few of the three weeks of sessions.
_WAITING_SHARE = 0.08


def visit_outcome(rng, start: datetime, now: datetime) -> dict:
    """Past demo sessions are mostly attended, a few no-shows and late cancels; one that began
    in the last hour has its client arrived; later ones are scheduled."""
    if start > now:
        return {"status": "booked", "attendance": "scheduled"}
    if now - start < timedelta(hours=1):
        return {"status": "booked", "attendance": "arrived"}
    outcome = rng.choices(("attended", "no_show", "late_cancel"), (16, 2, 1))[0]
    if outcome == "late_cancel":
        reason = "Called an hour before: unwell"
        return {"status": "cancelled", "attendance": outcome, "cancel_reason": reason}
    return {"status": "booked", "attendance": outcome}


def _soap(appointment_type: str) -> str:
    return _SOAP_PHYSIO if appointment_type == "Physiotherapy" else _SOAP


def add_session_notes(session, rng, now: datetime, zone: ZoneInfo) -> None:
    """A signed progress note for most attended sessions, linked to the session; each
    provider's first session and about one in five others wait for their note (some with a
    draft started), so Notes to write has work in it."""
    attended = session.scalars(
        select(Appointment)
        .where(Appointment.attendance == "attended", Appointment.status == "booked")
        .order_by(Appointment.starts_at, Appointment.id)
    )
    first_of: set[int] = set()
    for row in attended:
        waiting = rng.random() < _WAITING_SHARE
        if row.provider_id not in first_of:  # each provider's first session waits, unwritten
            first_of.add(row.provider_id)
            continue
        if waiting and rng.random() < 0.5:
            continue  # not started at all
        start, end = row.starts_at.astimezone(zone), row.ends_at.astimezone(zone)
        minutes = int((row.ends_at - row.starts_at).total_seconds() // 60)
        written = min(row.ends_at + timedelta(hours=2), now)
        session.add(
            ChartNote(
                client_id=row.client_id,
                author_id=row.provider_id,
                kind="progress",
                status="draft" if waiting else "signed",
                session_date=start.date(),
                title=(
                    f"{row.appointment_type} · {start:%H:%M}–{end:%H:%M} ({minutes} min) · "
                    f"{row.pos_code} {pos_name(row.pos_code)}"
                )[:200],
                body="## Subjective\n" if waiting else _soap(row.appointment_type),
                appointment_id=row.id,
                created_at=written,
                updated_at=written,
                signed_at=None if waiting else written,
            )
        )
