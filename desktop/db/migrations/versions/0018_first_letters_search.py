"""The first keystrokes of a name search read an index in list order: the first letter and the
first two of each client's name words (each client once), with the sort name and id, so the
first page of "c" stops after 50 clients instead of sorting every match.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for letters in (1, 2):
        op.create_index(
            f"ix_client_name_words_first_{letters}",
            "client_name_words",
            [sa.text(f"substr(word, 1, {letters})"), "sort_name", "client_id"],
            sqlite_where=sa.text(f"shared < {letters}"),
            postgresql_where=sa.text(f"shared < {letters}"),
        )


def downgrade() -> None:
    for letters in (2, 1):
        op.drop_index(f"ix_client_name_words_first_{letters}", "client_name_words")
