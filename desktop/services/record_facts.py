"""Load the small facts the policy decides on (links, shares, record ownership) for one record."""

from __future__ import annotations

from sqlalchemy import select

from ..db.tables import ChartShare, Client, ClientProviderLink, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from .errors import NotFound
from .policy import ChartFacts, ProviderFacts
from .policy.scopes import own_chart_client_ids, share_is_active
from .principal import Principal


def client_name(client: Client) -> str:
    return f"{client.first_name} {client.last_name}"


def load_client(uow: UnitOfWork, client_id: int) -> Client:
    client = uow.session.get(Client, client_id)
    if client is None:
        raise NotFound("That client no longer exists. The list may be out of date: refresh it.")
    return client


def provider_facts(uow: UnitOfWork, staff_id: int | None) -> ProviderFacts | None:
    """The provider's facts, or None when `staff_id` is not a provider of this practice."""
    if staff_id is None:
        return None
    row = uow.session.execute(
        select(Staff.id, Staff.display_name, Staff.active, ProviderProfile.records_owner)
        .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
        .where(Staff.id == staff_id)
    ).one_or_none()
    if row is None:
        return None
    roles = uow.session.get(Staff, staff_id).roles
    if not any(r.role == "provider" for r in roles):
        return None
    return ProviderFacts(staff_id=row[0], name=row[1], active=row[2], records_owner=row[3])


def require_provider(uow: UnitOfWork, staff_id: int) -> ProviderFacts:
    facts = provider_facts(uow, staff_id)
    if facts is None:
        raise NotFound("That provider is not on this practice's staff.")
    return facts


def is_linked(uow: UnitOfWork, client_id: int, provider_id: int) -> bool:
    """Whether the client is on the provider's list (an open link)."""
    return (
        uow.session.scalar(
            select(ClientProviderLink.id).where(
                ClientProviderLink.client_id == client_id,
                ClientProviderLink.provider_id == provider_id,
                ClientProviderLink.ended_at.is_(None),
            )
        )
        is not None
    )


def has_own_chart(uow: UnitOfWork, client_id: int, provider_id: int) -> bool:
    """Whether the provider has written in their chart of the client (a note or a clinical
    document), whether or not the client is still on their list."""
    found = own_chart_client_ids(provider_id).subquery()
    return (
        uow.session.scalar(select(found.c[0]).where(found.c[0] == client_id).limit(1)) is not None
    )


def active_share(uow: UnitOfWork, client_id: int, from_id: int, to_id: int) -> ChartShare | None:
    """The share from_id -> to_id for the client that is in force now, if any."""
    return uow.session.scalars(
        select(ChartShare).where(
            ChartShare.client_id == client_id,
            ChartShare.from_provider_id == from_id,
            ChartShare.to_provider_id == to_id,
            share_is_active(uow.now()),
        )
    ).one_or_none()


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
    )
