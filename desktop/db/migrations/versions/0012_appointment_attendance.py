"""Appointment status: what became of a session (scheduled, arrived, attended, no-show, late
cancel), beside `status`, which still says only whether the appointment holds its time.

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


def downgrade() -> None:
    # the CHECK belongs to the column, so SQLite (3.35 and later) drops them together.
    op.execute("ALTER TABLE appointments DROP COLUMN attendance")
