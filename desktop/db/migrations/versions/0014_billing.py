"""Billing (R11): the practice's fee schedule, a charge for each billable session and payments;
the practice's address and a provider's licence number for superbills.

Plain DDL and `create_table` that both databases run unchanged. On PostgreSQL the new tables get
their row-level security and grants from the boundary refresh after the upgrade.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.db.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _known(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.execute("ALTER TABLE practice ADD COLUMN address VARCHAR(300)")
    op.execute("ALTER TABLE provider_profiles ADD COLUMN licence_number VARCHAR(60)")
    op.create_table(
        "fee_schedule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("use_for", sa.String(16), nullable=False),
        sa.Column("appointment_type", sa.String(80), nullable=True),
        sa.Column("minutes_from", sa.Integer(), nullable=True),
        sa.Column("minutes_to", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("length(code) BETWEEN 1 AND 10", name="code_length"),
        sa.CheckConstraint("length(description) BETWEEN 1 AND 200", name="description_length"),
        sa.CheckConstraint("fee_cents BETWEEN 0 AND 100000000", name="fee_range"),
        sa.CheckConstraint(_known("use_for", ("session", "no_show", "late_cancel")),
                           name="use_for_known"),
        sa.CheckConstraint(
            "minutes_from IS NULL OR minutes_to IS NULL OR minutes_to >= minutes_from",
            name="minutes_order",
        ),
        sa.UniqueConstraint("code"),
    )  # fmt: skip
    op.create_table(
        "charges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("provider_id", sa.Integer(), sa.ForeignKey("provider_profiles.staff_id"),
                  nullable=False),
        sa.Column("appointment_id", sa.Integer(), sa.ForeignKey("appointments.id"),
                  nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("code", sa.String(10), nullable=True),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=False),
        sa.Column("diagnosis_codes", sa.String(400), nullable=True),
        sa.Column("pos_code", sa.String(2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("void_reason", sa.String(500), nullable=True),
        sa.Column("adjusted", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(_known("kind", ("session", "no_show", "late_cancel")),
                           name="kind_known"),
        sa.CheckConstraint(_known("status", ("open", "void")), name="status_known"),
        sa.CheckConstraint("fee_cents BETWEEN 0 AND 100000000", name="fee_range"),
        sa.CheckConstraint("length(pos_code) = 2", name="pos_code_two_digits"),
        sa.UniqueConstraint("appointment_id"),
    )  # fmt: skip
    op.create_index("ix_charges_client", "charges", ["client_id", "service_date"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("charge_id", sa.Integer(), sa.ForeignKey("charges.id"), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("void_reason", sa.String(500), nullable=True),
        sa.Column("voided_at", UTCDateTime(), nullable=True),
        sa.Column("voided_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_cents BETWEEN 1 AND 100000000", name="amount_range"),
        sa.CheckConstraint(
            _known("method", ("card", "cash", "cheque", "insurance", "other")), name="method_known"
        ),
        sa.CheckConstraint(_known("status", ("recorded", "void")), name="status_known"),
    )
    op.create_index("ix_payments_client", "payments", ["client_id", "received_on"])


def downgrade() -> None:
    op.drop_table("payments")
    op.drop_table("charges")
    op.drop_table("fee_schedule")
    op.execute("ALTER TABLE provider_profiles DROP COLUMN licence_number")
    op.execute("ALTER TABLE practice DROP COLUMN address")
