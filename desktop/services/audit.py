"""The audit trail (R13, B6): append entries in the caller's transaction, verify the chain, export."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import func, select, text

from ..db.scan import one_pass
from ..db.tables import AuditEvent, AuditHead
from ..db.uow import UnitOfWork
from .audit_chain import canonical, chain_hash, iso_utc
from .audit_key import AuditKey
from .audit_page_sql import ENTRY_COLUMNS
from .audit_verify import VerifyResult as VerifyResult
from .audit_verify import verify_chain as verify_chain
from .boundary import checked
from .checkpoints import sign_in_transaction
from .errors import InvalidInput
from .policy import may_read_audit
from .principal import Principal


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
    PROVIDER_DETAILS_CHANGED = "staff.provider_details_changed"
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
    EMERGENCY_OPENED = "emergency.opened"
    EMERGENCY_READ = "emergency.read"
    EMERGENCY_ENDED = "emergency.ended"
    EMERGENCY_REVIEWED = "emergency.reviewed"
    EMERGENCY_SETTINGS_CHANGED = "emergency.settings_changed"


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

    On SQLite (one writer at a time) the head row is locked and the entry chained at once. On
    PostgreSQL the database's own function takes the entry (staff logins may not write the
    trail's tables at all) and chains it, the same way, when the transaction commits: concurrent
    writers wait for each other only for the moment of commit, and entries are numbered in
    commit order. Until then the entry is not in `audit_events`, even for this transaction.
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
                    canonical(details or {}),
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
        details=canonical(details or {}),
        workstation=(workstation or (actor.workstation if actor else "unknown"))[:255],
        prev_hash=head.last_hash,
    )
    event.hash = chain_hash(
        event.seq,
        iso_utc(event.occurred_at),
        event.actor_id,
        event.actor_label,
        event.action,
        event.client_id,
        event.subject,
        event.details,
        event.workstation,
        event.prev_hash,
    )
    session.add(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    session.flush()


#: one entry appended by the database's own function (PostgreSQL), for `record_many`.
_APPEND = text(
    "SELECT app.append_audit(:action, CAST(:actor_id AS integer), :actor_label,"
    " CAST(:client_id AS integer), :subject, :details, :workstation,"
    " CAST(:occurred_at AS timestamptz))"
)


def record_many(
    uow: UnitOfWork, actor: Principal, entries: Iterable[tuple[str, int | None, str, dict]]
) -> None:
    """Append (action, client_id, subject, details) entries in order, in the caller's open
    transaction, as `record` would one by one. On PostgreSQL they go to the server together
    (one round trip for a caseload transfer's batch), each chained by the database's function."""
    if uow.session.get_bind().dialect.name != "postgresql":
        for action, client_id, subject, details in entries:
            record(uow, actor, action, client_id=client_id, subject=subject, details=details)
        return
    at = uow.now().astimezone(UTC)
    rows = [
        {
            "action": action,
            "actor_id": actor.staff_id,
            "actor_label": actor.email[:254],
            "client_id": client_id,
            "subject": subject,
            "details": canonical(details),
            "workstation": actor.workstation[:255],
            "occurred_at": at,
        }
        for action, client_id, subject, details in entries
    ]
    if rows:
        uow.session.connection().execute(_APPEND, rows)


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


def to_entry(event: AuditEvent) -> AuditEntry:
    """A stored event as read back (for the screens' own queries of the trail)."""
    return _to_entry(event)


@checked
def recent_entries(uow: UnitOfWork, principal: Principal, limit: int = 200) -> list[AuditEntry]:
    """The newest entries first, for the Audit screen (Owner and Record Custodian, R13)."""
    may_read_audit(principal).require()
    with uow:
        rows = uow.session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(max(1, min(limit, 5000)))
        )
        return [_to_entry(row) for row in rows]


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
    *,
    key: AuditKey | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the entries with start <= occurred_at < end as CSV, streaming; the export is itself
    audited and, given the practice's audit key, the head of the chain is signed (B8)."""
    may_read_audit(principal).require()
    for moment, name in ((start, "start"), (end, "end")):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise InvalidInput("A period is given as moments with a time zone.", field=name)
    if start and end and end <= start:
        raise InvalidInput("The end of the period must come after its start.", field="end")
    if key is not None and not isinstance(key, AuditKey):
        raise InvalidInput("That is not an audit signing key.", field="key")
    with uow:
        query = select(*ENTRY_COLUMNS).order_by(AuditEvent.seq)
        if start:
            query = query.where(AuditEvent.occurred_at >= start)
        if end:
            query = query.where(AuditEvent.occurred_at < end)
        total = 0
        if progress is not None:
            total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        count = 0
        connection = uow.session.connection()
        streamed = connection.execution_options(stream_results=True, yield_per=5000)
        with one_pass(connection):
            for row in streamed.execute(query):
                writer.writerow(_csv_row(row))
                count += 1
                if progress is not None and count % 25_000 == 0:
                    progress(count, total)
        if progress is not None:
            progress(count, max(count, total))
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
        if key is not None:
            sign_in_transaction(uow, key, principal.workstation)
        uow.commit()
        return count


def _csv_row(row) -> Iterable[object]:
    """One entry's cells; details are stored as canonical JSON already."""
    seq, occurred_at, actor_id, label, action, client_id, subject, details, station = row
    return (
        seq,
        occurred_at.isoformat(),
        "" if actor_id is None else actor_id,
        label,
        action,
        "" if client_id is None else client_id,
        subject or "",
        details,
        station,
    )
