"""The schema the migrations build is exactly the one the ORM tables describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from desktop.db.tables import Base


def test_migrated_schema_matches_the_orm_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
