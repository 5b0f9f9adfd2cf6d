"""What a staff member with psql and their own password can read, change and not change on the
demo practice, measured (SPEC B5). Each demo person connects with psycopg as their own login,
counts the rows of every table and tries the changes and the ways around the rules; the test
asserts what the rules say and prints the measured table (`pytest -s`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
import pytest

from desktop.db.boundary import login_name
from desktop.db.boundary.roles_sql import CLIENT_TABLES, PRACTICE_TABLES
from desktop.db.uow import UnitOfWork
from desktop.services import demo
from tests.db import server_practice as sp
from tests.services import worlds

TABLES = sorted({*CLIENT_TABLES, *PRACTICE_TABLES})
SHORT = {d.email: d.email.split("@")[0] for d in demo.DEMO_LOGINS}

#: ways around the rules: refused to everyone.
NEVER = {
    "TRUNCATE": "TRUNCATE clients CASCADE",
    "ALTER": "ALTER TABLE clients DISABLE ROW LEVEL SECURITY",
    "DROP TRIGGER": "DROP TRIGGER chart_notes_signed_unchanged ON chart_notes",
    "SET ROLE": 'SET ROLE "{owner_role}"',
    "CREATE FUNCTION": "CREATE FUNCTION public.peek() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "pg_authid": "SELECT rolpassword FROM pg_authid",
    "audit UPDATE": "UPDATE audit_events SET action = 'x'",
    "audit DELETE": "DELETE FROM audit_events",
    "signed note": "UPDATE chart_notes SET body = 'x' WHERE status = 'signed'",
    "DELETE client": "DELETE FROM clients",
}
#: changes some people may make: the measured outcome per person.
CHANGES = {
    "client profile": "UPDATE clients SET city = 'Halifax'",
    "billing notes": "UPDATE clients SET billing_notes = 'x'",
    "diagnosis": "UPDATE client_provider_links SET diagnosis = 'x'",
    "own draft": "UPDATE chart_notes SET body = 'x' WHERE author_id = {me} AND status = 'draft'",
    "new note": (
        "INSERT INTO chart_notes (client_id, author_id, kind, status, title, body, created_at,"
        " updated_at, version) SELECT client_id, {me}, 'progress', 'draft', 't', 'b', now(),"
        " now(), 1 FROM client_provider_links WHERE provider_id = {me} AND ended_at IS NULL"
        " LIMIT 1"
    ),
    "appointment provider": "UPDATE appointments SET provider_id = provider_id",
    "own password": "UPDATE staff SET password_hash = 'h' WHERE id = {me}",
    "own name": "UPDATE staff SET display_name = 'x' WHERE id = {me}",
    "make self Owner": (
        "INSERT INTO staff_roles (staff_id, role) SELECT {me}, 'owner' WHERE NOT EXISTS"
        " (SELECT 1 FROM staff_roles WHERE staff_id = {me} AND role = 'owner')"
    ),
}


@dataclass
class Measured:
    rows: dict[str, int] = field(default_factory=dict)
    changes: dict[str, str] = field(default_factory=dict)
    never: dict[str, str] = field(default_factory=dict)
    row_security_off: str = ""


@pytest.fixture(scope="module")
def measured(postgres_server, _postgres_template) -> Iterator[dict[str, Measured]]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        demo.ensure_demo_practice(UnitOfWork(engine), sp.cheap_passwords())
        with engine.connect() as connection:
            owner_role = connection.exec_driver_sql(
                "SELECT owner_role FROM app.boundary_roles"
            ).scalar_one()
            ids = dict(connection.exec_driver_sql("SELECT email, id FROM staff").all())
        out = {}
        for person in demo.DEMO_LOGINS:
            with _connect(postgres_server, engine.url.database, person.email) as conn:
                out[SHORT[person.email]] = _measure(conn, ids[person.email], owner_role)
        _print(out)
        yield out


@contextmanager
def _connect(server, database: str, email: str) -> Iterator[psycopg.Connection]:
    connection = psycopg.connect(
        host=server.host,
        port=server.port,
        dbname=database,
        user=login_name(database, email),
        password=demo.DEMO_PASSWORD,
        autocommit=True,
    )
    try:
        yield connection
    finally:
        connection.close()


def _outcome(conn: psycopg.Connection, statement: str) -> str:
    """ "refused", or how many rows the statement changed (always rolled back)."""
    try:
        with conn.transaction(force_rollback=True):
            cursor = conn.execute(statement)
            return str(cursor.rowcount) if cursor.rowcount >= 0 else "done"
    except psycopg.Error:
        return "refused"


def _measure(conn: psycopg.Connection, me: int, owner_role: str) -> Measured:
    m = Measured()
    for table in TABLES:
        try:
            m.rows[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except psycopg.errors.InsufficientPrivilege:
            m.rows[table] = -1
    for name, statement in CHANGES.items():
        m.changes[name] = _outcome(conn, statement.format(me=me))
    for name, statement in NEVER.items():
        m.never[name] = _outcome(conn, statement.format(owner_role=owner_role))
    conn.execute("SET row_security = off")
    m.row_security_off = _outcome(conn, "SELECT id FROM clients")
    conn.execute("RESET row_security")
    return m


def _print(out: dict[str, Measured]) -> None:
    people = list(out)
    width = max(len(t) for t in (*TABLES, *CHANGES, *NEVER)) + 2
    head = "".ljust(width) + "".join(p[:9].rjust(10) for p in people)
    print("\n\nRows each demo person reads with psql (their own login; -1: refused)")
    print(head)
    for table in TABLES:
        print(table.ljust(width) + "".join(str(out[p].rows[table]).rjust(10) for p in people))
    print("\nChanges tried (rows changed, rolled back; refused: an error)")
    print(head)
    for name in CHANGES:
        print(name.ljust(width) + "".join(out[p].changes[name].rjust(10) for p in people))
    print("\nWays around the rules")
    print(head)
    for name in NEVER:
        print(name.ljust(width) + "".join(out[p].never[name].rjust(10) for p in people))
    row_security = "".join(out[p].row_security_off.rjust(10) for p in people)
    print("row_security=off".ljust(width) + row_security)


def test_B5_no_demo_person_finds_a_way_around_the_rules(measured: dict[str, Measured]) -> None:
    for person, m in measured.items():
        for name, outcome in m.never.items():
            # a signed note is not refused outright: its row is simply not changeable (0 rows)
            assert outcome in ("refused", "0"), (person, name, outcome)
        assert m.row_security_off == "refused", person
        assert m.rows["audit_events"] > 0 or person not in ("owner", "custodian")


def test_R13_only_the_owner_and_record_custodian_read_the_trail(
    measured: dict[str, Measured],
) -> None:
    readers = {p for p, m in measured.items() if m.rows["audit_events"] > 0}
    assert readers == {"owner", "custodian"}


def test_R1_R3_group_wide_roles_read_every_client_and_no_private_chart_by_role(
    measured: dict[str, Measured],
) -> None:
    every = measured["owner"].rows["clients"]
    assert every > 0
    for person in ("manager", "custodian", "biller"):
        assert measured[person].rows["clients"] == every
    # R17: the demo hides one client from the Scheduler.
    assert measured["scheduler"].rows["clients"] == every - 1
    for person in ("ana", "ben", "lee", "rosa", "tess"):
        assert 0 < measured[person].rows["clients"] < every
    assert measured["scheduler"].rows["chart_notes"] == measured["biller"].rows["chart_notes"] == 0


def test_B5_each_change_is_made_only_by_whom_the_rules_name(measured: dict[str, Measured]) -> None:
    def who(change: str) -> set[str]:
        return {p for p, m in measured.items() if m.changes[change] not in ("refused", "0")}

    providers = {"ana", "ben", "lee", "rosa", "tess"}
    front_desk = {"owner", "manager", "custodian", "scheduler"}
    assert who("client profile") == front_desk | providers
    assert who("billing notes") == {"owner", "biller"}
    assert who("diagnosis") == front_desk | providers
    assert who("new note") == providers
    assert who("own draft") <= providers
    # R10: the front desk books for everyone, a provider their own calendar, a Biller nothing.
    assert front_desk <= who("appointment provider") <= front_desk | providers
    assert who("appointment provider") & providers
    assert who("own password") == set(measured)
    assert who("own name") == {"owner", "manager"}
    # R12: only an Owner gives the Owner role (and an Owner already holds it).
    assert who("make self Owner") == set()
    assert measured["owner"].changes["make self Owner"] == "0"
