"""Signed checkpoints (B8): someone with full write access to the database but without the
practice's audit key cannot rewrite, cut, empty or roll back the trail unnoticed; `audit verify`
names the first entry or checkpoint at fault. Each tampering runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from desktop.db.tables import AuditCheckpoint, AuditEvent, AuditHead
from desktop.services import audit, checkpoints
from desktop.services.audit_chain import GENESIS_HASH, chain_hash, iso_utc
from desktop.services.audit_key import new_key
from desktop.services.checkpoints import Checkpoint


@pytest.fixture
def key():
    return new_key()


def _append(uow, owner, count: int) -> None:
    with uow() as work:
        for number in range(count):
            audit.record(work, owner, audit.Action.CHART_READ, subject=f"chart:{number}")
        work.commit()


def _unguarded(engine):
    """A connection that may change anything, as the database's administrator could."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        for name in (
            "audit_events_no_update",
            "audit_events_no_delete",
            "audit_checkpoints_no_update",
            "audit_checkpoints_no_delete",
        ):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        connection.exec_driver_sql("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER")
    return connection


def _rechain(engine, change, *, forget_checkpoints: bool = False) -> None:
    """Rewrite the trail with `change(list of entries)` and recompute every hash and the head:
    the most careful forgery possible without the key."""
    with _unguarded(engine) as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(AuditEvent.__table__))]
        rows.sort(key=lambda row: row["seq"])
        rows = change(rows)
        connection.execute(delete(AuditEvent.__table__))
        prev = GENESIS_HASH
        for number, row in enumerate(rows, start=1):
            row.update(seq=number, prev_hash=prev)
            row["hash"] = prev = chain_hash(
                number,
                iso_utc(row["occurred_at"]),
                row["actor_id"],
                row["actor_label"],
                row["action"],
                row["client_id"],
                row["subject"],
                row["details"],
                row["workstation"],
                prev,
            )
            connection.execute(insert(AuditEvent.__table__).values(**row))
        connection.execute(update(AuditHead.__table__).values(last_seq=len(rows), last_hash=prev))
        if forget_checkpoints:
            connection.execute(delete(AuditCheckpoint.__table__))
        connection.commit()


def _exported(uow, key) -> list[Checkpoint]:
    """The checkpoints as IT keeps them elsewhere: written to a file and read back."""
    out = io.StringIO()
    checkpoints.write_checkpoint_file(out, key.public_hex, checkpoints.stored_checkpoints(uow()))
    return list(checkpoints.read_checkpoint_file_text(out.getvalue(), "the file").checkpoints)


def _verify(uow, key, exported=()):
    return audit.verify_chain(uow(), batch=4, public_keys=[key.public_hex], exported=exported)


def test_B8_an_untouched_trail_passes_through_every_signed_checkpoint(uow, owner, key):
    _append(uow, owner, 5)
    checkpoints.sign_checkpoint(uow(), key, "front-desk-1")
    _append(uow, owner, 5)
    checkpoints.sign_checkpoint(uow(), key, "front-desk-1")
    _append(uow, owner, 3)
    result = _verify(uow, key, _exported(uow, key))
    assert result.ok and result.checked == 15 and result.signatures_checked
    assert result.checkpoints == 2  # stored, and the same two in the file


def test_B8_without_a_key_on_this_computer_signatures_are_said_to_be_unchecked(uow, owner, key):
    _append(uow, owner, 3)
    checkpoints.sign_checkpoint(uow(), key, "pc")
    result = audit.verify_chain(uow())
    assert result.ok and result.checkpoints == 1 and not result.signatures_checked


def test_B8_an_edited_entry_is_named(uow, owner, key, engine):
    _append(uow, owner, 6)
    checkpoints.sign_checkpoint(uow(), key, "pc")
    with _unguarded(engine) as connection:
        connection.execute(
            update(AuditEvent.__table__).where(AuditEvent.seq == 5).values(subject="chart:99")
        )
        connection.commit()
    result = _verify(uow, key)
    assert not result.ok and result.first_bad_seq == 5 and "entry 5 was altered" in result.problem


def test_B8_a_rechained_edit_is_caught_by_the_checkpoint(uow, owner, key, engine):
    _append(uow, owner, 6)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # covers entries 1 to 8
    _append(uow, owner, 4)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # covers 1 to 12

    def edit(rows):
        rows[9]["subject"] = "chart:99"  # entry 10
        return rows

    _rechain(engine, edit)
    result = _verify(uow, key)
    assert not result.ok and result.bad_checkpoint == 12 and result.first_bad_seq == 9
    assert "entries 9 to 12 were rewritten" in result.problem
    assert result.checked == 8  # up to the checkpoint that still holds


def test_B8_a_deleted_entry_is_caught_even_when_the_chain_is_recomputed(uow, owner, key, engine):
    _append(uow, owner, 6)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # entry 8
    _append(uow, owner, 2)

    _rechain(engine, lambda rows: rows[:3] + rows[4:])  # entry 4 removed, the rest renumbered
    result = _verify(uow, key)
    assert not result.ok and result.bad_checkpoint == 8 and result.first_bad_seq == 1

    plain = _verify_deleted_without_rechain(uow, owner, key, engine)
    assert plain.first_bad_seq == 6 and "entry 6 is missing" in plain.problem


def _verify_deleted_without_rechain(uow, owner, key, engine):
    with _unguarded(engine) as connection:
        connection.execute(delete(AuditEvent.__table__).where(AuditEvent.seq == 6))
        connection.commit()
    return _verify(uow, key)


def test_B8_an_inserted_entry_is_caught_by_the_checkpoint(uow, owner, key, engine):
    _append(uow, owner, 6)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # entry 8

    def insert_one(rows):
        forged = dict(rows[2], subject="chart:forged")
        return rows[:3] + [forged] + rows[3:]

    _rechain(engine, insert_one)
    result = _verify(uow, key)
    assert not result.ok and result.bad_checkpoint == 8 and result.first_bad_seq == 1
    assert "in the database" in result.problem


def test_B8_an_inserted_entry_is_caught_by_the_exported_file(uow, owner, key, engine):
    _append(uow, owner, 6)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # entry 8
    kept = _exported(uow, key)

    def insert_one(rows):
        forged = dict(rows[2], subject="chart:forged")
        return rows[:3] + [forged] + rows[3:]

    _rechain(engine, insert_one, forget_checkpoints=True)
    assert _verify(uow, key).ok  # with the stored checkpoints gone, the database alone cannot tell
    result = _verify(uow, key, kept)
    assert not result.ok and result.bad_checkpoint == 8
    assert "checkpoint file" in result.problem


def test_B8_an_emptied_trail_is_caught_by_the_exported_file(uow, owner, key, engine):
    _append(uow, owner, 4)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # entry 6
    kept = _exported(uow, key)
    _rechain(engine, lambda rows: [], forget_checkpoints=True)
    result = _verify(uow, key, kept)
    assert not result.ok and result.first_bad_seq == 1 and result.bad_checkpoint == 6
    assert "entries from 1 on are missing" in result.problem


def test_B8_an_old_backup_put_back_is_caught_by_the_exported_file(uow, owner, key, engine):
    _append(uow, owner, 4)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # entry 6: the old backup ends here
    _append(uow, owner, 5)
    checkpoints.sign_checkpoint(uow(), key, "pc")  # entry 11
    kept = _exported(uow, key)
    with _unguarded(engine) as connection:  # the backup as it was when entry 6 was the last
        last = connection.execute(select(AuditEvent.hash).where(AuditEvent.seq == 6)).scalar_one()
        connection.execute(delete(AuditEvent.__table__).where(AuditEvent.seq > 6))
        connection.execute(delete(AuditCheckpoint.__table__).where(AuditCheckpoint.seq > 6))
        connection.execute(update(AuditHead.__table__).values(last_seq=6, last_hash=last))
        connection.commit()
    assert _verify(uow, key).ok  # the database alone looks whole
    result = _verify(uow, key, kept)
    assert not result.ok and result.first_bad_seq == 7 and result.bad_checkpoint == 11


def test_B8_a_checkpoint_signed_with_another_key_is_named(uow, owner, key, engine):
    _append(uow, owner, 3)
    checkpoints.sign_checkpoint(uow(), key, "pc")
    checkpoints.sign_checkpoint(uow(), new_key(), "intruder")
    result = _verify(uow, key)
    assert not result.ok and result.bad_checkpoint == 5
    assert "not signed with the practice's audit key" in result.problem


def test_B8_an_altered_checkpoint_is_named(uow, owner, key, engine):
    _append(uow, owner, 3)
    checkpoints.sign_checkpoint(uow(), key, "pc")
    with _unguarded(engine) as connection:
        connection.execute(update(AuditCheckpoint.__table__).values(seq=4))
        connection.commit()
    result = _verify(uow, key)
    assert not result.ok and result.bad_checkpoint == 4 and "forged or altered" in result.problem


def test_B8_checkpoints_are_due_every_500_entries_or_every_day(uow, owner, key, clock):
    assert checkpoints.checkpoint_if_due(uow(), key, "pc") is not None  # the first one
    assert checkpoints.checkpoint_if_due(uow(), key, "pc") is None  # nothing new
    _append(uow, owner, 10)
    assert checkpoints.checkpoint_if_due(uow(), key, "pc") is None  # neither 500 nor a day
    clock.advance(timedelta(days=1))
    point = checkpoints.checkpoint_if_due(uow(), key, "pc")
    assert point is not None and point.seq == 12
    _append(uow, owner, checkpoints.CHECKPOINT_EVERY - 1)
    assert checkpoints.checkpoint_if_due(uow(), key, "pc") is None
    _append(uow, owner, 1)
    assert checkpoints.checkpoint_if_due(uow(), key, "pc").seq == 12 + checkpoints.CHECKPOINT_EVERY


def test_B8_every_export_signs_the_head_including_its_own_entry(uow, owner, key):
    _append(uow, owner, 3)
    audit.export_csv(uow(), owner, io.StringIO(), key=key)
    stored = checkpoints.stored_checkpoints(uow())
    assert [point.seq for point in stored] == [6]  # set-up 2, three reads, the export
    assert audit.recent_entries(uow(), owner)[0].action == audit.Action.AUDIT_EXPORTED
    assert _verify(uow, key).ok


def test_B8_the_database_refuses_to_change_or_delete_checkpoints(uow, owner, key, engine):
    checkpoints.sign_checkpoint(uow(), key, "pc")
    for statement in ("UPDATE audit_checkpoints SET seq = 0", "DELETE FROM audit_checkpoints"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.exec_driver_sql(statement)


def test_B8_a_checkpoint_file_that_is_not_one_is_refused(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(Exception, match="not a Clinic Desk checkpoint file"):
        checkpoints.read_checkpoint_file(path)
    with pytest.raises(Exception, match="does not exist"):
        checkpoints.read_checkpoint_file(tmp_path / "missing.json")
