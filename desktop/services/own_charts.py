"""A provider's own charts of clients no longer on their list (after a transfer or Manage
access): the author still reads them and finishes their drafts (R3, docs/decisions.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..db.tables import ChartNote, Client
from ..db.uow import UnitOfWork
from .boundary import checked
from .errors import NotFound
from .policy import may_open_records
from .policy.scopes import linked_client_ids, own_chart_client_ids
from .principal import Principal, Role
from .record_facts import client_name, has_own_chart, is_linked
from .supervision_facts import load_client_for, supervises_client
from .validation import require_id


@dataclass(frozen=True)
class PastClient:
    """A client who left the provider's list, of whom the provider keeps their own chart."""

    client_id: int
    full_name: str
    #: the provider's unsigned notes in that chart, still theirs to finish.
    drafts: int
    #: R16: the records open because the principal supervises a provider of the client.
    supervising: bool = False


@checked
def past_clients(uow: UnitOfWork, principal: Principal) -> list[PastClient]:
    """The clients in whose chart the principal wrote and who are no longer on their list, by
    name. Empty for anyone who is not a provider."""
    if not principal.has(Role.PROVIDER):
        return []
    with uow:
        drafts = (
            select(func.count())
            .where(
                ChartNote.client_id == Client.id,
                ChartNote.author_id == principal.staff_id,
                ChartNote.status == "draft",
            )
            .scalar_subquery()
        )
        rows = uow.session.execute(
            select(Client.id, Client.first_name, Client.last_name, drafts)
            .where(
                Client.id.in_(own_chart_client_ids(principal.staff_id)),
                Client.id.not_in(linked_client_ids(principal.staff_id)),
            )
            .order_by(Client.sort_name, Client.id)
        ).all()
        return [PastClient(r[0], f"{r[1]} {r[2]}", r[3]) for r in rows]


@checked
def past_client(uow: UnitOfWork, principal: Principal, client_id: int) -> PastClient:
    """The name of a client whose records the principal may open (`may_open_records`): the
    heading of a client window that shows the provider's own chart only, or (R16) the charts
    of the supervisee they supervise for this client."""
    client_id = require_id(client_id, "client")
    with uow:
        client = load_client_for(uow, principal, client_id)
        linked = is_linked(uow, client.id, principal.staff_id)
        own = has_own_chart(uow, client.id, principal.staff_id)
        supervising = supervises_client(uow, principal, client.id)
        may_open_records(
            principal, principal_linked=linked, has_own_chart=own, supervises=supervising
        ).require()
        if not own and not supervising:
            raise NotFound(f"You have no chart of {client_name(client)}.")
        drafts = uow.session.scalar(
            select(func.count()).where(
                ChartNote.client_id == client.id,
                ChartNote.author_id == principal.staff_id,
                ChartNote.status == "draft",
            )
        )
        return PastClient(client.id, client_name(client), drafts or 0, supervising and not own)
