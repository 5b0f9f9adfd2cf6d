"""The first keystrokes of a name search read an index in list order: each name word's first
letter and first two, kept by the database (generated columns), indexed with the sort name and
id for each client once, so the first page of "c" stops after 50 clients instead of sorting
every match. On PostgreSQL the boundary's refresh after this upgrade also plans the sets the
policies read (my clients, the restricted clients...) as about 10 rows rather than 1,000, so a
page of the list is joined to its rows by key as the person too (no rule changes), and a
provider's notes have an index by author (the clients in whose chart they wrote, R3).

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

#: each column, how many letters it holds.
_FIRST_LETTERS = (("first_letter", 1), ("first_two", 2))


def upgrade() -> None:
    # R3: the clients in whose chart a provider wrote (the server's policies read them for a
    # provider in every statement over clients): their own notes, not every note's index entry.
    op.create_index("ix_chart_notes_author", "chart_notes", ["author_id", "client_id"])
    # Stored on PostgreSQL; on SQLite computed when read (an added column may not be stored),
    # which its index stores all the same.
    stored = True if op.get_bind().dialect.name == "postgresql" else None
    for column, letters in _FIRST_LETTERS:
        computed = sa.Computed(f"substr(word, 1, {letters})", persisted=stored)
        op.add_column("client_name_words", sa.Column(column, sa.String(letters), computed))
        op.create_index(
            f"ix_client_name_words_{column}",
            "client_name_words",
            [column, "sort_name", "client_id"],
            sqlite_where=sa.text(f"shared < {letters}"),
            postgresql_where=sa.text(f"shared < {letters}"),
        )


def downgrade() -> None:
    op.drop_index("ix_chart_notes_author", "chart_notes")
    for column, _ in reversed(_FIRST_LETTERS):
        op.drop_index(f"ix_client_name_words_{column}", "client_name_words")
        op.drop_column("client_name_words", column)
