"""A clinician's day: appointment status (scheduled, arrived, attended, no-show, late cancel,
beside `status`, which still says only whether the appointment holds its time); a progress note
linked to the session it documents (one note per session); the practice's hours before a
session's note is due.

Plain DDL that both databases run unchanged, so SQLite keeps the no-double-booking triggers of
migration 0002 (a batch table rebuild would drop them).

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0005"
branch_labels = None
depends_on = None

_STATES = "'scheduled', 'arrived', 'attended', 'no_show', 'late_cancel'"


def upgrade() -> None:
    op.execute(
        "ALTER TABLE appointments ADD COLUMN attendance VARCHAR(16) DEFAULT 'scheduled' NOT NULL "
        f"CONSTRAINT ck_appointments_attendance_known CHECK (attendance IN ({_STATES}))"
    )
    op.execute(
        "ALTER TABLE chart_notes ADD COLUMN appointment_id INTEGER CONSTRAINT "
        "fk_chart_notes_appointment_id_appointments REFERENCES appointments (id)"
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_chart_notes_session ON chart_notes (appointment_id) "
        "WHERE appointment_id IS NOT NULL"
    )
    op.execute("ALTER TABLE practice ADD COLUMN note_due_hours INTEGER DEFAULT 24 NOT NULL")


def downgrade() -> None:
    op.execute("ALTER TABLE practice DROP COLUMN note_due_hours")
    op.execute("DROP INDEX uq_chart_notes_session")
    op.execute("ALTER TABLE chart_notes DROP COLUMN appointment_id")
    # the CHECK belongs to the column, so SQLite (3.35 and later) drops them together.
    op.execute("ALTER TABLE appointments DROP COLUMN attendance")
