"""The client list's reads: a client's linked profiles found from either side of the pair by an
index, and the sets row-level security reads in every statement as PL/pgSQL functions (applied
by the boundary's refresh after this upgrade on PostgreSQL; no rule changes).

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-03 16:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_linked_profiles_other", "linked_profiles", ["other_client_id"])


def downgrade() -> None:
    op.drop_index("ix_linked_profiles_other", "linked_profiles")
