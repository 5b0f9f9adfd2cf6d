"""The client list's reads: the booked appointments in time order (next appointment order), a
client's linked profiles found from either side of the pair by an index, and the sets row-level security reads in every statement as PL/pgSQL functions (applied
by the boundary's refresh after this upgrade on PostgreSQL; no rule changes).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_linked_profiles_other", "linked_profiles", ["other_client_id"])
    op.create_index(
        "ix_appointments_booked_time",
        "appointments",
        ["starts_at", "client_id"],
        sqlite_where=sa.text("status = 'booked'"),
        postgresql_where=sa.text("status = 'booked'"),
    )


def downgrade() -> None:
    op.drop_index("ix_appointments_booked_time", "appointments")
    op.drop_index("ix_linked_profiles_other", "linked_profiles")
