"""Load the facts of supervision (R16) and restriction (R17) that the policy decides on."""

from __future__ import annotations

from sqlalchemy import func, literal, select

from ..db.tables import Client, ClientRestriction, NoteReview, Staff, Supervision
from ..db.uow import UnitOfWork
from .errors import NotFound
from .hidden_rows import refuse_if_hidden
from .policy.record_rules import NOT_FOUND
from .policy.scopes import supervised_clients
from .policy.supervision_scopes import restricted_client, supervision_in_force
from .principal import Principal, Role


def is_restricted(uow: UnitOfWork, client_id: int, staff_id: int) -> bool:
    """R17: whether the client is hidden from the staff member. On PostgreSQL a person who may
    not read the restrictions asks the database's function, which answers yes or no only."""
    if uow.session.get_bind().dialect.name == "postgresql":
        found = uow.session.scalar(select(func.app.is_restricted(client_id, staff_id)))
        return bool(found)
    return bool(uow.session.scalar(select(restricted_client(staff_id, literal(client_id)))))


def supervision_for(uow: UnitOfWork, supervisee_id: int, client_id: int) -> Supervision | None:
    """R16: the supervision in force over the supervisee's work with the client, if any."""
    return uow.session.scalars(
        select(Supervision).where(supervision_in_force(literal(supervisee_id), literal(client_id)))
    ).first()


def supervises(uow: UnitOfWork, viewer: Principal, author_id: int, client_id: int) -> bool:
    """R16: the viewer (a provider) supervises the author's work with the client now."""
    if not viewer.has(Role.PROVIDER) or author_id == viewer.staff_id:
        return False
    found = supervision_for(uow, author_id, client_id)
    return found is not None and found.supervisor_id == viewer.staff_id


def supervises_client(uow: UnitOfWork, viewer: Principal, client_id: int) -> bool:
    """R16: the viewer supervises one of the client's providers for this client now."""
    if not viewer.has(Role.PROVIDER):
        return False
    return bool(uow.session.scalar(select(supervised_clients(viewer, literal(client_id)))))


def awaiting_review_by(uow: UnitOfWork, viewer: Principal, note_id: int) -> bool:
    """R16: the note waits for the viewer's review."""
    review = uow.session.get(NoteReview, note_id)
    return (
        review is not None
        and review.state == "awaiting"
        and (review.supervisor_id == viewer.staff_id)
    )


def load_client_for(uow: UnitOfWork, viewer: Principal, client_id: int) -> Client:
    """The client, unless it does not exist for the viewer: gone, or restricted from them
    (R17, told in the same words, so nothing says the client exists)."""
    if is_restricted(uow, client_id, viewer.staff_id):
        raise NotFound(NOT_FOUND)
    client = uow.session.get(Client, client_id)
    if client is None:
        # On PostgreSQL a row the person may not read is hidden: say which rule hides it.
        refuse_if_hidden(uow, "clients", client_id)
        raise NotFound(NOT_FOUND)
    return client


def supervisions_of_client(
    uow: UnitOfWork, client_id: int, author_ids: frozenset[int]
) -> dict[int, Supervision]:
    """R16: for each of the client's providers, the supervision in force over them for it."""
    rows = uow.session.scalars(
        select(Supervision).where(
            Supervision.supervisee_id.in_(sorted(author_ids)),
            supervision_in_force(Supervision.supervisee_id, literal(client_id)),
        )
    )
    return {row.supervisee_id: row for row in rows}


def restricted_staff(uow: UnitOfWork, client_id: int) -> frozenset[int]:
    """R17: the staff members the client is hidden from."""
    return frozenset(
        uow.session.scalars(
            select(ClientRestriction.staff_id).where(
                ClientRestriction.client_id == client_id, ClientRestriction.lifted_at.is_(None)
            )
        )
    )


def provider_name(uow: UnitOfWork, staff_id: int) -> str:
    return uow.session.scalar(select(Staff.display_name).where(Staff.id == staff_id)) or ""
