"""The audit trail: append-only, hash-chained, verifiable and exportable (R13, B6)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from desktop.services import audit, auth
from desktop.services.errors import PermissionRefused
from desktop.services.principal import Role


def _tamper(engine, statement: str) -> None:
    """Change the log behind the application's back, as an intruder with database access would."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER USER")
        connection.execute(text(statement))


def _some_events(uow, passwords, owner, count=5):
    for _ in range(count):
        auth.sign_out(uow(), owner)
        auth.sign_in(uow(), passwords, owner.email, "correct horse battery", "pc")


def test_B6_an_untouched_log_verifies(uow, passwords, owner):
    _some_events(uow, passwords, owner)
    result = audit.verify_chain(uow(), batch=3)
    assert result.ok and result.checked == 12  # practice created + sign-in at set-up, then 10


def test_R13_the_database_refuses_to_change_or_delete_entries(uow, owner, engine):
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert audit.verify_chain(uow()).ok


def test_B6_an_altered_entry_is_named(uow, passwords, owner, engine):
    _some_events(uow, passwords, owner)
    _tamper(engine, "UPDATE audit_events SET workstation = 'elsewhere' WHERE seq = 4")
    result = audit.verify_chain(uow())
    assert not result.ok and result.first_bad_seq == 4 and result.checked == 3
    assert "entry 4 was altered" in result.problem


def test_B6_a_removed_entry_is_named(uow, passwords, owner, engine):
    _some_events(uow, passwords, owner)
    _tamper(engine, "DELETE FROM audit_events WHERE seq = 6")
    result = audit.verify_chain(uow())
    assert not result.ok and result.first_bad_seq == 6 and "missing" in result.problem


def test_B6_entries_cut_from_the_end_are_noticed(uow, passwords, owner, engine):
    _some_events(uow, passwords, owner)
    _tamper(engine, "DELETE FROM audit_events WHERE seq >= 11")
    result = audit.verify_chain(uow())
    assert not result.ok and result.first_bad_seq == 11


def test_R13_entries_record_who_what_when_and_where(uow, owner, clock):
    entries = audit.recent_entries(uow(), owner)
    newest = entries[0]
    assert newest.action == audit.Action.SIGN_IN
    assert (newest.actor_id, newest.workstation, newest.occurred_at) == (
        owner.staff_id,
        "front-desk-1",
        clock.now(),
    )


def test_R13_only_owner_and_record_custodian_read_or_export(uow, owner, add_member):
    custodian = add_member("Priya", Role.RECORD_CUSTODIAN)
    assert audit.recent_entries(uow(), custodian)
    for role in (Role.MANAGER, Role.SCHEDULER, Role.BILLER):
        other = add_member(f"Someone {role.value}", role)
        with pytest.raises(PermissionRefused) as refused:
            audit.recent_entries(uow(), other)
        assert refused.value.rule == "R13"
        with pytest.raises(PermissionRefused):
            audit.export_csv(uow(), other, io.StringIO())


def test_R13_export_writes_the_period_as_csv_and_is_itself_audited(uow, passwords, owner, clock):
    clock.advance(timedelta(days=1))
    _some_events(uow, passwords, owner, count=2)
    out = io.StringIO()
    start = datetime(2026, 3, 3, tzinfo=UTC)
    count = audit.export_csv(uow(), owner, out, start=start, end=start + timedelta(days=1))
    lines = out.getvalue().splitlines()
    assert count == 4 and len(lines) == 5 and lines[0].startswith("seq,occurred_at,actor_id")
    assert audit.recent_entries(uow(), owner)[0].action == audit.Action.AUDIT_EXPORTED
    assert audit.verify_chain(uow()).ok
