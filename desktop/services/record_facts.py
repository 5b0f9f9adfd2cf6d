"""Load the small facts the policy decides on (links, shares, record ownership) for one record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, exists, select

from ..db.tables import ChartShare, Client, ClientProviderLink, ProviderProfile, Staff, StaffRole
from ..db.uow import UnitOfWork
from .errors import NotFound
from .hidden_rows import refuse_if_hidden
from .policy import ChartFacts, ProviderFacts
from .policy.scopes import own_chart_client_ids, share_is_active
from .principal import Principal, Role
from .supervision_facts import (
    is_restricted,
    restricted_staff,
    supervises,
    supervisions_of_client,
)


def client_name(client: Client) -> str:
    return f"{client.first_name} {client.last_name}"


def load_client(uow: UnitOfWork, client_id: int) -> Client:
    client = uow.session.get(Client, client_id)
    if client is None:
        refuse_if_hidden(uow, "clients", client_id)
        raise NotFound("That client no longer exists. The list may be out of date: refresh it.")
    return client


def _provider_rows(staff_ids):
    """Staff, name, active and record ownership of those of `staff_ids` who are providers."""
    return (
        select(Staff.id, Staff.display_name, Staff.active, ProviderProfile.records_owner)
        .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
        .where(
            Staff.id.in_(staff_ids),
            exists().where(StaffRole.staff_id == Staff.id, StaffRole.role == "provider"),
        )
    )


def provider_facts(uow: UnitOfWork, staff_id: int | None) -> ProviderFacts | None:
    """The provider's facts, or None when `staff_id` is not a provider of this practice."""
    if staff_id is None:
        return None
    return providers_facts(uow, [staff_id]).get(staff_id)


def providers_facts(uow: UnitOfWork, staff_ids: Iterable[int]) -> dict[int, ProviderFacts]:
    """The facts of each of `staff_ids` who is a provider of this practice, in one query."""
    wanted = sorted(set(staff_ids))
    if not wanted:
        return {}
    return {
        row[0]: ProviderFacts(staff_id=row[0], name=row[1], active=row[2], records_owner=row[3])
        for row in uow.session.execute(_provider_rows(wanted))
    }


def require_provider(uow: UnitOfWork, staff_id: int) -> ProviderFacts:
    facts = provider_facts(uow, staff_id)
    if facts is None:
        raise NotFound("That provider is not on this practice's staff.")
    return facts


#: the statements below are built once: they run several times for every client a caseload
#: transfer moves, and building a statement costs more than running it.
_OPEN_LINK = select(ClientProviderLink.id).where(
    ClientProviderLink.client_id == bindparam("client_id"),
    ClientProviderLink.provider_id == bindparam("provider_id"),
    ClientProviderLink.ended_at.is_(None),
)
_ACTIVE_SHARE = select(ChartShare).where(
    ChartShare.client_id == bindparam("client_id"),
    ChartShare.from_provider_id == bindparam("from_id"),
    ChartShare.to_provider_id == bindparam("to_id"),
    share_is_active(bindparam("now", type_=ChartShare.started_at.type)),
)


def is_linked(uow: UnitOfWork, client_id: int, provider_id: int) -> bool:
    """Whether the client is on the provider's list (an open link)."""
    found = uow.session.scalar(_OPEN_LINK, {"client_id": client_id, "provider_id": provider_id})
    return found is not None


def has_own_chart(uow: UnitOfWork, client_id: int, provider_id: int) -> bool:
    """Whether the provider has written in their chart of the client (a note or a clinical
    document), whether or not the client is still on their list."""
    found = own_chart_client_ids(provider_id).subquery()
    return (
        uow.session.scalar(select(found.c[0]).where(found.c[0] == client_id).limit(1)) is not None
    )


def active_share(uow: UnitOfWork, client_id: int, from_id: int, to_id: int) -> ChartShare | None:
    """The share from_id -> to_id for the client that is in force now, if any."""
    values = {"client_id": client_id, "from_id": from_id, "to_id": to_id, "now": uow.now()}
    return uow.session.scalars(_ACTIVE_SHARE, values).one_or_none()


def chart_facts(
    uow: UnitOfWork, principal: Principal, client: Client, author: ProviderFacts
) -> ChartFacts:
    """Facts about `author`'s chart of `client`, as seen by `principal`."""
    share = active_share(uow, client.id, author.staff_id, principal.staff_id)
    return ChartFacts(
        client_id=client.id,
        client_name=client_name(client),
        author=author,
        author_linked=is_linked(uow, client.id, author.staff_id),
        principal_linked=is_linked(uow, client.id, principal.staff_id),
        share_to_principal_includes_private=share.include_private if share else None,
        supervised_by_principal=supervises(uow, principal, author.staff_id, client.id),
        principal_restricted=is_restricted(uow, client.id, principal.staff_id),
    )


@dataclass(frozen=True)
class ClientSharingFacts:
    """The client's open links and the chart shares in force now, read once, so the decisions
    about every chart and every colleague are taken without asking the database again."""

    client: Client
    #: providers with an open link to the client (on whose list the client is).
    linked: frozenset[int]
    #: the active shares of the client's charts, by (from provider, to provider).
    shares: dict[tuple[int, int], ChartShare]
    #: R16: the supervisor in force over each linked provider's work with the client, and mode.
    supervisors: dict[int, tuple[int, str]] = field(default_factory=dict)
    #: R17: the staff members the client is hidden from.
    restricted: frozenset[int] = frozenset()

    def share(self, from_id: int, to_id: int) -> ChartShare | None:
        return self.shares.get((from_id, to_id))

    def chart_facts(self, principal: Principal, author: ProviderFacts) -> ChartFacts:
        """What `chart_facts` returns, from the facts already read."""
        share = self.share(author.staff_id, principal.staff_id)
        return ChartFacts(
            client_id=self.client.id,
            client_name=client_name(self.client),
            author=author,
            author_linked=author.staff_id in self.linked,
            principal_linked=principal.staff_id in self.linked,
            share_to_principal_includes_private=share.include_private if share else None,
            supervised_by_principal=self.supervisor_of(author.staff_id) == principal.staff_id
            and principal.has(Role.PROVIDER),
            principal_restricted=principal.staff_id in self.restricted,
        )

    def supervisor_of(self, author_id: int) -> int | None:
        found = self.supervisors.get(author_id)
        return found[0] if found else None


def client_sharing_facts(uow: UnitOfWork, client: Client) -> ClientSharingFacts:
    """The client's links and active shares in two queries, whatever the number of providers."""
    linked = uow.session.scalars(
        select(ClientProviderLink.provider_id).where(
            ClientProviderLink.client_id == client.id, ClientProviderLink.ended_at.is_(None)
        )
    )
    shares = uow.session.scalars(
        select(ChartShare).where(ChartShare.client_id == client.id, share_is_active(uow.now()))
    )
    linked = frozenset(linked)
    shares = {(s.from_provider_id, s.to_provider_id): s for s in shares}
    authors = linked | {from_id for from_id, _ in shares}
    return ClientSharingFacts(
        client=client,
        linked=linked,
        shares=shares,
        supervisors={
            author: (row.supervisor_id, row.mode)
            for author, row in supervisions_of_client(uow, client.id, authors).items()
        },
        restricted=restricted_staff(uow, client.id),
    )
