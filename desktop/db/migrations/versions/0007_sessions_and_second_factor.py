"""Sessions (R19): the practice's idle time and second-factor rule, temporary passwords, and
each person's second factor with its recovery codes.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.db.types import UTCDateTime

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practice") as table:
        table.add_column(
            sa.Column("idle_minutes", sa.Integer(), nullable=False, server_default=sa.text("15"))
        )
        table.add_column(
            sa.Column(
                "second_factor", sa.String(16), nullable=False, server_default=sa.text("'off'")
            )
        )
        table.create_check_constraint("idle_minutes_range", "idle_minutes BETWEEN 1 AND 60")
        table.create_check_constraint(
            "second_factor_known", "second_factor IN ('off', 'record_keepers', 'everyone')"
        )
    with op.batch_alter_table("staff") as table:
        table.add_column(
            sa.Column(
                "must_change_password",
                sa.Boolean(),
                nullable=False,
                server_default=sa.text("false"),
            )
        )
    op.create_table(
        "second_factors",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
        sa.Column("secret_encrypted", sa.String(512), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_recovery_codes_staff_id", "recovery_codes", ["staff_id"])


def downgrade() -> None:
    op.drop_index("ix_recovery_codes_staff_id", "recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    with op.batch_alter_table("staff") as table:
        table.drop_column("must_change_password")
    with op.batch_alter_table("practice") as table:
        table.drop_constraint("second_factor_known", type_="check")
        table.drop_constraint("idle_minutes_range", type_="check")
        table.drop_column("second_factor")
        table.drop_column("idle_minutes")
