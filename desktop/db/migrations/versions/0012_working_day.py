"""A clinician's day: appointment status (scheduled, arrived, attended, no-show, late cancel,
beside `status`, which still says only whether the appointment holds its time); a progress note
linked to the session it documents (one note per session); the practice's hours before a
session's note is due; note templates, with SOAP, DAP, BIRP and a physiotherapy assessment;
a provider's ICD-10-CM codes for a client.

Plain DDL that both databases run unchanged, so SQLite keeps the no-double-booking triggers of
migration 0002 (a batch table rebuild would drop them).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from desktop.db.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: the templates every practice starts with: (name, section headings).
BUILT_IN_TEMPLATES = (
    ("SOAP", ("Subjective", "Objective", "Assessment", "Plan")),
    ("DAP", ("Data", "Assessment", "Plan")),
    ("BIRP", ("Behavior", "Intervention", "Response", "Plan")),
    (
        "Physiotherapy assessment",
        ("History", "Examination", "Assessment", "Goals", "Treatment plan"),
    ),
)
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
    op.execute("ALTER TABLE client_provider_links ADD COLUMN diagnosis_codes VARCHAR(400)")
    templates = op.create_table(
        "note_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("sections", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 80", name="name_length"),
        sa.CheckConstraint("length(sections) BETWEEN 1 AND 2000", name="sections_length"),
        sa.UniqueConstraint("name"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        templates,
        [
            {"name": name, "sections": "\n".join(sections), "active": True, "updated_at": now,
             "updated_by": None, "version": 1}
            for name, sections in BUILT_IN_TEMPLATES
        ],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("note_templates")
    op.execute("ALTER TABLE client_provider_links DROP COLUMN diagnosis_codes")
    op.execute("ALTER TABLE practice DROP COLUMN note_due_hours")
    op.execute("DROP INDEX uq_chart_notes_session")
    op.execute("ALTER TABLE chart_notes DROP COLUMN appointment_id")
    # the CHECK belongs to the column, so SQLite (3.35 and later) drops them together.
    op.execute("ALTER TABLE appointments DROP COLUMN attendance")
