"""B6 on PostgreSQL with many writers: an audited transaction does not wait for another one's
commit while it works; entries are chained when their transaction commits, numbered without
gaps in commit order; a rolled-back transaction leaves no entry and no gap; nobody but the
database's own functions touches the entries waiting for their commit."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from desktop.db.uow import UnitOfWork
from desktop.services import audit
from tests.db.boundary_world import PASSWORD, World, build_world
from tests.services import worlds

APPEND = "SELECT app.append_audit(%s, %s, 'x', NULL, %s, '{}', 'ws', now())"


@pytest.fixture
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


def _trail(world: World) -> list[tuple[int, str, str | None]]:
    with world.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text("SELECT seq, action, subject FROM audit_events ORDER BY seq")
            )
        ]


def _waiting(world: World) -> int:
    return world.as_superuser("SELECT count(*) FROM app.audit_pending")[0]


def test_B6_a_writer_does_not_wait_for_another_writers_commit(world: World) -> None:
    first, second = world.people["grp"], world.people["scheduler"]
    before = _trail(world)
    with (
        world.connect_as("grp", autocommit=False) as slow,
        world.connect_as("scheduler", autocommit=False) as quick,
    ):
        slow.execute(APPEND, ("chart.read", first.staff_id, "slow:1"))
        # While the slow transaction is still open, the quick one appends, works and commits;
        # it would fail here rather than wait on anything the slow one holds.
        quick.execute("SET LOCAL lock_timeout = '2s'")
        quick.execute(APPEND, ("client.updated", second.staff_id, "quick:1"))
        quick.execute(APPEND, ("client.updated", second.staff_id, "quick:2"))
        # Not visible to anyone before its transaction commits, and never as a chained entry.
        assert _trail(world) == before
        quick.commit()
        after_quick = _trail(world)
        assert [s for _q, _a, s in after_quick[len(before) :]] == ["quick:1", "quick:2"]
        slow.execute(APPEND, ("chart.read", first.staff_id, "slow:2"))
        slow.commit()
    after = _trail(world)
    added = after[len(before) :]
    # in commit order, numbered on from the head without a gap
    assert [s for _q, _a, s in added] == ["quick:1", "quick:2", "slow:1", "slow:2"]
    assert [q for q, _a, _s in after] == list(range(1, len(after) + 1))
    assert _waiting(world) == 0
    assert audit.verify_chain(world.uow()).ok


def test_B6_a_rolled_back_transaction_leaves_no_entry_and_no_gap(world: World) -> None:
    me = world.people["grp"].staff_id
    before = _trail(world)
    with world.connect_as("grp", autocommit=False) as conn:
        conn.execute(APPEND, ("chart.read", me, "gone:1"))
        conn.execute(APPEND, ("chart.read", me, "gone:2"))
        conn.rollback()
        conn.execute(APPEND, ("chart.read", me, "kept"))
        conn.commit()
    after = _trail(world)
    assert [s for _q, _a, s in after[len(before) :]] == ["kept"]
    assert [q for q, _a, _s in after] == list(range(1, len(after) + 1))
    assert _waiting(world) == 0
    assert audit.verify_chain(world.uow()).ok


def test_B6_services_in_two_threads_append_without_waiting_for_each_other(world: World) -> None:
    """Through the service: a thread records and commits while another's entries wait."""
    url = URL.create(
        "postgresql+psycopg",
        username=world.login("grp"),
        password=PASSWORD,
        host=world.host,
        port=world.port,
        database=world.database,
    )
    engine = create_engine(url)
    person = world.people["grp"]
    before = _trail(world)
    done = threading.Event()
    failure: list[BaseException] = []

    def quick() -> None:
        try:
            with UnitOfWork(engine) as uow:
                uow.session.execute(text("SET LOCAL lock_timeout = '2s'"))
                audit.record(uow, person, audit.Action.CHART_READ, subject="quick")
                uow.commit()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            failure.append(error)
        done.set()

    try:
        with UnitOfWork(engine) as slow:
            audit.record(slow, person, audit.Action.CHART_READ, subject="slow")
            worker = threading.Thread(target=quick)
            worker.start()
            assert done.wait(30) and not failure, failure
            worker.join()
            slow.commit()
    finally:
        engine.dispose()
    added = _trail(world)[len(before) :]
    assert [s for _q, _a, s in added] == ["quick", "slow"]
    assert audit.verify_chain(world.uow()).ok


def test_B6_entries_waiting_for_their_commit_are_out_of_everyones_reach(world: World) -> None:
    me = world.people["owner"].staff_id
    for who in ("owner", "custodian", "grp", "scheduler"):
        with world.connect_as(who) as conn:
            for statement in (
                "SELECT count(*) FROM app.audit_pending",
                "INSERT INTO app.audit_pending (tx, first_of_transaction, occurred_at,"
                " actor_label, action, details, workstation) VALUES"
                " (pg_current_xact_id(), false, now(), 'x', 'x', '{}', 'x')",
                "DELETE FROM app.audit_pending",
                "UPDATE app.audit_pending SET action = 'x'",
                "SELECT app.chain_pending_audit()",
                "ALTER TABLE app.audit_pending DISABLE TRIGGER ALL",
                "DROP TRIGGER audit_pending_chained_at_commit ON app.audit_pending",
            ):
                with pytest.raises(psycopg.Error):
                    conn.execute(statement, None)
        with world.connect_as(who, autocommit=False) as conn:
            # deferring the commit step for good is not possible: it is one transaction's end
            conn.execute("SET CONSTRAINTS ALL DEFERRED")
            if who == "owner":
                conn.execute(APPEND, ("chart.read", me, f"by:{who}"))
            conn.commit()
    assert _waiting(world) == 0
    assert audit.verify_chain(world.uow()).ok


def test_B2_workstations_ending_expired_shares_at_once_do_not_wait_for_each_other(world: World):
    """Every open main window ends the shares past their end date each half minute: a second
    sweep passes over the shares a first one is ending instead of queueing behind it, and each
    share is ended once, with one entry."""
    with world.engine.begin() as connection:
        expired = connection.execute(
            text(
                "UPDATE chart_shares SET expires_at = now() - interval '1 day'"
                " WHERE ended_at IS NULL RETURNING id"
            )
        ).all()
    assert expired
    with (
        world.connect_as("grp", autocommit=False) as first,
        world.connect_as("scheduler", autocommit=False) as second,
    ):
        assert first.execute("SELECT app.end_expired_shares(now())").fetchone()[0] == len(expired)
        second.execute("SET LOCAL lock_timeout = '2s'")
        assert second.execute("SELECT app.end_expired_shares(now())").fetchone()[0] == 0
        second.commit()
        first.commit()
    ended = world.as_superuser(
        "SELECT count(*) FROM audit_events WHERE action = 'share.ended'"
        " AND details LIKE '%expired%'"
    )[0]
    assert ended == len(expired)
    assert world.as_superuser("SELECT count(*) FROM chart_shares WHERE ended_at IS NULL")[0] == 0
    assert audit.verify_chain(world.uow()).ok
