"""Clinical supervision (R16): who supervises a provider, in which mode, for which clients.

The Owner or a Manager sets a provider's supervisor and mode; one client may have another
(the per-client choice wins). Changing or ending a supervision takes effect at once: notes
already awaiting review follow the new supervisor, or go back to draft with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal, select

from ..db.tables import Client, NoteReview, Notification, Staff, Supervision
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput
from .policy.supervision_rules import (
    MODE_LABELS,
    REVIEWED_MODES,
    may_set_supervision,
    may_supervise,
)
from .policy.supervision_scopes import supervision_in_force
from .principal import Principal
from .record_facts import client_name, provider_facts, require_provider
from .supervision_facts import load_client_for

SUPERVISION_SET = "supervision.set"
SUPERVISION_ENDED = "supervision.ended"
REVIEW_MOVED = "supervision.review_moved"
REVIEW_WITHDRAWN = "supervision.review_withdrawn"
#: the comment a note carries back to its author when nobody supervises it any more.
BACK_TO_DRAFT = "Supervision changed and nobody reviews this note now: it is a draft again."


@dataclass(frozen=True)
class SupervisionView:
    """One supervision in force: the supervisee's default (client_id None) or one client's."""

    id: int
    supervisee_id: int
    supervisee_name: str
    supervisor_id: int
    supervisor_name: str
    #: "read", "approve" or "cosign".
    mode: str
    client_id: int | None
    client_name: str | None
    started_at: datetime

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]


def _clean_mode(mode: str) -> str:
    if mode not in MODE_LABELS:
        raise InvalidInput("Choose the mode: read, approve or co-sign.", field="mode")
    return mode


def _views(uow: UnitOfWork, rows: list[Supervision]) -> list[SupervisionView]:
    ids = {r.supervisee_id for r in rows} | {r.supervisor_id for r in rows}
    names = dict(
        uow.session.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(ids))).all()
    )
    result = []
    for row in rows:
        client = uow.session.get(Client, row.client_id) if row.client_id else None
        result.append(
            SupervisionView(
                id=row.id,
                supervisee_id=row.supervisee_id,
                supervisee_name=names.get(row.supervisee_id, ""),
                supervisor_id=row.supervisor_id,
                supervisor_name=names.get(row.supervisor_id, ""),
                mode=row.mode,
                client_id=row.client_id,
                client_name=client_name(client) if client else None,
                started_at=row.started_at,
            )
        )
    return result


def _open_rows(uow: UnitOfWork, **where) -> list[Supervision]:
    query = select(Supervision).where(Supervision.ended_at.is_(None))
    for column, value in where.items():
        attribute = getattr(Supervision, column)
        query = query.where(attribute.is_(None) if value is None else attribute == value)
    return list(uow.session.scalars(query.order_by(Supervision.client_id, Supervision.id)))


@checked
def supervisions_of(
    uow: UnitOfWork, principal: Principal, supervisee_id: int
) -> list[SupervisionView]:
    """The supervisions in force over a provider: the default first, then per client."""
    with uow:
        require_provider(uow, supervisee_id)
        rows = _open_rows(uow, supervisee_id=supervisee_id)
        rows = [r for r in rows if r.client_id is None] + [r for r in rows if r.client_id]
        return _views(uow, rows)


@checked
def supervisees_of(uow: UnitOfWork, principal: Principal) -> list[SupervisionView]:
    """The supervisions the principal holds as supervisor."""
    with uow:
        return _views(uow, _open_rows(uow, supervisor_id=principal.staff_id))


@checked
def set_supervision(
    uow: UnitOfWork,
    principal: Principal,
    supervisee_id: int,
    supervisor_id: int | None,
    mode: str = "read",
    client_id: int | None = None,
) -> SupervisionView | None:
    """Set (or, with no supervisor, end) a provider's supervision, by default or for one client.

    Takes effect at once: notes awaiting review go to the supervisor now in force, or back to
    draft with a notice to their author when nobody reviews them any more. Audited (R13)."""
    with uow:
        may_set_supervision(principal).require()
        supervisee = require_provider(uow, supervisee_id)
        client = load_client_for(uow, principal, client_id) if client_id is not None else None
        started = None
        if supervisor_id is not None:
            mode = _clean_mode(mode)
            may_supervise(supervisee, provider_facts(uow, supervisor_id)).require()
        now = uow.now()
        for row in _open_rows(uow, supervisee_id=supervisee_id, client_id=client_id):
            if supervisor_id == row.supervisor_id and mode == row.mode:
                return _views(uow, [row])[0]  # nothing changes
            row.ended_at, row.ended_by = now, principal.staff_id
            _audit(uow, principal, SUPERVISION_ENDED, row)
        if supervisor_id is not None:
            started = Supervision(
                supervisee_id=supervisee_id,
                supervisor_id=supervisor_id,
                mode=mode,
                client_id=client_id,
                started_at=now,
                started_by=principal.staff_id,
            )
            uow.session.add(started)
            uow.session.flush()
            _audit(uow, principal, SUPERVISION_SET, started)
        uow.session.flush()
        _follow_reviews(uow, principal, supervisee_id, client.id if client else None)
        uow.commit()
        return _views(uow, [started])[0] if started else None


def end_supervisions_by_in_transaction(
    uow: UnitOfWork, principal: Principal, supervisor_id: int
) -> int:
    """R16, R12: a supervisor who leaves (is deactivated) supervises nobody from then on: each of
    their supervisions ends, audited, and the notes waiting for them follow the supervision now
    in force, or go back to draft with a notice. Returns how many ended."""
    now = uow.now()
    rows = _open_rows(uow, supervisor_id=supervisor_id)
    for row in rows:
        row.ended_at, row.ended_by = now, principal.staff_id
        _audit(uow, principal, SUPERVISION_ENDED, row)
    uow.session.flush()
    for supervisee_id in sorted({row.supervisee_id for row in rows}):
        _follow_reviews(uow, principal, supervisee_id, None)
    return len(rows)


def _audit(uow: UnitOfWork, principal: Principal, action: str, row: Supervision) -> None:
    audit.record(
        uow,
        principal,
        action,
        client_id=row.client_id,
        subject=f"supervision:{row.id}",
        details={
            "supervisee_id": row.supervisee_id,
            "supervisor_id": row.supervisor_id,
            "mode": row.mode,
        },
    )


def _follow_reviews(
    uow: UnitOfWork, principal: Principal, supervisee_id: int, client_id: int | None
) -> None:
    """Move each of the supervisee's notes awaiting review to the supervision now in force."""
    query = select(NoteReview).where(
        NoteReview.author_id == supervisee_id, NoteReview.state == "awaiting"
    )
    if client_id is not None:
        query = query.where(NoteReview.client_id == client_id)
    for review in uow.session.scalars(query).all():
        now_in_force = uow.session.scalars(
            select(Supervision).where(
                supervision_in_force(literal(supervisee_id), literal(review.client_id))
            )
        ).first()
        details = {"from_supervisor_id": review.supervisor_id}
        if now_in_force is not None and now_in_force.mode in REVIEWED_MODES:
            if (review.supervisor_id, review.mode) == (
                now_in_force.supervisor_id,
                now_in_force.mode,
            ):
                continue
            review.supervisor_id, review.mode = now_in_force.supervisor_id, now_in_force.mode
            details["to_supervisor_id"] = review.supervisor_id
            action = REVIEW_MOVED
        else:
            review.state, review.comment, review.decided_at = "returned", BACK_TO_DRAFT, uow.now()
            client = uow.session.get(Client, review.client_id)
            uow.session.add(
                Notification(
                    recipient_id=supervisee_id,
                    client_id=review.client_id,
                    created_at=uow.now(),
                    message=f"Your note for {client_name(client)} is a draft again: "
                    "nobody supervises it now. Sign it when it is ready.",
                )
            )
            action = REVIEW_WITHDRAWN
        audit.record(
            uow,
            principal,
            action,
            client_id=review.client_id,
            subject=f"note:{review.note_id}",
            details=details,
        )
