"""The audit trail (R13, B6): append entries in the caller's transaction, verify the chain, export."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import func, select

from ..db.tables import AuditEvent, AuditHead
from ..db.uow import UnitOfWork
from .boundary import checked
from .errors import InvalidInput
from .policy import may_read_audit
from .principal import Principal

GENESIS_HASH = "0" * 64


class Action:
    """The names of audited actions, as stored."""

    PRACTICE_CREATED = "practice.created"
    SIGN_IN = "session.sign_in"
    SIGN_IN_FAILED = "session.sign_in_failed"
    SIGN_OUT = "session.sign_out"
    STAFF_ADDED = "staff.added"
    STAFF_ROLES_CHANGED = "staff.roles_changed"
    STAFF_DEACTIVATED = "staff.deactivated"
    STAFF_REACTIVATED = "staff.reactivated"
    RECORDS_OWNER_CHANGED = "staff.records_owner_changed"
    PASSWORD_CHANGED = "staff.password_changed"
    SESSION_LOCKED = "session.locked"
    SESSION_UNLOCKED = "session.unlocked"
    UNLOCK_FAILED = "session.unlock_failed"
    IDLE_SIGN_OUT = "session.idle_sign_out"
    SECOND_FACTOR_ENROLLED = "staff.second_factor_enrolled"
    SECOND_FACTOR_RESET = "staff.second_factor_reset"
    RECOVERY_CODE_USED = "staff.recovery_code_used"
    PRACTICE_SETTINGS_CHANGED = "practice.settings_changed"
    AUDIT_EXPORTED = "audit.exported"
    DATABASE_BACKED_UP = "database.backed_up"
    CLIENT_CREATED = "client.created"
    CLIENT_UPDATED = "client.updated"
    CLIENT_PROVIDER_SETTINGS_UPDATED = "client.provider_settings_updated"
    PROFILES_LINKED = "client.profiles_linked"
    CHART_READ = "chart.read"
    PRIVATE_NOTES_READ = "chart.private_notes_read"
    NOTE_CREATED = "chart.note_created"
    NOTE_UPDATED = "chart.note_updated"
    NOTE_SIGNED = "chart.note_signed"
    ADDENDUM_ADDED = "chart.addendum_added"
    DOCUMENT_ADDED = "document.added"
    DOCUMENT_READ = "document.read"
    SHARE_STARTED = "share.started"
    SHARE_ENDED = "share.ended"
    LINK_ADDED = "link.added"
    LINK_ENDED = "link.ended"
    CLIENT_TRANSFERRED = "transfer.client"
    CASELOAD_TRANSFER_STARTED = "transfer.caseload_started"
    CASELOAD_TRANSFER_FINISHED = "transfer.caseload_finished"
    BILLING_VIEWED = "billing.viewed"
    BILLING_UPDATED = "billing.updated"


@dataclass(frozen=True)
class AuditEntry:
    """One audit event as read back."""

    seq: int
    occurred_at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    client_id: int | None
    subject: str | None
    details: dict
    workstation: str


@dataclass(frozen=True)
class VerifyResult:
    """What checking the chain found: `ok`, how many entries, and the first one at fault."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _canonical(value: dict) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _entry_hash(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "client_id": event.client_id,
        "subject": event.subject,
        "details": event.details,
        "workstation": event.workstation,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(fields).encode("utf-8")).hexdigest()


def _locked_head(session) -> AuditHead:
    """The head row, locked for this transaction; read once per transaction, since the lock
    holds until it ends (a caseload transfer appends thousands of entries in a few)."""
    transaction = session.get_transaction()
    held = session.info.get("audit_head")
    if held is not None and held[0] is transaction:
        return held[1]
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    session.info["audit_head"] = (transaction, head)
    return head


def record(
    uow: UnitOfWork,
    actor: Principal | None,
    action: str,
    *,
    client_id: int | None = None,
    subject: str | None = None,
    details: dict | None = None,
    actor_label: str | None = None,
    workstation: str | None = None,
) -> None:
    """Append one entry in the caller's open transaction (it commits with the change it records).

    The head row is locked first, so concurrent writers append one after another. On
    PostgreSQL the entry is appended by the database's own function, which computes the same
    chain (staff logins may not write the trail's tables at all).
    """
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(
                func.app.append_audit(
                    action,
                    actor.staff_id if actor else None,
                    (actor_label or (actor.email if actor else "unknown"))[:254],
                    client_id,
                    subject,
                    _canonical(details or {}),
                    (workstation or (actor.workstation if actor else "unknown"))[:255],
                    uow.now().astimezone(UTC),
                )
            )
        )
        return
    head = _locked_head(session)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=uow.now().astimezone(UTC),
        actor_id=actor.staff_id if actor else None,
        actor_label=(actor_label or (actor.email if actor else "unknown"))[:254],
        action=action,
        client_id=client_id,
        subject=subject,
        details=_canonical(details or {}),
        workstation=(workstation or (actor.workstation if actor else "unknown"))[:255],
        prev_hash=head.last_hash,
    )
    event.hash = _entry_hash(event)
    session.add(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    session.flush()


def _to_entry(event: AuditEvent) -> AuditEntry:
    return AuditEntry(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        client_id=event.client_id,
        subject=event.subject,
        details=json.loads(event.details),
        workstation=event.workstation,
    )


@checked
def recent_entries(uow: UnitOfWork, principal: Principal, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first, for the Audit screen (Owner and Record Custodian, R13)."""
    may_read_audit(principal).require()
    with uow:
        rows = uow.session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(max(1, min(limit, 5000)))
        )
        return [_to_entry(row) for row in rows]


def verify_chain(uow: UnitOfWork, batch: int = 2000) -> VerifyResult:
    """Recompute every hash in order; name the first entry altered, missing or out of place."""
    with uow:
        session = uow.session
        expected_prev = GENESIS_HASH
        expected_seq = 1
        last_seq = 0
        while True:
            rows = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq >= expected_seq)
                .order_by(AuditEvent.seq)
                .limit(batch)
            ).all()
            if not rows:
                break
            for event in rows:
                if event.seq != expected_seq:
                    return VerifyResult(
                        False, expected_seq - 1, expected_seq, f"entry {expected_seq} is missing"
                    )
                if event.prev_hash != expected_prev or _entry_hash(event) != event.hash:
                    return VerifyResult(
                        False, expected_seq - 1, event.seq, f"entry {event.seq} was altered"
                    )
                expected_prev = event.hash
                expected_seq += 1
                last_seq = event.seq
            session.expunge_all()
        head = session.get(AuditHead, 1)
        if head is None or head.last_seq != last_seq or head.last_hash != expected_prev:
            missing_from = last_seq + 1
            return VerifyResult(
                False, last_seq, missing_from, f"entries from {missing_from} on are missing"
            )
        return VerifyResult(True, last_seq)


CSV_COLUMNS = [
    "seq",
    "occurred_at",
    "actor_id",
    "actor",
    "action",
    "client_id",
    "subject",
    "details",
    "workstation",
]


@checked
def export_csv(
    uow: UnitOfWork,
    principal: Principal,
    out: TextIO,
    start: datetime | None = None,
    end: datetime | None = None,
) -> int:
    """Write the entries with start <= occurred_at < end as CSV; the export is itself audited."""
    may_read_audit(principal).require()
    if start and end and end <= start:
        raise InvalidInput("The end of the period must come after its start.", field="end")
    with uow:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        if start:
            query = query.where(AuditEvent.occurred_at >= start)
        if end:
            query = query.where(AuditEvent.occurred_at < end)
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for event in uow.session.scalars(query.execution_options(yield_per=1000)):
            writer.writerow(_csv_row(_to_entry(event)))
            count += 1
        record(
            uow,
            principal,
            Action.AUDIT_EXPORTED,
            details={
                "entries": count,
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
            },
        )
        uow.commit()
        return count


def _csv_row(entry: AuditEntry) -> Iterable[object]:
    return [
        entry.seq,
        entry.occurred_at.isoformat(),
        entry.actor_id if entry.actor_id is not None else "",
        entry.actor_label,
        entry.action,
        entry.client_id if entry.client_id is not None else "",
        entry.subject or "",
        _canonical(entry.details),
        entry.workstation,
    ]
