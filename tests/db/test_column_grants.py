"""SPEC B5: on PostgreSQL a staff login changes only the columns the services change for their
roles (`desktop/db/boundary/column_grants.py`), whatever SQL client they use; the rows are left
to row-level security."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from desktop.db.boundary import column_grants
from desktop.db.boundary.roles_sql import CLIENT_TABLES, PRACTICE_TABLES
from desktop.db.tables import Base
from tests.db.boundary_world import World, build_world
from tests.services import worlds

EVERYONE = ("owner", "manager", "custodian", "scheduler", "biller", "grp", "own", "recv", "none")


@pytest.fixture(scope="module")
def world(postgres_server, _postgres_template) -> Iterator[World]:
    """One practice for the tests; every change a test makes is rolled back."""
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


def refused(connection: psycopg.Connection, statement: str, params=None) -> str:
    """Run `statement` in a transaction that is rolled back; it must fail."""
    with pytest.raises(psycopg.Error) as caught:
        with connection.transaction():
            connection.execute(statement, params)
    return str(caught.value)


def changed(connection: psycopg.Connection, statement: str, params=None) -> int:
    """Run `statement` and roll it back: how many rows it changed."""
    with connection.transaction(force_rollback=True):
        return connection.execute(statement, params).rowcount


def test_B5_the_servers_update_grants_are_the_column_map(world: World) -> None:
    with world.engine.connect() as connection:
        staff_role = connection.exec_driver_sql("SELECT staff_role FROM app.boundary_roles")
        staff_role = staff_role.scalar_one()
        rows = connection.exec_driver_sql(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public'"
            " AND has_column_privilege(%s, format('public.%%I', table_name), column_name,"
            " 'UPDATE')",
            (staff_role,),
        ).all()
    on_server: dict[str, set[str]] = {}
    for table, column in rows:
        on_server.setdefault(table, set()).add(column)
    declared = {t: set(column_grants.granted(t)) for t in column_grants.UPDATES}
    assert on_server == declared


def test_B5_the_column_map_names_only_real_tables_and_columns() -> None:
    """A renamed column or table would otherwise leave a grant that no service needs."""
    covered = {*CLIENT_TABLES, *PRACTICE_TABLES}
    for table, sets in column_grants.UPDATES.items():
        assert table in covered
        columns = set(Base.metadata.tables[table].columns.keys())
        for who, named in sets.items():
            assert set(named) <= columns, table
            if who.startswith("@"):
                assert who[1:] in columns, table


@pytest.mark.parametrize("who", EVERYONE)
def test_B5_no_one_updates_a_column_outside_the_map(world: World, who: str) -> None:
    """Every column no service changes is refused to every person, on every table, before a
    row is even looked at (`WHERE false`)."""
    with world.connect_as(who) as conn:
        for table in sorted({*CLIENT_TABLES, *PRACTICE_TABLES}):
            allowed = set(column_grants.granted(table))
            for column in Base.metadata.tables[table].columns.keys():
                statement = f"UPDATE {table} SET {column} = DEFAULT WHERE false"
                if column in allowed:
                    assert changed(conn, statement) == 0
                else:
                    assert "permission denied" in refused(conn, statement), (table, column)


# -- the cases the rules name --------------------------------------------------------------------


def _client(world: World) -> int:
    return world.clients["both"]


def test_R2_R11_a_biller_changes_billing_details_and_nothing_else_of_a_client(
    world: World,
) -> None:
    client = _client(world)
    with world.connect_as("biller") as conn:
        update = "UPDATE clients SET billing_notes = 'Pays by card' WHERE id = %s"
        assert changed(conn, update, (client,)) == 1
        for column, value in (("first_name", "X"), ("email", "x@example.com"), ("city", "X")):
            message = refused(
                conn, f"UPDATE clients SET {column} = %s WHERE id = %s", (value, client)
            )
            assert f"permission denied for column {column} of table clients" in message


def test_R11_the_front_desk_changes_the_profile_but_not_billing_details(world: World) -> None:
    client = _client(world)
    for who in ("scheduler", "manager", "custodian"):
        with world.connect_as(who) as conn:
            assert (
                changed(conn, "UPDATE clients SET city = 'Halifax' WHERE id = %s", (client,)) == 1
            )
            message = refused(
                conn, "UPDATE clients SET billing_notes = 'x' WHERE id = %s", (client,)
            )
            assert "permission denied for column billing_notes" in message
    with world.connect_as("owner") as conn:  # the Owner holds both
        both = "UPDATE clients SET city = 'Halifax', billing_notes = 'x' WHERE id = %s"
        assert changed(conn, both, (client,)) == 1


def test_R3_a_biller_and_a_scheduler_change_no_note(world: World) -> None:
    notes = world.as_superuser("SELECT count(*) FROM chart_notes")[0]
    assert notes
    for who in ("biller", "scheduler"):
        with world.connect_as(who) as conn:
            assert changed(conn, "UPDATE chart_notes SET body = 'x'") == 0
            assert changed(conn, "UPDATE chart_notes SET status = 'signed'") == 0
            assert "permission denied" in refused(conn, "UPDATE chart_notes SET author_id = 1")
    assert world.as_superuser("SELECT count(*) FROM chart_notes WHERE body = 'x'")[0] == 0


def test_R3_the_author_changes_their_draft_but_not_whose_or_which_chart_it_is(
    world: World,
) -> None:
    me = world.people["own"].staff_id
    draft = world.as_superuser(
        "SELECT id FROM chart_notes WHERE author_id = :a AND status = 'draft' LIMIT 1", a=me
    )[0]
    with world.connect_as("own") as conn:
        update = "UPDATE chart_notes SET body = 'revised', title = 't' WHERE id = %s"
        assert changed(conn, update, (draft,)) == 1
        for column in ("author_id", "client_id", "kind", "created_at"):
            statement = f"UPDATE chart_notes SET {column} = {column} WHERE id = %s"
            assert "permission denied" in refused(conn, statement, (draft,))


def test_R10_a_biller_cannot_move_an_appointment_to_another_provider(world: World) -> None:
    appointment, provider = world.as_superuser("SELECT id, provider_id FROM appointments LIMIT 1")
    other = world.people["recv"].staff_id
    with world.connect_as("biller") as conn:
        update = "UPDATE appointments SET provider_id = %s WHERE id = %s"
        assert changed(conn, update, (other, appointment)) == 0
    with world.connect_as("scheduler") as conn:  # the front desk books for everyone
        assert changed(conn, update, (other, appointment)) == 1
    assert (
        world.as_superuser("SELECT provider_id FROM appointments WHERE id = :i", i=appointment)[0]
        == provider
    )


def test_R10_R12_a_provider_cannot_change_another_providers_settings(world: World) -> None:
    other = world.people["recv"].staff_id
    with world.connect_as("grp") as conn:
        for statement in (
            "UPDATE provider_profiles SET records_owner = 'provider' WHERE staff_id = %s",
            "UPDATE provider_profiles SET discipline = 'x' WHERE staff_id = %s",
            "UPDATE provider_availability SET weekday = 3 WHERE provider_id = %s",
            "UPDATE staff SET display_name = 'x' WHERE id = %s",
            "UPDATE staff SET password_hash = 'x' WHERE id = %s",
        ):
            try:
                rows = changed(conn, statement, (other,))
            except psycopg.errors.InsufficientPrivilege:
                rows = 0
            assert rows == 0, statement


def test_R19_a_person_changes_their_own_password_but_not_their_own_staff_record(
    world: World,
) -> None:
    me = world.people["grp"].staff_id
    with world.connect_as("grp") as conn:
        own = "UPDATE staff SET password_hash = 'h', must_change_password = false WHERE id = %s"
        assert changed(conn, own, (me,)) == 1
        for column, value in (("display_name", "x"), ("email", "x@example.com"), ("active", False)):
            message = refused(conn, f"UPDATE staff SET {column} = %s WHERE id = %s", (value, me))
            assert f"permission denied for column {column} of table staff" in message
    with world.connect_as("manager") as conn:  # R12: a Manager keeps staff records
        update = "UPDATE staff SET display_name = 'Gale G.' WHERE id = %s"
        assert changed(conn, update, (me,)) == 1
