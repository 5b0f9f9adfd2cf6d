"""Emergency access (R18): the practice's settings for it and every use, with its review.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desktop.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool) -> sa.Column:
    return sa.Column(name, desktop.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "emergency_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allowed_roles", sa.String(length=200), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_emergency_settings_single_row")),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 5 AND 1440", name=op.f("ck_emergency_settings_duration_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_settings")),
    )
    op.create_table(
        "emergency_allowed_staff",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_emergency_allowed_staff_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_emergency_allowed_staff")),
    )
    op.create_table(
        "emergency_accesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        _when("opened_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("ended_at", nullable=True),
        _when("reviewed_at", nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "length(reason) BETWEEN 1 AND 1000", name=op.f("ck_emergency_accesses_reason_length")
        ),
        sa.CheckConstraint(
            "expires_at > opened_at", name=op.f("ck_emergency_accesses_expires_after_opening")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_emergency_accesses_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_emergency_accesses_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["staff.id"],
            name=op.f("fk_emergency_accesses_reviewed_by_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_accesses")),
    )
    op.create_index(
        "ix_emergency_accesses_staff_client",
        "emergency_accesses",
        ["staff_id", "client_id", "expires_at"],
    )
    op.create_index("ix_emergency_accesses_opened_at", "emergency_accesses", ["opened_at"])


def downgrade() -> None:
    op.drop_index("ix_emergency_accesses_opened_at", table_name="emergency_accesses")
    op.drop_index("ix_emergency_accesses_staff_client", table_name="emergency_accesses")
    op.drop_table("emergency_accesses")
    op.drop_table("emergency_allowed_staff")
    op.drop_table("emergency_settings")
