"""`clinicdesk db backup | restore`: a consistent copy of a database in use, owner-only and
encrypted, that restores into an empty database with an intact audit trail; a restore refuses a
database that holds a practice, and a copy from a newer release."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.db.encryption import is_plain_sqlite
from desktop.db.engine import sqlite_url
from desktop.db.uow import UnitOfWork
from tests.sqlite_key import engine_for, open_file

from . import add_client

ROOT = Path(__file__).resolve().parents[2]

#: a second workstation: adds a client and its audit entry in one transaction, again and again.
WRITER = """
import sys, time
from desktop.db.tables import Client
from desktop.db.uow import UnitOfWork
from desktop.services import audit
from tests.sqlite_key import engine_for

engine = engine_for(sys.argv[1])
number = 0
while True:
    with UnitOfWork(engine) as uow:
        now = uow.now()
        client = Client(first_name="Writer", last_name=f"N{number}", sort_name=f"n{number}",
                        created_at=now, updated_at=now)
        uow.session.add(client)
        uow.session.flush()
        audit.record(uow, None, "client.created", client_id=client.id, actor_label="writer",
                     workstation="desk-2")
        uow.commit()
    number += 1
    if number == 5:
        print("writing", flush=True)
"""


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _counts(url: str) -> tuple[int, int]:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            clients = connection.execute(text("SELECT count(*) FROM clients")).scalar()
            entries = connection.execute(
                text("SELECT count(*) FROM audit_events WHERE action = 'client.created'")
            ).scalar()
    finally:
        engine.dispose()
    return clients, entries


def _empty_target(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return sqlite_url(tmp_path / "restored" / "clinicdesk.sqlite").render_as_string(
            hide_password=False
        )
    return request.getfixturevalue("fresh_postgres_database")()


def test_a_backup_taken_while_another_workstation_writes_restores_with_its_audit_intact(
    capsys, request, database_url: str, tmp_path: Path
) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, database_url],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        backup = tmp_path / "copies" / "practice.backup"
        backup.parent.mkdir(mode=0o700)
        code, out, err = run_cli(
            capsys, "db", "backup", "--database", database_url, "--to", str(backup)
        )
        time.sleep(0.2)  # the writer goes on after the copy
    finally:
        writer.kill()
        writer.wait()
    assert code == 0, err
    assert "Backed up" in out and stat.S_IMODE(backup.stat().st_mode) == 0o600
    if database_url.startswith("sqlite"):
        assert not is_plain_sqlite(backup) and b"Writer" not in backup.read_bytes()

    target = _empty_target(request, database_url, tmp_path)
    code, out, err = run_cli(capsys, "db", "restore", str(backup), "--database", target)

    assert code == 0, err
    assert "audit trail intact" in out
    clients, entries = _counts(target)
    assert clients == entries >= 5, "each client came with its audit entry: one moment, copied"
    assert _counts(database_url)[0] > clients, "the writer went on after the copy"


def test_a_restore_refuses_a_database_that_holds_a_practice(
    capsys, database_url: str, tmp_path: Path
) -> None:
    backup = tmp_path / "practice.backup"
    assert run_cli(capsys, "db", "backup", "--database", database_url, "--to", str(backup))[0] == 0
    engine = engine_for(database_url)
    with UnitOfWork(engine) as uow:
        add_client(uow.session, "Kept", "Here")
        uow.commit()
    engine.dispose()

    code, out, err = run_cli(capsys, "db", "restore", str(backup), "--database", database_url)

    assert code == 1 and err.count("\n") == 1
    assert "already holds a practice; nothing was changed" in err and "--replace" in err
    assert _counts(database_url)[0] == 1


def test_a_restore_refuses_a_copy_from_a_newer_release(
    capsys, request, database_url: str, tmp_path: Path
) -> None:
    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    backup = tmp_path / "newer.backup"
    assert run_cli(capsys, "db", "backup", "--database", database_url, "--to", str(backup))[0] == 0
    target = _empty_target(request, database_url, tmp_path)

    code, _, err = run_cli(capsys, "db", "restore", str(backup), "--database", target)

    assert code == 1 and "made by a newer release" in err and "Nothing was changed" in err
    if target.startswith("sqlite"):
        assert not (tmp_path / "restored").exists()


def test_a_passphrase_backup_restores_on_a_computer_without_the_key(
    capsys, tmp_path: Path, memory_keyring, monkeypatch
) -> None:
    source = tmp_path / "laptop" / "clinicdesk.sqlite"
    assert run_cli(capsys, "db", "upgrade", "--database", f"sqlite:///{source}")[0] == 0
    monkeypatch.setattr("desktop.cli.ask_password", lambda prompt: "harbour lights 2026")
    backup = tmp_path / "moving.backup"
    code, out, err = run_cli(
        capsys, "db", "backup", "--database", f"sqlite:///{source}", "--to", str(backup),
        "--passphrase",
    )  # fmt: skip
    assert code == 0 and "your passphrase" in out, err
    with pytest.raises(Exception, match="not a database"):
        open_file(backup).execute("SELECT 1 FROM sqlite_master").fetchall()

    memory_keyring.secrets.clear()  # another computer: another key, made on first use
    target = tmp_path / "new-laptop" / "clinicdesk.sqlite"
    code, out, err = run_cli(
        capsys, "db", "restore", str(backup), "--database", f"sqlite:///{target}", "--passphrase"
    )
    assert code == 0 and "audit trail intact" in out, err
    assert not is_plain_sqlite(target) and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_automatic_backups_keep_the_newest_seven(capsys, tmp_path: Path) -> None:
    path = tmp_path / "clinicdesk.sqlite"
    url = f"sqlite:///{path}"
    assert run_cli(capsys, "db", "upgrade", "--database", url)[0] == 0
    made = []
    for _ in range(9):
        code, out, err = run_cli(capsys, "db", "backup", "--database", url)
        assert code == 0, err
        made.append(Path(out.split(" to ")[1].split(" (")[0]))
    kept = sorted((tmp_path / "backups").glob("clinicdesk-backup-*.sqlite"))
    assert kept == sorted(made[2:])
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700


def test_a_restore_fills_a_database_that_has_the_schema_but_no_practice(
    capsys, request, database_url: str, tmp_path: Path
) -> None:
    engine = engine_for(database_url)
    with UnitOfWork(engine) as uow:
        add_client(uow.session, "Moved", "Across")
        uow.commit()
    engine.dispose()
    backup = tmp_path / "practice.backup"
    assert run_cli(capsys, "db", "backup", "--database", database_url, "--to", str(backup))[0] == 0
    if database_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'new' / 'clinicdesk.sqlite'}"
        assert run_cli(capsys, "db", "upgrade", "--database", target)[0] == 0
    else:
        template = request.getfixturevalue("_postgres_template")
        target = request.getfixturevalue("fresh_postgres_database")(template)

    code, out, err = run_cli(capsys, "db", "restore", str(backup), "--database", target)

    assert code == 0 and "audit trail intact" in out, err
    assert _counts(target)[0] == 1


def test_replacing_a_practice_keeps_it_in_a_backup_first(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinicdesk.sqlite'}"
    assert run_cli(capsys, "db", "upgrade", "--database", url)[0] == 0
    backup = tmp_path / "empty-practice.backup"
    assert run_cli(capsys, "db", "backup", "--database", url, "--to", str(backup))[0] == 0
    engine = engine_for(url)
    with UnitOfWork(engine) as uow:
        add_client(uow.session, "Kept", "Safe")
        uow.commit()
    engine.dispose()

    code, out, err = run_cli(capsys, "db", "restore", str(backup), "--database", url, "--replace")

    assert code == 0, err
    [kept] = (tmp_path / "backups").glob("clinicdesk-before-restore-*.sqlite")
    assert f"kept in {kept}" in out and _counts(url)[0] == 0
    assert _counts(f"sqlite:///{kept}")[0] == 1
