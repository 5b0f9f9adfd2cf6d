"""`clinicdesk db provision` on the test server: from an empty database to people signing in
with their own logins, and logins for staff who had none."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from desktop.cli import main
from desktop.db import migrate
from desktop.db.boundary import login_name
from desktop.db.uow import UnitOfWork
from desktop.services.credentials import database_account, store_secret
from desktop.services.errors import SignInRefused
from tests.db import add_staff
from tests.db import server_practice as sp

OWNER = "maya@harbour.test"


@pytest.fixture
def empty_server(postgres_server, fresh_postgres_database) -> str:
    return fresh_postgres_database()


@pytest.fixture
def answers(monkeypatch) -> list[str]:
    """What IT types at the password prompts, in order."""
    typed: list[str] = []
    monkeypatch.setattr("desktop.cli.ask_password", lambda prompt: typed.pop(0))
    return typed


@pytest.fixture
def ctx_for(tmp_path) -> Iterator:
    made = []

    def make(url: str):
        made.append(sp.workstation(url, tmp_path, sp.cheap_passwords()))
        return made[-1]

    yield make
    for ctx in made:
        ctx.close()


def provision(capsys, url: str, *extra: str) -> tuple[int, str, str]:
    code = main(["db", "provision", "--database", url, "--network", "192.168.7.0/24", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def keep_gate_password(url: str) -> None:
    parsed = sp.it_engine(url).url
    gate = re.sub(r"[^a-z0-9_]", "_", parsed.database.lower()) + "_signin_gate"
    store_secret(
        database_account(gate, parsed.host, parsed.port, parsed.database), sp.GATE_PASSWORD
    )


def test_provision_sets_up_an_empty_server_for_people_to_sign_in(
    capsys, empty_server, answers, ctx_for
) -> None:
    answers += [sp.PASSWORD, sp.PASSWORD, sp.GATE_PASSWORD]
    code, out, err = provision(
        capsys, empty_server,
        "--practice", "Harbour Therapy Group", "--time-zone", "America/Toronto",
        "--owner-name", "Dr. Maya Okafor", "--owner-email", OWNER,
    )  # fmt: skip
    assert code == 0, err
    engine = sp.it_engine(empty_server)
    try:
        assert migrate.schema_state(engine).status == "current"
    finally:
        engine.dispose()
    assert "upgraded from schema none" in out
    database = sp.it_engine(empty_server).url.database
    assert re.search(
        rf"hostssl +{database} +\+{database}_staff +192\.168\.7\.0/24 +scram-sha-256", out
    )
    assert re.search(rf"hostssl +{database} +{database}_signin_gate +192\.168\.7\.0/24", out)
    assert f"db set-password --database postgresql://{database}_signin_gate@" in out

    keep_gate_password(empty_server)
    ctx = ctx_for(empty_server)
    with pytest.raises(SignInRefused, match="not right"):
        ctx.sign_in(OWNER, "a wrong guess")
    owner = ctx.sign_in(OWNER, sp.PASSWORD)
    assert owner.display_name == "Dr. Maya Okafor"
    assert sp.session_user(ctx) == login_name(database, OWNER)
    with sp.it_engine(empty_server).connect() as connection:
        actions = (
            connection.execute(text("SELECT action FROM audit_events ORDER BY seq")).scalars().all()
        )
    # IT set the practice up; the Owner's first sign-in is their own, not IT's
    assert actions == ["practice.created", "session.sign_in_failed", "session.sign_in"]


def test_provision_gives_staff_without_a_login_one_with_a_temporary_password(
    capsys, postgres_server, _postgres_template, fresh_postgres_database, answers, ctx_for
) -> None:
    url = fresh_postgres_database(_postgres_template)
    engine = sp.it_engine(url)
    sp.set_up(engine, sp.cheap_passwords())
    with UnitOfWork(engine) as uow:  # staff added before the server had logins
        add_staff(uow.session, "jo@harbour.test")
        uow.commit()
    engine.dispose()
    answers.append("")  # the gate keeps its present password
    code, out, err = provision(capsys, url)
    assert code == 0, err
    found = re.search(r"Login for jo@harbour\.test: temporary password (\S+) ", out)
    assert found, out
    assert "owner@harbour.test" not in out  # the Owner had one already
    principal = ctx_for(url).sign_in("jo@harbour.test", found.group(1))
    assert principal.email == "jo@harbour.test"
    # Run again: nobody is left without a login, nothing is printed for them.
    answers.append("")
    code, out, _ = provision(capsys, url)
    assert code == 0 and "temporary password" not in out


def test_provision_of_an_empty_server_needs_the_practice_and_its_owner(
    capsys, empty_server, answers
) -> None:
    code, _, err = provision(capsys, empty_server)
    assert code == 1 and err.count("\n") == 1
    assert "give --practice, --time-zone, --owner-name and --owner-email" in err
