"""The Audit screen and the accounting of disclosures: indexes that let the screen page through
a filtered trail by (filter, seq) without reading the rest, and the optional purpose typed when a
chart is shared or a client transferred.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: (index name, columns): each filter or sort of the Audit screen, then seq for keyset paging.
AUDIT_INDEXES = (
    ("ix_audit_events_client_seq", ["client_id", "seq"]),
    ("ix_audit_events_actor_seq", ["actor_id", "seq"]),
    ("ix_audit_events_action_seq", ["action", "seq"]),
    ("ix_audit_events_workstation_seq", ["workstation", "seq"]),
    ("ix_audit_events_label_seq", ["actor_label", "seq"]),
)


def upgrade() -> None:
    for name, columns in AUDIT_INDEXES:
        op.create_index(name, "audit_events", columns, unique=False)
    with op.batch_alter_table("chart_shares") as table:
        table.add_column(sa.Column("purpose", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chart_shares") as table:
        table.drop_column("purpose")
    for name, _columns in reversed(AUDIT_INDEXES):
        op.drop_index(name, table_name="audit_events")
