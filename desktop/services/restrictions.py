"""Restricted clients (R17): the Owner or a Record Custodian hides a client from named staff
members (a colleague who is also a client, a relative). For them the client does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, literal, select

from ..db.tables import ChartShare, ClientProviderLink, ClientRestriction, Staff, Supervision
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import NotFound
from .policy.record_rules import may_see_client
from .policy.scopes import share_is_active
from .policy.supervision_rules import (
    RestrictionTarget,
    may_restrict_clients,
    may_restrict_person,
)
from .policy.supervision_scopes import supervision_in_force
from .principal import Principal
from .record_facts import client_name, is_linked
from .supervision_facts import load_client_for
from .validation import clean_text

CLIENT_RESTRICTED = "client.restricted"
RESTRICTION_LIFTED = "client.restriction_lifted"
MAX_REASON = 500


@dataclass(frozen=True)
class RestrictionView:
    """One restriction in force: the client is hidden from `staff_name`."""

    id: int
    client_id: int
    staff_id: int
    staff_name: str
    reason: str
    started_at: datetime
    started_by_name: str


def _target(uow: UnitOfWork, client_id: int, staff: Staff) -> RestrictionTarget:
    shared = uow.session.scalar(
        select(
            exists().where(
                ChartShare.client_id == client_id,
                ChartShare.to_provider_id == staff.id,
                share_is_active(uow.now()),
            )
        )
    )
    providers = select(ClientProviderLink.provider_id).where(
        ClientProviderLink.client_id == client_id, ClientProviderLink.ended_at.is_(None)
    )
    supervises = uow.session.scalar(
        select(
            exists().where(
                Supervision.supervisor_id == staff.id,
                Supervision.supervisee_id.in_(providers),
                supervision_in_force(Supervision.supervisee_id, literal(client_id)),
            )
        )
    )
    return RestrictionTarget(
        staff_id=staff.id,
        name=staff.display_name,
        linked=is_linked(uow, client_id, staff.id),
        receives_share=bool(shared),
        supervises=bool(supervises),
    )


def _views(uow: UnitOfWork, rows) -> list[RestrictionView]:
    ids = {r.staff_id for r in rows} | {r.started_by for r in rows}
    names = dict(
        uow.session.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(ids))).all()
    )
    return [
        RestrictionView(
            id=r.id,
            client_id=r.client_id,
            staff_id=r.staff_id,
            staff_name=names.get(r.staff_id, ""),
            reason=r.reason,
            started_at=r.started_at,
            started_by_name=names.get(r.started_by, ""),
        )
        for r in rows
    ]


def _open(uow: UnitOfWork, client_id: int):
    return list(
        uow.session.scalars(
            select(ClientRestriction)
            .where(ClientRestriction.client_id == client_id, ClientRestriction.lifted_at.is_(None))
            .order_by(ClientRestriction.started_at, ClientRestriction.id)
        )
    )


@checked
def restrictions_of(uow: UnitOfWork, principal: Principal, client_id: int) -> list[RestrictionView]:
    """The restrictions in force on the client, for those who may restrict it (R17); nobody
    else learns whom a client is hidden from."""
    with uow:
        load_client_for(uow, principal, client_id)
        if not may_restrict_clients(principal):
            return []
        return restrictions_in_force(uow, client_id)


def restrictions_in_force(uow: UnitOfWork, client_id: int) -> list[RestrictionView]:
    """The client's restrictions in force, in the caller's unit of work."""
    return _views(uow, _open(uow, client_id))


@checked
def restrict_client(
    uow: UnitOfWork, principal: Principal, client_id: int, staff_id: int, reason: str
) -> RestrictionView:
    """Hide the client from a staff member, with a reason (R17). Refused for oneself, the
    client's providers, a colleague a chart of the client is shared with, and the supervisor of
    the client's provider. Audited (R13)."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        may_see_client(
            principal, principal_linked=is_linked(uow, client.id, principal.staff_id)
        ).require()
        text = clean_text(reason, "The reason", max_length=MAX_REASON, field="reason")
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            raise NotFound("That staff member is not on this practice's staff.")
        may_restrict_person(
            principal, client_name(client), _target(uow, client.id, staff)
        ).require()
        for row in _open(uow, client.id):
            if row.staff_id == staff.id:
                return _views(uow, [row])[0]  # already restricted: nothing changes
        row = ClientRestriction(
            client_id=client.id,
            staff_id=staff.id,
            reason=text,
            started_at=uow.now(),
            started_by=principal.staff_id,
        )
        uow.session.add(row)
        uow.session.flush()
        audit.record(
            uow,
            principal,
            CLIENT_RESTRICTED,
            client_id=client.id,
            subject=f"restriction:{row.id}",
            details={"staff_id": staff.id},
        )
        uow.commit()
        return _views(uow, [row])[0]


@checked
def lift_restriction(uow: UnitOfWork, principal: Principal, restriction_id: int) -> None:
    """Lift a restriction: the client exists again for that person (R17). Audited."""
    with uow:
        may_restrict_clients(principal).require()
        row = uow.session.get(ClientRestriction, restriction_id)
        if row is None or row.lifted_at is not None:
            raise NotFound("That restriction has already been lifted. Refresh the screen.")
        load_client_for(uow, principal, row.client_id)
        row.lifted_at, row.lifted_by = uow.now(), principal.staff_id
        audit.record(
            uow,
            principal,
            RESTRICTION_LIFTED,
            client_id=row.client_id,
            subject=f"restriction:{row.id}",
            details={"staff_id": row.staff_id},
        )
        uow.commit()
