"""Signed checkpoints of the audit trail (B8): the head of the chain, signed with a key kept
outside the database; append-only like the trail.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.db.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_SQLITE_GUARDS = [
    """CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

# clinicdesk_refuse_audit_change() is the trail's own guard (0001).
_POSTGRESQL_GUARDS = [
    """CREATE TRIGGER audit_checkpoints_append_only
       BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoints
       FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk_refuse_audit_change()""",
]


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("workstation", sa.String(length=255), nullable=False),
        sa.CheckConstraint("seq >= 0", name=op.f("ck_audit_checkpoints_seq_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    op.create_index("ix_audit_checkpoints_seq", "audit_checkpoints", ["seq"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_GUARDS if dialect == "sqlite" else _POSTGRESQL_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints")
    op.drop_index("ix_audit_checkpoints_seq", table_name="audit_checkpoints")
    op.drop_table("audit_checkpoints")
