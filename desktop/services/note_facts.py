"""Whether a session has its signed progress note: a fact the calendar and Notes to write show
to people who may not read the note itself (R3). On PostgreSQL a person's own login reads only
the notes the rules let them (B5), so the fact comes from a boundary function there."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, func

from ..db.tables import Appointment, ChartNote


def session_note_signed(dialect: str) -> ColumnElement[bool]:
    """SQL: the appointment of the row has a signed progress note written from it (never a
    draft or a private note)."""
    if dialect == "postgresql":
        return func.app.session_note_signed(Appointment.id)
    return exists().where(
        ChartNote.appointment_id == Appointment.id,
        ChartNote.kind == "progress",
        ChartNote.status == "signed",
    )
