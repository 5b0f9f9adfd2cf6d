"""A provider's open links, read from the index alone: "my clients" is asked in every policy of
every statement on PostgreSQL (row-level security) and in every list a provider opens.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_client_provider_links_open_by_provider",
        "client_provider_links",
        ["provider_id", "client_id"],
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_client_provider_links_open_by_provider", "client_provider_links")
