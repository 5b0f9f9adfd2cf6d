"""SPEC B10: the database enforces supervision (R16) and restricted clients (R17) too: each
person connects as their own login and reads, or is refused, through row-level security."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from desktop.db.tables import ClientRestriction, NoteReview, Supervision
from tests.services import worlds

from .boundary_world import World, build_world
from .test_database_boundary import refused

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def world(postgres_server, _postgres_template) -> Iterator[World]:
    """Nell supervises Owen in co-sign mode; Owen has a note awaiting her review; client "grp"
    is restricted from the Scheduler and the Manager."""
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        w = build_world(engine, postgres_server.host, postgres_server.port)
        p = {k: v.staff_id for k, v in w.people.items()}
        with w.uow() as uow:
            s = uow.session
            s.add(
                Supervision(
                    supervisee_id=p["own"],
                    supervisor_id=p["none"],
                    mode="cosign",
                    started_at=NOW,
                    started_by=p["owner"],
                )
            )
            waiting = worlds.add_note(s, w.clients["own"], p["own"], "progress", False, NOW)
            s.add(
                NoteReview(
                    note_id=waiting,
                    author_id=p["own"],
                    client_id=w.clients["own"],
                    supervisor_id=p["none"],
                    mode="cosign",
                    state="awaiting",
                    comment="",
                    submitted_at=NOW,
                )
            )
            for who in ("scheduler", "manager"):
                s.add(
                    ClientRestriction(
                        client_id=w.clients["grp"],
                        staff_id=p[who],
                        reason="relative",
                        started_at=NOW,
                        started_by=p["owner"],
                    )
                )
            uow.commit()
        w.waiting_note = waiting
        yield w  # fmt: skip


def _ids(world: World, who: str, statement: str, params=()) -> set[int]:
    with world.connect_as(who) as conn:
        return {row[0] for row in conn.execute(statement, params)}


def _notes(world: World, author: str, kind: str, status: str) -> set[int]:
    with world.engine.connect() as connection:
        return set(
            connection.scalars(
                text(
                    "SELECT id FROM chart_notes WHERE author_id = :a AND kind = :k AND status = :s"
                ),
                {"a": world.people[author].staff_id, "k": kind, "s": status},
            )
        )


def test_B10_a_supervisor_reads_the_supervisees_charts_never_private_notes(world: World) -> None:
    read = _ids(world, "none", "SELECT id FROM chart_notes")
    assert _notes(world, "own", "progress", "signed") <= read
    assert not (_notes(world, "own", "private", "signed") & read)
    assert world.waiting_note in read
    # Owen's other drafts stay his; the Owner reads no draft awaiting review.
    assert not ((_notes(world, "own", "progress", "draft") - {world.waiting_note}) & read)
    assert world.waiting_note not in _ids(world, "owner", "SELECT id FROM chart_notes")
    documents = _ids(
        world, "none", "SELECT owner_provider_id FROM documents WHERE category = 'clinical'"
    )
    assert world.people["own"].staff_id in documents


def test_B10_only_the_supervisor_signs_the_note_awaiting_review(world: World) -> None:
    for who in ("owner", "grp"):
        with world.connect_as(who) as conn:
            changed = conn.execute(
                "UPDATE chart_notes SET status = 'signed', signed_at = now() WHERE id = %s",
                (world.waiting_note,),
            )
            assert changed.rowcount == 0
    # R16: while it waits, not even its author changes it (the supervisor returns it first).
    with world.connect_as("own", autocommit=False) as conn:
        for statement in (
            "UPDATE chart_notes SET body = 'rewritten' WHERE id = %s",
            "UPDATE chart_notes SET status = 'signed', signed_at = now() WHERE id = %s",
        ):
            assert conn.execute(statement, (world.waiting_note,)).rowcount == 0
        conn.rollback()
    with world.connect_as("none", autocommit=False) as conn:
        changed = conn.execute(
            "UPDATE chart_notes SET status = 'signed', signed_at = now() WHERE id = %s",
            (world.waiting_note,),
        )
        assert changed.rowcount == 1
        conn.rollback()


@pytest.mark.parametrize("who", ["scheduler", "manager"])
def test_B10_a_restricted_client_is_gone_for_the_people_named(world: World, who: str) -> None:
    client = world.clients["grp"]
    for table, column in (
        ("clients", "id"),
        ("client_provider_links", "client_id"),
        ("documents", "client_id"),
        ("appointments", "client_id"),
        ("client_name_words", "client_id"),
    ):
        assert client not in _ids(world, who, f"SELECT {column} FROM {table}"), table
    assert not _ids(world, who, "SELECT id FROM chart_notes WHERE client_id = %s", (client,))
    # Their appointment times still show as busy (R10, R17: "Busy").
    busy = _ids(
        world, who, "SELECT provider_id FROM app.busy_times(now(), now() + interval '9 days')"
    )
    assert world.people["grp"].staff_id in busy
    # The others still see the client.
    assert client in _ids(world, "custodian", "SELECT id FROM clients")


def test_B10_only_owner_or_custodian_restricts_and_reads_restrictions(world: World) -> None:
    insert = (
        "INSERT INTO client_restrictions (client_id, staff_id, reason, started_at, started_by)"
        " VALUES (%s, %s, 'r', now(), %s)"
    )
    c, p = world.clients, {k: v.staff_id for k, v in world.people.items()}
    for who in ("manager", "grp", "scheduler"):
        with world.connect_as(who) as conn:
            assert "row-level security" in refused(conn, insert, (c["alone"], p["biller"], p[who]))
        assert _ids(world, who, "SELECT id FROM client_restrictions") == set()
    with world.connect_as("custodian", autocommit=False) as conn:
        conn.execute(insert, (c["alone"], p["biller"], p["custodian"]))
        conn.rollback()
    assert len(_ids(world, "owner", "SELECT id FROM client_restrictions")) == 2


def test_B10_a_restricted_person_is_never_put_on_the_clients_list(world: World) -> None:
    link = (
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating,"
        " created_at, version) VALUES (%s, %s, 'active', false, now(), 1)"
    )
    c, p = world.clients, {k: v.staff_id for k, v in world.people.items()}
    with world.connect_as("custodian", autocommit=False) as conn:
        conn.execute(
            "INSERT INTO client_restrictions (client_id, staff_id, reason, started_at, started_by)"
            " VALUES (%s, %s, 'r', now(), %s)",
            (c["alone"], p["recv"], p["custodian"]),
        )
        assert "row-level security" in refused(conn, link, (c["alone"], p["recv"]))
        conn.rollback()


def test_B10_only_the_owner_or_a_manager_sets_supervision(world: World) -> None:
    insert = (
        "INSERT INTO supervisions (supervisee_id, supervisor_id, mode, started_at, started_by)"
        " VALUES (%s, %s, 'read', now(), %s)"
    )
    p = {k: v.staff_id for k, v in world.people.items()}
    for who in ("custodian", "grp", "none"):
        with world.connect_as(who) as conn:
            assert "row-level security" in refused(conn, insert, (p["grp"], p["none"], p[who]))
    with world.connect_as("manager", autocommit=False) as conn:
        conn.execute(insert, (p["grp"], p["recv"], p["manager"]))
        conn.rollback()
