"""`clinicdesk` for IT: one line and a non-zero exit for every problem, never a traceback."""

from __future__ import annotations

import io
import subprocess
import sys

from sqlalchemy import text

from desktop.cli import main
from desktop.services.demo import DEMO_PASSWORD
from tests.sqlite_key import engine_for, open_file


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_database_address_that_makes_no_sense_is_one_line(capsys):
    code, _, err = run_cli(capsys, "--smoke", "--database", "mysql://x@y/z")
    assert code == 1 and err.count("\n") == 1
    assert "SQLite files and PostgreSQL servers" in err


def test_an_unreachable_server_is_one_line(capsys):
    code, _, err = run_cli(
        capsys, "--smoke", "--database", "postgresql+psycopg://desk@127.0.0.1:9/clinic"
    )
    assert code == 1 and err.count("\n") == 1
    assert "Cannot reach the database server desk@127.0.0.1:9/clinic" in err


def test_a_damaged_file_is_one_line_and_left_as_it_was(capsys, tmp_path):
    damaged = tmp_path / "clinic.sqlite"
    damaged.write_bytes(b"this is not a database at all" * 100)
    before = damaged.read_bytes()
    code, _, err = run_cli(capsys, "--smoke", "--database", f"sqlite:///{damaged}")
    assert code == 1 and err.count("\n") == 1 and "is not a Clinic Desk database, is damaged" in err
    assert damaged.read_bytes() == before


def test_a_database_from_a_newer_release_is_refused_untouched(capsys, database_url):
    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    code, _, err = run_cli(capsys, "--smoke", "--database", database_url)
    assert code == 1 and "newer release" in err
    code, _, err = run_cli(capsys, "db", "upgrade", "--database", database_url)
    assert code == 1 and "newer release" in err
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        )
    engine.dispose()


def test_a_server_is_upgraded_by_the_db_upgrade_command_only(capsys, fresh_postgres_database):
    empty_database_url = fresh_postgres_database()
    code, _, err = run_cli(capsys, "--smoke", "--database", empty_database_url)
    assert code == 1 and "clinicdesk db upgrade" in err
    code, out, _ = run_cli(capsys, "db", "upgrade", "--database", empty_database_url)
    assert code == 0 and "upgraded from schema none" in out
    code, out, _ = run_cli(capsys, "db", "upgrade", "--database", empty_database_url)
    assert code == 0 and "nothing to do" in out


def test_smoke_refuses_a_database_file_that_does_not_exist(capsys, tmp_path):
    path = tmp_path / "no" / "such" / "clinic.sqlite"
    code, out, err = run_cli(capsys, "--smoke", "--database", f"sqlite:///{path}")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "There is no database file" in err and "nothing was created" in err
    assert not (tmp_path / "no").exists()


def test_smoke_on_a_fresh_file_migrates_builds_the_window_and_prints_one_line(capsys, tmp_path):
    path = tmp_path / "fresh" / "clinic.sqlite"
    code, _, err = run_cli(capsys, "db", "upgrade", "--database", f"sqlite:///{path}")
    assert code == 0, err
    code, out, err = run_cli(capsys, "--smoke", "--database", f"sqlite:///{path}")
    assert code == 0, err
    assert out.count("\n") == 1 and "OK" in out and "no practice set up yet" in out
    assert path.stat().st_mode & 0o777 == 0o600
    with open_file(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_smoke_on_the_demo_practice(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path))
    code, out, err = run_cli(capsys, "--demo", "--smoke")
    assert code == 0, err
    assert "practice 'Riverside Counselling & Physio'" in out


def test_audit_verify_passes_then_fails_after_tampering(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path))
    assert run_cli(capsys, "--demo", "--smoke")[0] == 0
    path = tmp_path / "clinicdesk-demo.sqlite"
    url = f"sqlite:///{path}"
    owner = ("--email", "owner@demo.clinic", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    code, out, _ = run_cli(capsys, "audit", "verify", "--database", url, *owner)
    assert code == 0 and "intact" in out
    with open_file(path) as connection:
        connection.execute("DROP TRIGGER audit_events_no_update")
        connection.execute("UPDATE audit_events SET actor_label = 'someone else' WHERE seq = 1")
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    code, out, _ = run_cli(capsys, "audit", "verify", "--database", url, *owner)
    assert code == 3 and "entry 1 was altered" in out


def test_the_module_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("Clinic Desk ")


def test_demo_with_a_named_database_puts_the_demo_practice_there(
    capsys, database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path / "data"))
    code, out, err = run_cli(capsys, "--database", database_url, "--demo", "--smoke")
    assert code == 0, err
    assert "practice 'Riverside Counselling & Physio'" in out
    assert not (tmp_path / "data" / "clinicdesk-demo.sqlite").exists()
    engine = engine_for(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM clients")).scalar() == 40
    engine.dispose()


def test_demo_refuses_a_named_database_that_holds_a_real_practice(capsys, database_url):
    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO practice (id, name, time_zone, created_at, version) "
                "VALUES (1, 'Harbour Therapy', 'America/Halifax', CURRENT_TIMESTAMP, 1)"
            )
        )
    code, out, err = run_cli(capsys, "--database", database_url, "--demo", "--smoke")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "holds the practice 'Harbour Therapy', so the demo practice was not put into it" in err
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM staff")).scalar() == 0
    engine.dispose()


def test_smoke_makes_the_apps_own_file_on_first_use(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path / "data"))
    code, out, err = run_cli(capsys, "--smoke")
    assert code == 0 and "no practice set up yet" in out, err
    assert (tmp_path / "data" / "clinicdesk.sqlite").stat().st_mode & 0o777 == 0o600
