"""Caseload transfers remember whether the departing provider's future appointments move, and
for each client how many moved and how many stayed because the colleague was booked then.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("caseload_transfers") as table:
        table.add_column(
            sa.Column(
                "move_appointments", sa.Boolean(), nullable=False, server_default=sa.text("false")
            )
        )
    with op.batch_alter_table("caseload_transfer_items") as table:
        for name in ("appointments_moved", "appointments_left"):
            table.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0"))
            )


def downgrade() -> None:
    with op.batch_alter_table("caseload_transfer_items") as table:
        table.drop_column("appointments_left")
        table.drop_column("appointments_moved")
    with op.batch_alter_table("caseload_transfers") as table:
        table.drop_column("move_appointments")
