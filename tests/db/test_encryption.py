"""B9: the embedded file is unreadable without its key; the key lives in the OS keyring only; a
plain file from an earlier release is encrypted once, after a backup, and its plain bytes go."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
from importlib import resources
from pathlib import Path

import keyring
import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from keyring.backends import fail
from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.app import StartupError, open_database
from desktop.db.encryption import PLAIN_HEADER, is_plain_sqlite
from desktop.db.engine import create_database_engine, sqlite_url
from desktop.db.migrate import head_revision
from desktop.services.credentials import KEYRING_SERVICE
from desktop.services.database_key import DATABASE_KEY_ACCOUNT
from tests.sqlite_key import TEST_KEY, open_file

from . import seed


def _url(path: Path) -> str:
    return sqlite_url(path).render_as_string(hide_password=False)


def _plain_file_at_0003(path: Path) -> None:
    """A database as a release before encryption left it: schema 0003, unencrypted, with data."""
    engine = create_database_engine(sqlite_url(path))  # no key: the old, plain file
    try:
        config = AlembicConfig()
        config.set_main_option("script_location", str(resources.files("desktop.db") / "migrations"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
        with Session(engine) as session:
            seed(session)
            session.commit()
    finally:
        engine.dispose()


def test_the_file_cannot_be_read_without_the_key(tmp_path: Path) -> None:
    path = tmp_path / "clinicdesk.sqlite"
    engine, _, _ = open_database(_url(path))
    try:
        with Session(engine) as session:
            seed(session)
            session.commit()
    finally:
        engine.dispose()
    assert path.read_bytes()[:16] != PLAIN_HEADER and b"Lovelace" not in path.read_bytes()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM clients").fetchone()
    shell = subprocess.run(
        ["sqlite3", str(path), "SELECT count(*) FROM clients;"], capture_output=True, text=True
    )
    assert shell.returncode != 0 and "not a database" in shell.stderr
    with open_file(path) as connection:  # with the key, the same file reads
        assert connection.execute("SELECT last_name FROM clients").fetchall() == [("Lovelace",)]


def test_a_new_file_gets_a_random_key_made_once_and_kept_in_the_keyring(
    tmp_path: Path, memory_keyring
) -> None:
    memory_keyring.secrets.clear()
    path = tmp_path / "data" / "clinicdesk.sqlite"

    engine, _, _ = open_database(_url(path))
    engine.dispose()
    stored = memory_keyring.secrets[(KEYRING_SERVICE, DATABASE_KEY_ACCOUNT)]
    assert len(bytes.fromhex(stored)) == 32 and stored != TEST_KEY.hex()
    assert not is_plain_sqlite(path) and stat.S_IMODE(path.stat().st_mode) == 0o600

    engine, _, _ = open_database(_url(path))  # the second start finds the same key
    engine.dispose()
    assert memory_keyring.secrets[(KEYRING_SERVICE, DATABASE_KEY_ACCOUNT)] == stored
    key_bytes = bytes.fromhex(stored)
    for file in (p for p in tmp_path.rglob("*") if p.is_file()):
        assert key_bytes not in file.read_bytes() and stored.encode() not in file.read_bytes()


def test_without_a_keyring_nothing_is_written_and_the_message_is_plain(tmp_path: Path) -> None:
    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "data" / "clinicdesk.sqlite"
    with pytest.raises(StartupError, match="no system keyring") as refused:
        open_database(_url(path))
    assert "never keeps client records unencrypted" in str(refused.value)
    assert not path.exists()


def test_a_reset_keyring_is_said_plainly_and_the_file_is_left_alone(
    tmp_path: Path, memory_keyring
) -> None:
    path = tmp_path / "clinicdesk.sqlite"
    engine, _, _ = open_database(_url(path))
    engine.dispose()
    before = path.read_bytes()
    memory_keyring.secrets.clear()

    with pytest.raises(StartupError, match="its key is not in this computer account's"):
        open_database(_url(path))
    assert path.read_bytes() == before
    assert (KEYRING_SERVICE, DATABASE_KEY_ACCOUNT) not in memory_keyring.secrets


def test_a_plain_file_from_an_earlier_release_is_encrypted_once_after_a_backup(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clinicdesk.sqlite"
    _plain_file_at_0003(path)
    assert is_plain_sqlite(path)
    seen: list[tuple[float, str]] = []

    engine, _, _ = open_database(_url(path), progress=lambda done, what: seen.append((done, what)))
    try:
        with engine.connect() as connection:
            names = connection.execute(text("SELECT first_name FROM clients")).scalars().all()
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()

    assert names == ["Ada"] and version == head_revision()
    assert not is_plain_sqlite(path) and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seen[0] == (0.0, "Backing up the database") and seen[-1] == (1.0, "Encryption finished")
    assert not list(tmp_path.glob("*.encrypting*"))
    [backup] = (tmp_path / "backups").glob("clinicdesk-before-encryption-*.sqlite")
    assert not is_plain_sqlite(backup) and stat.S_IMODE(backup.stat().st_mode) == 0o600
    with open_file(backup) as connection:  # the backup is the data as it was, at schema 0003
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
        assert connection.execute("SELECT last_name FROM clients").fetchall() == [("Lovelace",)]
    # Nothing readable is left anywhere beside it.
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert b"Lovelace" not in file.read_bytes(), file


def test_the_conversion_at_start_up_shows_its_progress(capsys, tmp_path: Path) -> None:
    from desktop.cli import main

    path = tmp_path / "clinicdesk.sqlite"
    _plain_file_at_0003(path)

    code = main(["--smoke", "--database", _url(path)])

    out, err = capsys.readouterr()
    assert code == 0 and "OK" in out, err
    lines = err.splitlines()
    assert lines[0] == "Backing up the database… 0%" and lines[-1] == "Encryption finished… 100%"
    assert "Removing the unencrypted copy… 99%" in lines and not is_plain_sqlite(path)


def test_the_demo_is_built_again_when_its_key_is_gone(
    capsys, tmp_path: Path, monkeypatch, memory_keyring
) -> None:
    from desktop.cli import main

    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path))
    assert main(["--demo", "--smoke"]) == 0
    demo_file = tmp_path / "clinicdesk-demo.sqlite"
    before = demo_file.read_bytes()
    memory_keyring.secrets.clear()  # a new keyring: the old demo cannot be read by anyone

    assert main(["--demo", "--smoke"]) == 0
    assert "practice 'Riverside Counselling & Physio'" in capsys.readouterr().out
    assert demo_file.read_bytes()[:4096] != before[:4096]
    memory_keyring.secrets.clear()
    practice = tmp_path / "practice.sqlite"
    practice.write_bytes(before)  # the same bytes as a practice's own file are never replaced
    assert main(["--smoke", "--database", f"sqlite:///{practice}"]) == 1
    assert practice.read_bytes() == before
