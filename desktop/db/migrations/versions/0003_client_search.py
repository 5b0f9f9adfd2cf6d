"""Client search: the words of client names (`client_name_words`) and a birth-date index.

Every existing client's words are written by the same code that keeps them afterwards
(`desktop/db/name_index.py`), in batches, inside the upgrade's transaction. The index on
(date of birth, sort name, id) answers a search by date of birth and the list sorted by it
without reading the table rows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from desktop.db.name_index import word_rows

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    is_postgresql = op.get_bind().dialect.name == "postgresql"
    word_type = sa.String(length=100, collation="C") if is_postgresql else sa.String(length=100)
    words = op.create_table(
        "client_name_words",
        sa.Column("word", word_type, nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("shared", sa.SmallInteger(), nullable=False),
        sa.Column("sort_name", sa.String(length=201), nullable=False),
        sa.CheckConstraint(
            "length(word) BETWEEN 1 AND 100", name=op.f("ck_client_name_words_word_length")
        ),
        sa.CheckConstraint(
            "shared >= 0 AND shared < 100", name=op.f("ck_client_name_words_shared_length")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_client_name_words_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("word", "client_id", name=op.f("pk_client_name_words")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_client_name_words_client_id"), "client_name_words", ["client_id"], unique=False
    )
    op.create_index(
        "ix_clients_date_of_birth", "clients", ["date_of_birth", "sort_name", "id"], unique=False
    )
    clients = sa.table("clients", sa.column("id", sa.Integer), sa.column("sort_name", sa.String))
    bind = op.get_bind()
    last_id = 0
    while True:
        batch = bind.execute(
            sa.select(clients.c.id, clients.c.sort_name)
            .where(clients.c.id > last_id)
            .order_by(clients.c.id)
            .limit(_BATCH)
        ).all()
        if not batch:
            break
        rows = [row for client_id, name in batch for row in word_rows(client_id, name)]
        if rows:
            bind.execute(sa.insert(words), rows)
        last_id = batch[-1][0]


def downgrade() -> None:
    op.drop_index("ix_clients_date_of_birth", table_name="clients")
    op.drop_index(op.f("ix_client_name_words_client_id"), table_name="client_name_words")
    op.drop_table("client_name_words")
