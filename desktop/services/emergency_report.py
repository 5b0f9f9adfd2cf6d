"""The Emergency Access report (R18): every use, newest first, with its reason, the reads made
under it and whether it was reviewed; the Owner and Record Custodians mark uses as reviewed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.orm import aliased

from ..db.tables import AuditEvent, Client, EmergencyAccess, Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import NotFound
from .policy import may_review_emergency_access
from .principal import Principal

MAX_ROWS = 500


@dataclass(frozen=True)
class EmergencyRead:
    """One read made under an emergency access: when, and what was read ("profile", "chart",
    "document") with its details (the chart's provider, the document's name)."""

    occurred_at: datetime
    what: str
    details: dict


@dataclass(frozen=True)
class EmergencyUse:
    """One use of emergency access as the report lists it."""

    id: int
    client_id: int
    client_name: str
    staff_id: int
    staff_name: str
    reason: str
    opened_at: datetime
    expires_at: datetime
    #: when the person ended it themselves; None when it ran to its time (or still runs).
    ended_at: datetime | None
    reads: tuple[EmergencyRead, ...]
    reviewed_at: datetime | None
    reviewed_by: str | None

    def state(self, now: datetime) -> str:
        """ "open", "ended" (by the person) or "expired" (its time ran out)."""
        if self.ended_at is not None:
            return "ended"
        return "open" if now < self.expires_at else "expired"

    @property
    def closed_at(self) -> datetime:
        """When the access stopped (or will stop)."""
        return self.ended_at or self.expires_at


def _uses(uow: UnitOfWork, condition, limit: int) -> list[EmergencyUse]:
    reviewer = aliased(Staff)
    rows = uow.session.execute(
        select(
            EmergencyAccess,
            Client.first_name,
            Client.last_name,
            Staff.display_name,
            reviewer.display_name,
        )
        .join(Client, Client.id == EmergencyAccess.client_id)
        .join(Staff, Staff.id == EmergencyAccess.staff_id)
        .outerjoin(reviewer, reviewer.id == EmergencyAccess.reviewed_by_id)
        .where(condition)
        .order_by(EmergencyAccess.opened_at.desc(), EmergencyAccess.id.desc())
        .limit(limit)
    ).all()
    subjects = [f"emergency:{row[0].id}" for row in rows]
    reads: dict[str, list[EmergencyRead]] = {}
    if subjects:
        events = uow.session.execute(
            select(AuditEvent.subject, AuditEvent.occurred_at, AuditEvent.details)
            .where(
                AuditEvent.action == audit.Action.EMERGENCY_READ,
                AuditEvent.subject.in_(subjects),
            )
            .order_by(AuditEvent.seq)
        ).all()
        for subject, occurred_at, details in events:
            details = json.loads(details or "{}")
            what = str(details.pop("what", "record"))
            for key in ("reason", "emergency_id"):
                details.pop(key, None)
            reads.setdefault(subject, []).append(EmergencyRead(occurred_at, what, details))
    return [
        EmergencyUse(
            id=access.id,
            client_id=access.client_id,
            client_name=f"{first} {last}",
            staff_id=access.staff_id,
            staff_name=staff_name,
            reason=access.reason,
            opened_at=access.opened_at,
            expires_at=access.expires_at,
            ended_at=access.ended_at,
            reads=tuple(reads.get(f"emergency:{access.id}", ())),
            reviewed_at=access.reviewed_at,
            reviewed_by=reviewer_name,
        )
        for access, first, last, staff_name, reviewer_name in rows
    ]


@checked
def emergency_report(
    uow: UnitOfWork, principal: Principal, *, unreviewed_only: bool = False
) -> list[EmergencyUse]:
    """Every use of emergency access, newest first (at most 500), with its reads (R18)."""
    may_review_emergency_access(principal).require()
    with uow:
        condition = EmergencyAccess.reviewed_at.is_(None) if unreviewed_only else true()
        return _uses(uow, condition, MAX_ROWS)


@checked
def mark_reviewed(uow: UnitOfWork, principal: Principal, access_id: int) -> EmergencyUse:
    """The Owner or a Record Custodian marks one use as reviewed; audited. Marking one already
    reviewed changes nothing."""
    may_review_emergency_access(principal).require()
    with uow:
        access = uow.session.get(EmergencyAccess, access_id)
        if access is None:
            raise NotFound("That emergency access no longer exists. Refresh the report.")
        if access.reviewed_at is None:
            access.reviewed_at = uow.now()
            access.reviewed_by_id = principal.staff_id
            uow.session.flush()
            audit.record(
                uow,
                principal,
                audit.Action.EMERGENCY_REVIEWED,
                client_id=access.client_id,
                subject=f"emergency:{access.id}",
                details={
                    "reason": access.reason,
                    "emergency_id": access.id,
                    "opened_by": access.staff_id,
                },
            )
        use = _uses(uow, EmergencyAccess.id == access.id, 1)[0]
        uow.commit()
        return use
