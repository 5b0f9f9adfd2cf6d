"""What an open emergency access (R18) means to the services that read a client's records: is
one open for this person and client now, and the audit entry each read under it leaves."""

from __future__ import annotations

from sqlalchemy import select

from ..db.tables import EmergencyAccess
from ..db.uow import UnitOfWork
from . import audit
from .principal import Principal


def open_access_in_transaction(
    uow: UnitOfWork, principal: Principal, client_id: int
) -> EmergencyAccess | None:
    """The principal's emergency access to the client that is open now, if any (the newest)."""
    return uow.session.scalars(
        select(EmergencyAccess)
        .where(
            EmergencyAccess.staff_id == principal.staff_id,
            EmergencyAccess.client_id == client_id,
            EmergencyAccess.ended_at.is_(None),
            EmergencyAccess.expires_at > uow.now(),
        )
        .order_by(EmergencyAccess.opened_at.desc(), EmergencyAccess.id.desc())
        .limit(1)
    ).first()


def record_read_in_transaction(
    uow: UnitOfWork, principal: Principal, access: EmergencyAccess, what: str, **details: object
) -> None:
    """Audit one read made under emergency access, in the reader's transaction: `what` is
    "profile", "chart" or "document"; the reason travels with every entry."""
    audit.record(
        uow,
        principal,
        audit.Action.EMERGENCY_READ,
        client_id=access.client_id,
        subject=f"emergency:{access.id}",
        details={"what": what, "reason": access.reason, "emergency_id": access.id, **details},
    )
