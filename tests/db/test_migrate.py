"""Migrations: an empty database reaches head, a current one is left alone, a newer one is refused."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import alembic.command
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

import desktop.db.migrations
from desktop.db import migrate
from desktop.db.encryption import is_plain_sqlite
from desktop.db.engine import sqlite_path
from desktop.db.migrate import SchemaError, head_revision, schema_state, upgrade
from desktop.db.tables import Base, Client
from tests.sqlite_key import engine_for

from . import seed

UNKNOWN_REVISION = "ffff9999_future"
TEST_REVISION = "0002_test_marker"


def _version(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT version_num FROM alembic_version")))


def _set_version(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


@pytest.fixture
def empty_engine(empty_database_url: str):
    engine = engine_for(empty_database_url)
    yield engine
    engine.dispose()


def test_the_revisions_read_at_start_up_are_alembics(tmp_path: Path, monkeypatch) -> None:
    """Start-up reads where a database stands without loading Alembic: the same head and the
    same revisions as Alembic's own reading of the scripts, also with one revision more."""
    for location in (None, _release_with_extra_revision(tmp_path, "pass")()):
        if location is not None:
            monkeypatch.setattr(migrate, "_script_location", lambda location=location: location)
        script = ScriptDirectory.from_config(migrate._alembic_config())
        assert head_revision() == script.get_current_head()
        assert migrate.known_revisions() == {r.revision for r in script.walk_revisions()}
    assert head_revision() == TEST_REVISION


def test_upgrade_of_an_empty_database_reaches_head(empty_engine: Engine) -> None:
    before = schema_state(empty_engine)
    assert (before.status, before.current, before.head) == ("empty", None, head_revision())

    after = upgrade(empty_engine)

    assert (after.status, after.current) == ("current", head_revision())
    assert _version(empty_engine) == [head_revision()]
    assert _tables(empty_engine) == set(Base.metadata.tables) | {"alembic_version"}
    with empty_engine.connect() as connection:
        head = connection.execute(text("SELECT id, last_seq, last_hash FROM audit_head")).all()
    assert head == [(1, 0, "0" * 64)]
    path = sqlite_path(empty_engine.url)
    if path is not None:
        assert not (path.parent / "backups").exists(), "nothing to back up in an empty database"


def test_upgrade_of_a_current_database_does_nothing(
    engine: Engine, uow_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with uow_factory() as uow:
        seed(uow.session)
        uow.commit()

    def must_not_run(*args, **kwargs):
        raise AssertionError("a current database must not be migrated or backed up")

    monkeypatch.setattr(alembic.command, "upgrade", must_not_run)
    monkeypatch.setattr(migrate, "backup_sqlite", must_not_run)

    state = upgrade(engine)

    assert (state.status, state.current) == ("current", head_revision())
    assert _version(engine) == [head_revision()]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM staff")) == 2


def test_schema_state_reports_empty_current_and_newer(empty_engine: Engine) -> None:
    assert schema_state(empty_engine).status == "empty"
    upgrade(empty_engine)
    assert schema_state(empty_engine).status == "current"
    _set_version(empty_engine, UNKNOWN_REVISION)
    state = schema_state(empty_engine)
    assert (state.status, state.current, state.head) == ("newer", UNKNOWN_REVISION, head_revision())


def test_upgrade_refuses_a_database_from_a_newer_release(engine: Engine) -> None:
    _set_version(engine, UNKNOWN_REVISION)

    with pytest.raises(SchemaError, match="newer release") as refused:
        upgrade(engine)

    assert UNKNOWN_REVISION in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert _version(engine) == [UNKNOWN_REVISION]


def test_refusing_a_newer_database_touches_nothing(empty_engine: Engine) -> None:
    # A database holding only the version marker: had the upgrade run, it would have made tables.
    with empty_engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
        connection.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": UNKNOWN_REVISION})

    with pytest.raises(SchemaError, match="newer release"):
        upgrade(empty_engine)

    assert _tables(empty_engine) == {"alembic_version"}
    assert _version(empty_engine) == [UNKNOWN_REVISION]
    path = sqlite_path(empty_engine.url)
    if path is not None:
        assert not (path.parent / "backups").exists()


# -- a database one release behind: this release's migrations plus one more ----------------------

_EXTRA_REVISION = '''"""A revision that exists only in the tests."""
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
{body}


def downgrade() -> None:
    pass
'''

CREATE_MARKER = 'op.create_table("test_marker", sa.Column("id", sa.Integer(), primary_key=True))'


def _release_with_extra_revision(tmp_path: Path, *body: str) -> Callable[[], Path]:
    """A copy of the shipped migrations plus one revision running `body`: the database is "behind"."""
    location = tmp_path / "next-release-migrations"
    shutil.copytree(
        Path(desktop.db.migrations.__file__).parent,
        location,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (location / "versions" / f"{TEST_REVISION}.py").write_text(
        _EXTRA_REVISION.format(
            revision=TEST_REVISION,
            down=head_revision(),
            body="\n".join(f"    {line}" for line in body or ("pass",)),
        )
    )

    return lambda: location


def test_upgrade_of_a_database_behind_backs_up_then_migrates(
    engine: Engine, uow_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped_head = head_revision()
    with uow_factory() as uow:
        seed(uow.session)
        uow.commit()
    monkeypatch.setattr(
        migrate, "_script_location", _release_with_extra_revision(tmp_path, CREATE_MARKER)
    )

    before = schema_state(engine)
    assert (before.status, before.current, before.head) == ("behind", shipped_head, TEST_REVISION)

    after = upgrade(engine)

    assert (after.status, after.current) == ("current", TEST_REVISION)
    assert "test_marker" in _tables(engine)
    path = sqlite_path(engine.url)
    if path is None:
        return  # a server's backups are IT's job, not the application's
    backups = list((path.parent / "backups").iterdir())
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert not is_plain_sqlite(backups[0]), "the copy is encrypted like the database"
    backup = engine_for(f"sqlite:///{backups[0]}")
    try:
        assert _version(backup) == [shipped_head]
        assert "test_marker" not in _tables(backup)
        with backup.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM staff")) == 2
    finally:
        backup.dispose()


def test_a_failing_migration_leaves_the_schema_where_it_was(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped_head = head_revision()
    monkeypatch.setattr(
        migrate,
        "_script_location",
        _release_with_extra_revision(
            tmp_path, CREATE_MARKER, 'raise RuntimeError("migration failed halfway")'
        ),
    )

    with pytest.raises(RuntimeError, match="migration failed halfway"):
        upgrade(engine)

    assert _version(engine) == [shipped_head]
    assert "test_marker" not in _tables(engine)


def test_a_later_migration_can_rebuild_a_table_that_rows_refer_to(
    engine: Engine, uow_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite changes most columns and constraints by rebuilding the table (Alembic batch mode)."""
    with uow_factory() as uow:
        ids = seed(uow.session)
        uow.session.get(Client, ids.client).created_by = ids.provider_a  # a row refers to staff
        uow.commit()
    monkeypatch.setattr(
        migrate,
        "_script_location",
        _release_with_extra_revision(
            tmp_path,
            'with op.batch_alter_table("staff") as batch:',
            '    batch.add_column(sa.Column("phone", sa.String(40)))',
            '    batch.create_check_constraint("phone_length", "length(phone) <= 40")',
        ),
    )

    assert upgrade(engine).current == TEST_REVISION

    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM staff")) == 2
        assert connection.scalar(text("SELECT created_by FROM clients")) == ids.provider_a


def test_upgrading_from_0002_indexes_the_names_of_the_clients_already_there(
    empty_engine: Engine,
) -> None:
    from alembic import command

    config = migrate._alembic_config()
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO clients (id, first_name, last_name, sort_name, created_at, "
                "updated_at, version) VALUES (:id, :first, :last, :sort, :at, :at, 1)"
            ),
            [
                {"id": n, "first": "Zoë", "last": f"Okafor-{n}", "sort": f"okafor-{n} zoë"}
                | {"at": "2026-03-02 14:30:00.000000"}
                for n in range(1, 2502)  # more than one batch of the migration
            ],
        )

    upgrade(empty_engine, backup_first=False)

    with empty_engine.connect() as connection:
        words = connection.execute(
            text("SELECT word, shared FROM client_name_words WHERE client_id = 2501 ORDER BY word")
        ).all()
        total = connection.scalar(text("SELECT count(*) FROM client_name_words"))
    assert [tuple(w) for w in words] == [("2501", 0), ("okafor", 0), ("zoe", 0)]
    assert total == 3 * 2501
