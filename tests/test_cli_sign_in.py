"""R19: command-line tools that read the audit trail authenticate the person like the app
(password, then the second factor's code), or run as the schema owner on PostgreSQL; a typed
email alone is never enough, and a database path that does not exist is refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.clock import FixedClock
from desktop.db.uow import UnitOfWork
from desktop.services import auth, second_factor
from desktop.services.demo import DEMO_PASSWORD
from desktop.services.passwords import Passwords
from tests.sqlite_key import engine_for


@pytest.fixture
def demo(capsys, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path))
    assert main(["--demo", "--smoke"]) == 0
    capsys.readouterr()
    return f"sqlite:///{tmp_path / 'clinicdesk-demo.sqlite'}"


def run(capsys, monkeypatch, stdin: str | None, *args: str) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def last_actions(url: str, count: int) -> list[tuple[str, str]]:
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT action, workstation FROM audit_events ORDER BY seq DESC LIMIT {count}")
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_a_typed_email_alone_exports_nothing(capsys, monkeypatch, demo, tmp_path):
    out_file = tmp_path / "audit.csv"
    export = ("audit", "export", "--database", demo, "--output", str(out_file))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal to ask on
    code, _, err = run(capsys, monkeypatch, None, *export, "--email", "owner@demo.clinic")
    assert code == 1 and "--password-stdin" in err and not out_file.exists()
    code, _, err = run(capsys, monkeypatch, "", *export, "--email", "owner@demo.clinic",
                       "--password-stdin")  # fmt: skip
    assert code == 1 and "Enter your email and password" in err and not out_file.exists()
    code, _, err = run(capsys, monkeypatch, "wrong password\n", *export, "--email",
                       "owner@demo.clinic", "--password-stdin")  # fmt: skip
    assert code == 1 and "not right" in err and not out_file.exists()
    assert last_actions(demo, 1)[0][0] == "session.sign_in_failed"


def test_the_person_with_their_password_exports_and_the_sign_in_is_audited(
    capsys, monkeypatch, demo, tmp_path
):
    out_file = tmp_path / "audit.csv"
    code, out, err = run(capsys, monkeypatch, DEMO_PASSWORD + "\n", "audit", "export",
                         "--database", demo, "--output", str(out_file), "--email",
                         "owner@demo.clinic", "--password-stdin")  # fmt: skip
    assert code == 0, err
    assert "Exported" in out and out_file.exists()
    actions = last_actions(demo, 3)
    assert [a for a, _ in actions] == ["session.sign_out", "audit.exported", "session.sign_in"]
    assert actions[-1][1].endswith("(command line)")


def test_a_role_that_may_not_read_the_trail_is_refused(capsys, monkeypatch, demo):
    engine = engine_for(demo)
    with engine.connect() as connection:
        email = connection.execute(
            text(
                "SELECT s.email FROM staff s JOIN staff_roles r ON r.staff_id = s.id "
                "WHERE r.role = 'scheduler' LIMIT 1"
            )
        ).scalar()
    engine.dispose()
    code, _, err = run(capsys, monkeypatch, DEMO_PASSWORD + "\n", "audit", "verify",
                       "--database", demo, "--email", email, "--password-stdin")  # fmt: skip
    assert code == 1 and "Only the Owner or a Record Custodian" in err


def test_the_second_factor_is_asked_after_the_password(capsys, monkeypatch, demo):
    engine = engine_for(demo)
    clock = FixedClock(datetime.now(UTC) - timedelta(minutes=1))  # enrolled a minute ago
    passwords = Passwords()
    owner = auth.sign_in(UnitOfWork(engine, clock), passwords, "owner@demo.clinic",
                         DEMO_PASSWORD, "desk")  # fmt: skip
    offer = second_factor.new_secret(owner)
    totp = pyotp.TOTP(offer.secret)
    second_factor.enrol(UnitOfWork(engine, clock), owner, passwords, DEMO_PASSWORD, offer.secret,
                        totp.at(clock.now()))  # fmt: skip
    engine.dispose()
    verify = ("audit", "verify", "--database", demo, "--email", "owner@demo.clinic",
              "--password-stdin")  # fmt: skip
    code, _, err = run(capsys, monkeypatch, DEMO_PASSWORD + "\n", *verify)
    assert code == 1 and "6-digit code" in err
    code, _, err = run(capsys, monkeypatch, DEMO_PASSWORD + "\n000000\n", *verify)
    assert code == 1 and "not right" in err
    code, out, err = run(capsys, monkeypatch, f"{DEMO_PASSWORD}\n{totp.now()}\n", *verify)
    assert code == 0 and "intact" in out, err


def test_verify_on_a_path_that_does_not_exist_creates_nothing(capsys, monkeypatch, tmp_path):
    path = tmp_path / "no" / "clinic.sqlite"
    code, _, err = run(capsys, monkeypatch, DEMO_PASSWORD + "\n", "audit", "verify",
                       "--database", f"sqlite:///{path}", "--email", "owner@demo.clinic",
                       "--password-stdin")  # fmt: skip
    assert code == 1 and "There is no database file" in err
    assert not path.exists() and not (tmp_path / "no").exists()


def test_schema_owner_is_for_a_server_only(capsys, monkeypatch, demo):
    code, _, err = run(capsys, monkeypatch, "", "audit", "verify", "--database", demo,
                       "--as-schema-owner")  # fmt: skip
    assert code == 1 and "PostgreSQL server" in err


def test_the_schema_owner_verifies_a_server(capsys, monkeypatch, fresh_postgres_database):
    empty_database_url = fresh_postgres_database()
    assert main(["db", "upgrade", "--database", empty_database_url]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, monkeypatch, "", "audit", "verify", "--database",
                         empty_database_url, "--as-schema-owner")  # fmt: skip
    assert code == 0 and "intact" in out, err
