"""SPEC B10 for R18: on PostgreSQL, connected with their own login, a person reads a client's
profile and every chart but private notes only while their emergency access is open, opens one
only as themselves, for no longer than the practice allows, and cannot review their own use."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import URL, create_engine

from desktop.db.uow import UnitOfWork
from desktop.services import charts, clients, emergency
from desktop.services.errors import NotFound, PermissionRefused
from tests.db.boundary_world import PASSWORD, World, build_world, read_as
from tests.services import worlds

INSERT_ACCESS = (
    "INSERT INTO emergency_accesses (client_id, staff_id, reason, opened_at, expires_at)"
    " VALUES (%s, %s, 'Client in crisis', now(), now() + make_interval(mins => %s))"
)


@pytest.fixture(scope="module")
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


def _ids(world: World) -> tuple[dict[str, int], dict[str, int]]:
    return world.clients, {k: v.staff_id for k, v in world.people.items()}


def test_R18_an_open_access_opens_every_chart_but_private_notes(world: World):
    c, p = _ids(world)
    with world.connect_as("custodian") as conn:
        notes = conn.execute(
            "SELECT author_id, kind, status FROM chart_notes WHERE client_id = %s", (c["own"],)
        ).fetchall()
        documents = conn.execute(
            "SELECT category FROM documents WHERE client_id = %s ORDER BY category", (c["own"],)
        ).fetchall()
    assert notes == [(p["own"], "progress", "signed")]  # no private note, no draft
    assert documents == [("clinical",), ("non_clinical",)]
    # An access that ran out (Rhea) or was ended (the Owner) gives nothing.
    assert c["alone"] not in read_as(world, "recv")["clients"]
    with world.connect_as("owner") as conn:
        owner_notes = conn.execute(
            "SELECT count(*) FROM chart_notes WHERE author_id = %s", (p["own"],)
        ).fetchone()
    assert owner_notes == (0,)


def test_R18_a_provider_reads_the_profile_while_the_access_is_open(world: World):
    c, p = _ids(world)
    with world.connect_as("grp", autocommit=False) as conn:
        assert conn.execute("SELECT id FROM clients WHERE id = %s", (c["own"],)).fetchall() == []
        conn.execute(INSERT_ACCESS, (c["own"], p["grp"], 60))
        seen = conn.execute("SELECT id FROM clients WHERE id = %s", (c["own"],)).fetchall()
        links = conn.execute(
            "SELECT provider_id FROM client_provider_links WHERE client_id = %s", (c["own"],)
        ).fetchall()
        # the name search stays R1's: the client is found through the emergency search only
        words = conn.execute(
            "SELECT count(*) FROM client_name_words WHERE client_id = %s", (c["own"],)
        ).fetchone()
        conn.rollback()
    assert seen == [(c["own"],)]
    assert links == [(p["own"],)]
    assert words == (0,)


def test_R18_the_emergency_search_finds_names_only_for_those_allowed(world: World):
    c, _p = _ids(world)
    query = "SELECT client_id FROM app.emergency_candidates(ARRAY['client', 'own'], 20)"
    with world.connect_as("grp") as conn:
        assert conn.execute(query).fetchall() == [(c["own"],)]
    with world.connect_as("scheduler") as conn:  # not allowed by default
        assert conn.execute(query).fetchall() == []


def test_R18_a_person_opens_an_access_only_as_themselves_and_for_the_practice_time(world: World):
    c, p = _ids(world)
    with world.connect_as("grp", autocommit=False) as conn:
        for client, staff, minutes in (
            (c["own"], p["none"], 60),  # for someone else
            (c["own"], p["grp"], 600),  # longer than the practice allows
        ):
            with pytest.raises(psycopg.Error, match="row-level security"):
                conn.execute(INSERT_ACCESS, (client, staff, minutes))
            conn.rollback()
        conn.execute(INSERT_ACCESS, (c["own"], p["grp"], 60))
        conn.rollback()
    with world.connect_as("scheduler", autocommit=False) as conn:  # not allowed by default
        with pytest.raises(psycopg.Error, match="row-level security"):
            conn.execute(INSERT_ACCESS, (c["own"], p["scheduler"], 60))
        conn.rollback()


def test_R18_a_use_is_reviewed_by_a_keeper_never_by_its_holder_nor_rewritten(world: World):
    _c, p = _ids(world)
    mine = world.as_superuser("SELECT id FROM emergency_accesses WHERE staff_id = :s", s=p["recv"])[
        0
    ]
    with world.connect_as("recv", autocommit=False) as conn:
        with pytest.raises(psycopg.Error, match="row-level security"):
            conn.execute(
                "UPDATE emergency_accesses SET reviewed_at = now(), reviewed_by_id = %s"
                " WHERE id = %s",
                (p["recv"], mine),
            )
        conn.rollback()
        with pytest.raises(psycopg.Error, match="permission denied"):
            conn.execute("UPDATE emergency_accesses SET expires_at = expires_at + interval '1 day'")
        conn.rollback()
        with pytest.raises(psycopg.Error, match="permission denied"):
            conn.execute("DELETE FROM emergency_accesses")
        conn.rollback()
    with world.connect_as("custodian", autocommit=False) as conn:
        changed = conn.execute(
            "UPDATE emergency_accesses SET reviewed_at = now(), reviewed_by_id = %s WHERE id = %s",
            (p["custodian"], mine),
        ).rowcount
        assert changed == 1
        conn.rollback()
    with world.connect_as("grp") as conn:  # another provider sees no one else's use
        assert conn.execute("SELECT count(*) FROM emergency_accesses").fetchone() == (0,)


def test_R18_only_the_owner_changes_who_may_use_it(world: World):
    for who in ("custodian", "manager", "grp"):
        with world.connect_as(who, autocommit=False) as conn:
            with pytest.raises(psycopg.Error, match="row-level security"):
                conn.execute(
                    "INSERT INTO emergency_settings (id, allowed_roles, duration_minutes, version)"
                    " VALUES (1, 'scheduler', 1440, 1)"
                )
            conn.rollback()


def test_R18_through_the_services_as_a_provider_on_the_server(world: World):
    """The whole flow with the provider's own login: find by name, open, read, end."""
    c, p = _ids(world)
    url = URL.create(
        "postgresql+psycopg",
        username=world.login("grp"),
        password=PASSWORD,
        host=world.host,
        port=world.port,
        database=world.database,
    )
    engine = create_engine(url)
    gale = world.people["grp"]
    try:

        def uow() -> UnitOfWork:
            return UnitOfWork(engine)

        (found,) = emergency.find_clients_for_emergency(uow(), gale, "client own")
        assert found.client_id == c["own"]
        with pytest.raises((PermissionRefused, NotFound)):  # on the server: not there for her
            charts.read_records(uow(), gale, c["own"])
        access = emergency.open_emergency_access(uow(), gale, c["own"], "Client in crisis")
        assert access.client_name == "Client Own"
        (chart,) = charts.read_records(uow(), gale, c["own"]).charts
        assert chart.provider_id == p["own"]
        assert {n.kind for n in chart.notes} == {"progress"} and chart.private_notes is None
        assert clients.get_client(uow(), gale, c["own"]).id == c["own"]
        emergency.end_emergency_access(uow(), gale, access.id)
        with pytest.raises(PermissionRefused):
            clients.get_client(uow(), gale, c["own"])
        told = world.as_superuser(
            "SELECT count(*) FROM notifications WHERE recipient_id = :r AND message LIKE :m",
            r=p["own"],
            m="Emergency access: Gale Group%",
        )[0]
        assert told == 1
    finally:
        engine.dispose()
