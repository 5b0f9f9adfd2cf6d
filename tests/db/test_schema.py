"""The schema the migrations build is exactly the one the ORM tables describe, on both databases."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from desktop.db.tables import Base
from desktop.db.tables.clients import FIRST_LETTERS_INDEXES


def test_migrated_schema_matches_the_orm_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with warnings.catch_warnings():
            # SQLite's reflection leaves out indexes on expressions: checked by name below.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expr")
            differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_partial_unique_indexes_exist(engine: Engine) -> None:
    indexes = {
        index["name"]: index
        for table in ("client_provider_links", "chart_shares")
        for index in inspect(engine).get_indexes(table)
    }
    for name in ("uq_client_provider_links_open", "uq_chart_shares_open"):
        assert indexes[name]["unique"], name


def test_indexes_on_expressions_exist(engine: Engine) -> None:
    """The first letters of the name words (a search's first keystrokes), which SQLite's
    reflection leaves out of the comparison above."""
    if engine.dialect.name == "sqlite":
        names = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        names = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    with engine.connect() as connection:
        present = set(connection.scalars(text(names)))
    assert {index.name for index in FIRST_LETTERS_INDEXES} <= present
