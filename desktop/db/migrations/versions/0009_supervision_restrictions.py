"""Clinical supervision (R16): supervisions and note reviews; restricted clients (R17).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desktop.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, desktop.db.types.UTCDateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{referred}"))


def upgrade() -> None:
    op.create_table(
        "supervisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supervisee_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        _moment("started_at"),
        sa.Column("started_by", sa.Integer(), nullable=False),
        _moment("ended_at", nullable=True),
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("supervisee_id <> supervisor_id", name=op.f("ck_supervisions_not_self")),
        sa.CheckConstraint(
            "mode IN ('read', 'approve', 'cosign')", name=op.f("ck_supervisions_mode_known")
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name=op.f("ck_supervisions_ends_after_start"),
        ),
        _fk("supervisions", "supervisee_id", "provider_profiles.staff_id"),
        _fk("supervisions", "supervisor_id", "provider_profiles.staff_id"),
        _fk("supervisions", "client_id", "clients.id"),
        _fk("supervisions", "started_by", "staff.id"),
        _fk("supervisions", "ended_by", "staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisions")),
    )
    op.create_index(
        "ix_supervisions_supervisee",
        "supervisions",
        ["supervisee_id", "client_id", "ended_at"],
    )
    op.create_index("ix_supervisions_supervisor", "supervisions", ["supervisor_id", "ended_at"])

    op.create_table(
        "note_reviews",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=sa.text("''")),
        _moment("submitted_at"),
        _moment("decided_at", nullable=True),
        sa.Column("cosigner_id", sa.Integer(), nullable=True),
        _moment("cosigned_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "state IN ('awaiting', 'returned', 'approved')",
            name=op.f("ck_note_reviews_state_known"),
        ),
        sa.CheckConstraint(
            "mode IN ('approve', 'cosign')", name=op.f("ck_note_reviews_mode_known")
        ),
        sa.CheckConstraint(
            "(cosigner_id IS NULL) = (cosigned_at IS NULL)",
            name=op.f("ck_note_reviews_cosign_has_time"),
        ),
        sa.CheckConstraint("length(comment) <= 4000", name=op.f("ck_note_reviews_comment_length")),
        _fk("note_reviews", "note_id", "chart_notes.id"),
        _fk("note_reviews", "author_id", "provider_profiles.staff_id"),
        _fk("note_reviews", "client_id", "clients.id"),
        _fk("note_reviews", "supervisor_id", "provider_profiles.staff_id"),
        _fk("note_reviews", "cosigner_id", "staff.id"),
        sa.PrimaryKeyConstraint("note_id", name=op.f("pk_note_reviews")),
    )
    op.create_index("ix_note_reviews_supervisor", "note_reviews", ["supervisor_id", "state"])
    op.create_index("ix_note_reviews_author", "note_reviews", ["author_id", "state"])

    op.create_table(
        "client_restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        _moment("started_at"),
        sa.Column("started_by", sa.Integer(), nullable=False),
        _moment("lifted_at", nullable=True),
        sa.Column("lifted_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "length(reason) BETWEEN 1 AND 500", name=op.f("ck_client_restrictions_reason_length")
        ),
        sa.CheckConstraint(
            "lifted_at IS NULL OR lifted_at >= started_at",
            name=op.f("ck_client_restrictions_lifts_after_start"),
        ),
        _fk("client_restrictions", "client_id", "clients.id"),
        _fk("client_restrictions", "staff_id", "staff.id"),
        _fk("client_restrictions", "started_by", "staff.id"),
        _fk("client_restrictions", "lifted_by", "staff.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_restrictions")),
    )
    op.create_index("ix_client_restrictions_client", "client_restrictions", ["client_id"])
    op.create_index(
        "uq_client_restrictions_open",
        "client_restrictions",
        ["staff_id", "client_id"],
        unique=True,
        sqlite_where=sa.text("lifted_at IS NULL"),
        postgresql_where=sa.text("lifted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("client_restrictions")
    op.drop_table("note_reviews")
    op.drop_table("supervisions")
