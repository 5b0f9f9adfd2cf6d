"""B8 on PostgreSQL: a staff member's own login stores a signed checkpoint only through
app.add_audit_checkpoint, may not write the table otherwise, and cannot name an entry that is
not in the chain. The key never reaches the database."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

from desktop.db.uow import UnitOfWork
from desktop.services import audit, checkpoints
from desktop.services.audit_key import new_key
from tests.db.boundary_world import PASSWORD, World, build_world
from tests.services import worlds


@pytest.fixture
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


def _engine_as(world: World, who: str):
    url = URL.create(
        "postgresql+psycopg",
        username=world.login(who),
        password=PASSWORD,
        host=world.host,
        port=world.port,
        database=world.database,
    )
    return create_engine(url)


@pytest.mark.parametrize("who", ("grp", "scheduler"))
def test_B8_a_person_signs_a_checkpoint_through_the_function_only(world: World, who: str):
    key = new_key()
    engine = _engine_as(world, who)
    try:
        point = checkpoints.checkpoint_if_due(UnitOfWork(engine), key, "room-2")
        assert point is not None and point.workstation == "room-2"
        assert checkpoints.checkpoint_if_due(UnitOfWork(engine), key, "room-2") is None
        assert [p.seq for p in checkpoints.stored_checkpoints(UnitOfWork(engine))] == [point.seq]
    finally:
        engine.dispose()
    result = audit.verify_chain(world.uow(), public_keys=[key.public_hex])
    assert result.ok and result.checkpoints == 1 and result.signatures_checked
    with world.connect_as(who) as conn:
        for statement in (
            "INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, signature,"
            " workstation) SELECT seq, head_hash, signed_at, key_id, signature, 'x'"
            " FROM audit_checkpoints",
            "UPDATE audit_checkpoints SET seq = 0",
            "DELETE FROM audit_checkpoints",
            "TRUNCATE audit_checkpoints",
        ):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)
        with pytest.raises(psycopg.Error, match="names an entry of the audit trail"):
            conn.execute(
                "SELECT app.add_audit_checkpoint(%s, %s, now(), %s, %s, 'x')",
                (point.seq, "f" * 64, key.key_id, "a" * 128),
            )
    assert checkpoints.count_checkpoints(world.uow()) == 1


def test_B2_any_staff_login_records_a_share_past_its_end_date_as_ended(world: World):
    share_id = world.as_superuser(
        "SELECT id FROM chart_shares WHERE ended_at IS NULL ORDER BY id LIMIT 1"
    )[0]
    with world.engine.begin() as connection:
        connection.exec_driver_sql(
            f"UPDATE chart_shares SET expires_at = now() - interval '1 minute' WHERE id = {share_id}"
        )
    due = world.as_superuser(
        "SELECT count(*) FROM chart_shares WHERE ended_at IS NULL AND expires_at <= now()"
    )[0]
    engine = _engine_as(world, "scheduler")  # neither party to the share
    try:
        from desktop.services import sharing

        assert sharing.expire_due_shares(UnitOfWork(engine)) == due >= 1
        assert sharing.expire_due_shares(UnitOfWork(engine)) == 0
    finally:
        engine.dispose()
    ended_at, expires_at, reason = world.as_superuser(
        f"SELECT ended_at, expires_at, end_reason FROM chart_shares WHERE id = {share_id}"
    )
    assert ended_at == expires_at and reason == "expired"
    entry = world.as_superuser(
        "SELECT action, actor_id, actor_label FROM audit_events WHERE subject = :s",
        s=f"share:{share_id}",
    )
    assert tuple(entry) == ("share.ended", None, "Clinic Desk (end date reached)")
    assert audit.verify_chain(world.uow()).ok
