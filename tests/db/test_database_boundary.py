"""SPEC B5: on PostgreSQL each staff member, connected with their own login and any SQL client,
reads and changes exactly what the rules let them, and nothing of the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.db.boundary_world import World, build_world, expected_rows, read_as
from tests.services import worlds

EVERYONE = ("owner", "manager", "custodian", "scheduler", "biller", "grp", "own", "recv", "none")


@pytest.fixture(scope="module")
def world(postgres_server, _postgres_template) -> Iterator[World]:
    """One practice for the reading and refusal tests (the refusals change nothing)."""
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


@pytest.fixture
def fresh_world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


def refused(connection: psycopg.Connection, statement: str, params=None) -> str:
    """Run `statement`; it must fail. Returns the server's message."""
    with pytest.raises(psycopg.Error) as caught:
        connection.execute(statement, params)
    return str(caught.value)


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_B5_each_person_reads_exactly_the_rows_the_rules_allow(world: World, who: str) -> None:
    assert read_as(world, who) == expected_rows(world, who)


def test_B5_the_rules_are_not_empty_words(world: World) -> None:
    """The comparison above could pass by accident if nobody read anything: spot checks."""
    c, p = world.clients, {k: v.staff_id for k, v in world.people.items()}
    owner, grp, own = read_as(world, "owner"), read_as(world, "grp"), read_as(world, "own")
    recv, none = read_as(world, "recv"), read_as(world, "none")
    scheduler, biller = read_as(world, "scheduler"), read_as(world, "biller")
    # R1: group-wide roles see every client; a provider their own list.
    assert owner["clients"] == scheduler["clients"] == set(c.values())
    assert grp["clients"] == {c["both"], c["grp"]}
    assert none["clients"] == {c["both"]}  # an ended link gives nothing
    with world.connect_as("owner") as conn:
        owner_notes = conn.execute("SELECT author_id, kind FROM chart_notes").fetchall()
    # R3: the Owner reads the group-owned chart, not the provider-owned one; R4: no private notes.
    assert {a for a, _ in owner_notes} == {p["grp"]}
    assert {k for _, k in owner_notes} == {"progress"}
    # R4: a share that includes private notes opens them; one that does not, does not.
    with world.connect_as("recv") as conn:
        seen = set(conn.execute("SELECT author_id, kind FROM chart_notes").fetchall())
    assert seen == {(p["grp"], "progress"), (p["grp"], "private"), (p["own"], "progress")}
    # A provider with no share reads no one else's chart; an expired share gives nothing (B2).
    with world.connect_as("none") as conn:
        assert conn.execute("SELECT count(*) FROM chart_notes").fetchone() == (0,)
    assert scheduler["chart_notes"] == biller["chart_notes"] == set()
    # Drafts stay with their author.
    assert len(own["chart_notes"]) == 6 and len(recv["chart_notes"]) == 3
    # R13: the audit trail is for the Owner and Record Custodians.
    assert owner["audit_events"] and read_as(world, "custodian")["audit_events"]
    assert read_as(world, "manager")["audit_events"] == set() == grp["audit_events"]


def test_B5_an_appointment_the_person_may_not_see_is_only_busy(world: World) -> None:
    """decisions: someone who may not see the client sees "Busy": the time, nothing else."""
    with world.connect_as("own") as conn:
        rows = conn.execute("SELECT client_id, appointment_type, note FROM appointments").fetchall()
        busy = conn.execute(
            "SELECT provider_id, starts_at FROM app.busy_times(now(), now() + interval '7 days')"
        ).fetchall()
    assert len(busy) == 3
    assert {r[0] for r in rows} == {world.clients["own"], world.clients["both"]}


def test_B5_a_person_reads_no_password_hash_of_the_server(world: World) -> None:
    with world.connect_as("owner") as conn:
        for catalog in ("pg_authid", "pg_shadow"):
            assert "permission denied" in refused(conn, f"SELECT * FROM {catalog}")


# -- changing ----------------------------------------------------------------------------------


def _note_of(world: World, author: str, kind: str = "progress", status: str = "signed") -> int:
    return world.as_superuser(
        "SELECT id FROM chart_notes WHERE author_id = :a AND kind = :k AND status = :s"
        " ORDER BY id LIMIT 1",
        a=world.people[author].staff_id,
        k=kind,
        s=status,
    )[0]


INSERT_NOTE = (
    "INSERT INTO chart_notes (client_id, author_id, kind, status, title, body, created_at,"
    " updated_at, version) VALUES (%s, %s, 'progress', 'draft', 't', 'b', now(), now(), 1)"
)


def test_R3_a_provider_writes_only_into_their_own_chart(world: World) -> None:
    c, p = world.clients, {k: v.staff_id for k, v in world.people.items()}
    with world.connect_as("recv", autocommit=False) as conn:
        message = refused(conn, INSERT_NOTE, (c["both"], p["grp"]))
        assert "row-level security" in message
        conn.rollback()
        conn.execute(INSERT_NOTE, (c["both"], p["recv"]))  # their own chart: allowed
        conn.rollback()


def test_R3_nobody_changes_a_signed_note_by_sql(world: World) -> None:
    note = _note_of(world, "grp")
    for who in ("grp", "owner"):
        with world.connect_as(who) as conn:
            changed = conn.execute("UPDATE chart_notes SET body = 'x' WHERE id = %s", (note,))
            assert changed.rowcount == 0
            assert "permission denied" in refused(conn, "DELETE FROM chart_notes")
    assert world.as_superuser("SELECT body FROM chart_notes WHERE id = :n", n=note)[0] != "x"


def test_R3_a_scheduler_cannot_insert_a_note(world: World) -> None:
    c, p = world.clients, {k: v.staff_id for k, v in world.people.items()}
    with world.connect_as("scheduler") as conn:
        for author in (p["grp"], p["scheduler"]):
            assert "row-level security" in refused(conn, INSERT_NOTE, (c["both"], author))


def test_R12_nobody_makes_themselves_owner_by_sql(world: World) -> None:
    for who in ("grp", "manager", "scheduler"):
        me = world.people[who].staff_id
        with world.connect_as(who) as conn:
            refused(conn, "INSERT INTO staff_roles (staff_id, role) VALUES (%s, 'owner')", (me,))
            try:
                changed = conn.execute(
                    "UPDATE staff_roles SET role = 'owner' WHERE staff_id = %s", (me,)
                ).rowcount
            except psycopg.errors.InsufficientPrivilege:
                changed = 0
            assert changed == 0
            refused(conn, "SELECT app.create_login(%s, 'x')", (me,))
    owners = world.as_superuser("SELECT count(*) FROM staff_roles WHERE role = 'owner'")[0]
    assert owners == 1


def test_R13_the_audit_trail_is_appended_only_through_its_function(world: World) -> None:
    me = world.people["owner"].staff_id
    for who in EVERYONE:
        with world.connect_as(who) as conn:
            for statement in (
                "UPDATE audit_events SET action = 'x'",
                "DELETE FROM audit_events",
                "TRUNCATE audit_events",
                "INSERT INTO audit_events SELECT * FROM audit_events",
                "UPDATE audit_head SET last_seq = 0",
                "SELECT app.chain_audit('x', NULL, 'x', NULL, NULL, '{}', 'x', now())",
                "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                "DROP TRIGGER audit_events_append_only ON audit_events",
            ):
                refused(conn, statement)
                assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
            # Appending in someone else's name is refused; in one's own name it works.
            if who != "owner":
                message = refused(
                    conn,
                    "SELECT app.append_audit('x', %s, 'x', NULL, NULL, '{}', 'ws', now())",
                    (me,),
                )
                assert "your own name" in message
    with world.connect_as("grp") as conn:
        me = world.people["grp"].staff_id
        conn.execute(
            "SELECT app.append_audit('chart.read', %s, 'x', NULL, NULL, '{}', 'ws', now())", (me,)
        )
    from desktop.services import audit

    assert audit.verify_chain(world.uow()).ok


@pytest.mark.parametrize("who", ("owner", "grp", "scheduler"))
def test_B5_no_way_out_of_the_rules(world: World, who: str) -> None:
    """TRUNCATE, ALTER TABLE, DROP TRIGGER, SET ROLE, row_security off, CREATE FUNCTION: refused."""
    owner_role, other_login = world.as_superuser(
        "SELECT b.owner_role, (SELECT login_name FROM app.staff_logins"
        " WHERE staff_id <> :me LIMIT 1) FROM app.boundary_roles b",
        me=world.people[who].staff_id,
    )
    with world.connect_as(who) as conn:
        for statement in (
            "TRUNCATE clients",
            "TRUNCATE chart_notes CASCADE",
            "ALTER TABLE clients DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE clients NO FORCE ROW LEVEL SECURITY",
            "DROP POLICY read ON clients",
            "DROP TRIGGER chart_notes_signed_unchanged ON chart_notes",
            f'SET ROLE "{owner_role}"',
            f'SET ROLE "{other_login}"',
            "SET SESSION AUTHORIZATION postgres",
            "CREATE FUNCTION public.peek() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "CREATE FUNCTION app.peek() RETURNS int LANGUAGE sql AS 'SELECT 1'",
            "CREATE TABLE public.copy_of_clients AS SELECT * FROM clients",
            "DELETE FROM clients",
            f"SELECT app.disable_login({world.people['owner'].staff_id})"
            if who != "owner"
            else "SELECT app.set_login_password(1, 'x')",
            "ALTER ROLE CURRENT_USER BYPASSRLS",
            "ALTER ROLE CURRENT_USER CREATEROLE",
            "CREATE ROLE intruder LOGIN",
            "COPY clients FROM STDIN",
        ):
            refused(conn, statement)
        # row_security = off does not switch policies off: the query fails instead.
        conn.execute("SET row_security = off")
        assert "row-level security" in refused(conn, "SELECT id FROM clients")


# -- logins follow staff changes ----------------------------------------------------------------


def test_R12_deactivation_ends_the_open_connection_and_the_next_login_is_refused(
    fresh_world: World,
) -> None:
    from desktop.services import staff

    world = fresh_world
    with world.connect_as("grp") as conn:
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 2
        staff.deactivate_staff(world.uow(), world.people["owner"], world.people["grp"].staff_id)
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    with pytest.raises(psycopg.OperationalError) as caught:
        with world.connect_as("grp"):
            pass
    assert "not permitted to log in" in str(caught.value)
    staff.reactivate_staff(world.uow(), world.people["owner"], world.people["grp"].staff_id)
    with world.connect_as("grp") as conn:
        assert conn.execute("SELECT count(*) FROM clients").fetchone()[0] == 2


def test_R12_a_login_is_stored_only_as_a_scram_verifier(world: World) -> None:
    stored = world.as_superuser(
        "SELECT rolpassword FROM pg_authid WHERE rolname = :n", n=world.login("recv")
    )[0]
    assert stored.startswith("SCRAM-SHA-256$4096:")


def test_R12_the_login_functions_take_no_password_in_clear(world: World) -> None:
    with world.connect_as("owner") as conn:
        message = refused(
            conn, "SELECT app.set_login_password(%s, 'plain text')", (world.people["grp"].staff_id,)
        )
    assert "SCRAM-SHA-256 verifier" in message


# -- the boundary follows the release -----------------------------------------------------------


def test_B5_every_table_of_the_schema_is_under_the_boundary() -> None:
    """A new table must be listed for row-level security, ownership and grants (roles_sql.py)."""
    from desktop.db.boundary.roles_sql import CLIENT_TABLES, PRACTICE_TABLES
    from desktop.db.tables import Base

    covered = {*CLIENT_TABLES, *PRACTICE_TABLES, "audit_head"}
    assert set(Base.metadata.tables) - covered == set()


def test_B5_refreshing_the_boundary_twice_changes_nothing(fresh_world: World) -> None:
    """`db upgrade` re-applies this release's rules; doing it again is harmless."""
    from desktop.db import boundary

    def policies() -> list[tuple]:
        with world.engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies"
                " WHERE schemaname = 'public' ORDER BY 1, 2"
            ).all()

    world = fresh_world
    before = policies()
    with world.engine.begin() as connection:
        boundary.refresh(connection)
    with world.engine.begin() as connection:
        boundary.refresh(connection)
    assert policies() == before and before
    assert read_as(world, "grp") == expected_rows(world, "grp")
    assert read_as(world, "scheduler")["audit_events"] == set()
