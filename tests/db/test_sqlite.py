"""The embedded database: safe pragmas on every connection, owner-only files, writers that queue."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from desktop.db.encryption import sqlcipher
from desktop.db.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_CACHE_KIB,
    create_database_engine,
    sqlite_url,
)
from desktop.db.migrate import backup_sqlite
from desktop.db.uow import UnitOfWork
from tests.sqlite_key import TEST_KEY, open_file

from . import seed


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "practice" / "clinicdesk.sqlite"


@pytest.fixture
def sqlite_engine(sqlite_file: Path) -> Iterator[Engine]:
    engine = create_database_engine(sqlite_url(sqlite_file), key=TEST_KEY)
    yield engine
    engine.dispose()


def _other_connection(path: Path, timeout_s: float = 0.05) -> sqlcipher.Connection:
    """A second workstation's connection, giving up on a lock almost at once."""
    return open_file(path, timeout=timeout_s, isolation_level=None)


def test_every_connection_gets_the_safe_pragmas(sqlite_engine: Engine) -> None:
    seen = []  # kept alive, so their ids stay distinct
    for _ in range(3):
        with sqlite_engine.connect() as connection:
            seen.append(connection.connection.dbapi_connection)
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS > 0
            assert pragma("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB
            assert pragma("PRAGMA temp_store").scalar() == 2  # MEMORY: no plain temporary file
            assert pragma("PRAGMA cipher_version").scalar().startswith("4.")
        sqlite_engine.dispose()  # the next checkout opens a new connection
    assert len({id(c) for c in seen}) == 3


def test_connections_are_kept_between_units_of_work(sqlite_engine: Engine) -> None:
    """Opening a connection reads the whole schema; a list paging as you scroll cannot pay that
    at every page."""
    with sqlite_engine.connect() as connection:
        first = id(connection.connection.dbapi_connection)
    with sqlite_engine.connect() as connection:
        assert id(connection.connection.dbapi_connection) == first


def test_foreign_keys_are_enforced(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))")
    with pytest.raises(Exception, match="FOREIGN KEY constraint failed"):
        with sqlite_engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO child VALUES (42)")


def test_database_file_is_created_owner_only(sqlite_file: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        engine = create_database_engine(sqlite_url(sqlite_file), key=TEST_KEY)
    finally:
        os.umask(old_umask)
    try:
        assert stat.S_IMODE(sqlite_file.stat().st_mode) == 0o600
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            wal = sqlite_file.with_name(sqlite_file.name + "-wal")
            assert stat.S_IMODE(wal.stat().st_mode) == 0o600, "the WAL holds the same data"
    finally:
        engine.dispose()


def test_a_transaction_takes_the_write_lock_at_its_start(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    other = _other_connection(sqlite_file)
    try:
        with sqlite_engine.connect() as connection:
            with connection.begin():
                connection.execute(text("SELECT 1"))  # only a read, yet the lock is held

                with pytest.raises(sqlcipher.OperationalError, match="database is locked"):
                    other.execute("BEGIN IMMEDIATE")
                # Readers are not blocked (WAL).
                assert other.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)

        other.execute("BEGIN IMMEDIATE")  # released when the transaction ends
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_deferred_transaction_would_not_hold_the_lock(sqlite_file: Path) -> None:
    """The control for the test above: plain BEGIN plus a read leaves writers free."""
    sqlite_file.parent.mkdir(parents=True)
    first, other = _other_connection(sqlite_file), _other_connection(sqlite_file)
    try:
        first.execute("PRAGMA journal_mode = WAL")
        first.execute("BEGIN")
        first.execute("SELECT count(*) FROM sqlite_master").fetchone()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        first.execute("ROLLBACK")
    finally:
        first.close()
        other.close()


def test_a_unit_of_work_holds_the_write_lock_from_its_first_statement(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    other = _other_connection(sqlite_file)
    try:
        with UnitOfWork(sqlite_engine) as uow:
            uow.session.execute(text("SELECT 1"))
            with pytest.raises(sqlcipher.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


# -- backup before an upgrade ---------------------------------------------------------------------


def _counts(path: Path) -> dict[str, int]:
    connection = open_file(path)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("practice", "staff", "provider_profiles", "clients", "alembic_version")
        }
    finally:
        connection.close()


def test_backup_copies_every_committed_row_owner_only(
    engine: Engine, uow_factory, tmp_path: Path
) -> None:
    path = Path(engine.url.database) if engine.dialect.name == "sqlite" else None
    keeper = open_file(path) if path else None  # keeps the WAL from being folded in on close
    try:
        if keeper:
            keeper.execute("SELECT 1 FROM practice").fetchall()
        with uow_factory() as uow:
            seed(uow.session)
            uow.commit()

        target = backup_sqlite(engine, tmp_path / "backups")

        if path is None:
            assert target is None, "only an embedded file is backed up by the application"
            return
        assert path.with_name(path.name + "-wal").stat().st_size > 0, "rows still in the WAL"
        assert target is not None and target.parent == tmp_path / "backups"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert _counts(target) == _counts(path) == {
            "practice": 1, "staff": 2, "provider_profiles": 2, "clients": 1, "alembic_version": 1
        }  # fmt: skip
    finally:
        if keeper:
            keeper.close()


def test_backup_goes_next_to_the_database_by_default(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO t VALUES (7)")

    target = backup_sqlite(sqlite_engine)

    assert target is not None and target.parent == sqlite_file.parent / "backups"
    assert target.name.startswith("clinicdesk-before-upgrade-")
    copy = open_file(target)
    try:
        assert copy.execute("SELECT x FROM t").fetchall() == [(7,)]
    finally:
        copy.close()


def test_nothing_to_back_up_in_an_empty_file(sqlite_engine: Engine, tmp_path: Path) -> None:
    assert backup_sqlite(sqlite_engine, tmp_path / "backups") is None
    assert not (tmp_path / "backups").exists()


def test_backups_before_upgrades_keep_the_newest_of_them(
    sqlite_engine: Engine, sqlite_file: Path
) -> None:
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    made = [backup_sqlite(sqlite_engine, keep=3) for _ in range(5)]
    folder = sqlite_file.parent / "backups"
    (folder / "clinicdesk-backup-20200101T000000000000Z.sqlite").write_bytes(b"")  # another kind
    backup_sqlite(sqlite_engine, keep=3)
    kept = sorted(folder.glob("clinicdesk-before-upgrade-*.sqlite"))
    assert len(kept) == 3 and made[0] not in kept and made[1] not in kept and made[4] in kept
    assert (folder / "clinicdesk-backup-20200101T000000000000Z.sqlite").exists()
