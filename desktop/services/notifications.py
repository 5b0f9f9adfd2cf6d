"""Notices to a staff member in the app (B4), such as "A shared C's chart with you"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update

from ..db.tables import Notification
from ..db.uow import UnitOfWork
from .boundary import checked
from .policy.supervision_scopes import unrestricted
from .principal import Principal


@dataclass(frozen=True)
class Notice:
    id: int
    client_id: int | None
    message: str
    created_at: datetime
    read: bool


@checked
def notices_for(
    uow: UnitOfWork, principal: Principal, *, unread_only: bool = False, limit: int = 100
) -> list[Notice]:
    """The principal's own notices, newest first; nobody reads another person's notices."""
    with uow:
        query = select(Notification).where(
            Notification.recipient_id == principal.staff_id,
            or_(Notification.client_id.is_(None), unrestricted(principal, Notification.client_id)),
        )
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        rows = uow.session.scalars(
            query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
        )
        return [
            Notice(n.id, n.client_id, n.message, n.created_at, n.read_at is not None) for n in rows
        ]


@checked
def mark_read(uow: UnitOfWork, principal: Principal, notice_ids: Iterable[int]) -> int:
    """Mark the principal's own notices as read; another person's ids are ignored."""
    ids = list(notice_ids)
    with uow:
        result = uow.session.execute(
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.recipient_id == principal.staff_id,
                Notification.read_at.is_(None),
            )
            .values(read_at=uow.now())
        )
        uow.commit()
        return result.rowcount
