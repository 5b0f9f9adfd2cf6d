"""Which providers have a client on their list (R6): add without chart access, end, manage access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..db.tables import ChartShare, Client, ClientProviderLink, Notification, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit
from .errors import InvalidInput
from .policy import may_add_to_provider_list, may_change_provider_lists
from .policy.scopes import share_is_active
from .principal import Principal
from .record_facts import client_name, is_linked, load_client, provider_facts
from .sharing import end_share_in_transaction, ensure_link


@dataclass(frozen=True)
class LinkView:
    """A provider who has the client on their list."""

    client_id: int
    provider_id: int
    provider_name: str
    status: str
    start_date: date | None
    is_treating: bool


def _check(uow: UnitOfWork, principal: Principal, client: Client, provider_id: int):
    recipient = provider_facts(uow, provider_id)
    decision = may_add_to_provider_list(
        principal,
        principal_linked=is_linked(uow, client.id, principal.staff_id),
        recipient=recipient,
    )
    decision.require()
    return recipient


def links_of_client(uow: UnitOfWork, client_id: int) -> list[LinkView]:
    """The client's open links, by provider name; in the caller's transaction."""
    rows = uow.session.execute(
        select(ClientProviderLink, Staff.display_name)
        .join(Staff, Staff.id == ClientProviderLink.provider_id)
        .where(ClientProviderLink.client_id == client_id, ClientProviderLink.ended_at.is_(None))
        .order_by(Staff.display_name, Staff.id)
    ).all()
    return [
        LinkView(
            link.client_id, link.provider_id, name, link.status, link.start_date, link.is_treating
        )
        for link, name in rows
    ]


def add_to_provider_list(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_id: int
) -> LinkView:
    """Put C on B's list with demographics only: B gets the profile (R2), nothing of a chart (R6)."""
    with uow:
        client = load_client(uow, client_id)
        recipient = _check(uow, principal, client, provider_id)
        if not ensure_link(uow, principal, client, recipient.staff_id):
            raise InvalidInput(f"{client_name(client)} is already on {recipient.name}'s list.")
        uow.session.add(
            Notification(
                recipient_id=recipient.staff_id,
                client_id=client.id,
                created_at=uow.now(),
                message=f"{principal.display_name} added {client_name(client)} to your list.",
            )
        )
        view = next(
            v for v in links_of_client(uow, client.id) if v.provider_id == recipient.staff_id
        )
        uow.commit()
        return view


def end_link_in_transaction(
    uow: UnitOfWork, principal: Principal, client: Client, provider_id: int
) -> None:
    """End B's link to C, and the shares made to B for C (B no longer sees C at all)."""
    link = uow.session.scalars(
        select(ClientProviderLink).where(
            ClientProviderLink.client_id == client.id,
            ClientProviderLink.provider_id == provider_id,
            ClientProviderLink.ended_at.is_(None),
        )
    ).one()
    now = uow.now()
    link.ended_at = now
    link.ended_by = principal.staff_id
    for share in uow.session.scalars(
        select(ChartShare).where(
            ChartShare.client_id == client.id,
            ChartShare.to_provider_id == provider_id,
            share_is_active(now),
        )
    ):
        end_share_in_transaction(uow, principal, share, "link_ended")
    uow.session.flush()
    audit.record(
        uow,
        principal,
        audit.Action.LINK_ENDED,
        client_id=client.id,
        subject=f"link:{client.id}:{provider_id}",
        details={"provider": provider_id},
    )


def _check_removal(uow: UnitOfWork, principal: Principal, client: Client) -> None:
    linked = is_linked(uow, client.id, principal.staff_id)
    may_change_provider_lists(principal, principal_linked=linked).require()


def remove_from_provider_list(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_id: int
) -> None:
    """Take C off B's list (same people as R6). Shares made to B for C end with it; B's own
    chart stays, readable as before by those the rules allow."""
    with uow:
        client = load_client(uow, client_id)
        _check_removal(uow, principal, client)
        if not is_linked(uow, client.id, provider_id):
            name = getattr(provider_facts(uow, provider_id), "name", "that provider")
            raise InvalidInput(f"{client_name(client)} is not on {name}'s list.")
        end_link_in_transaction(uow, principal, client, provider_id)
        uow.commit()


def set_providers_with_access(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_ids: Iterable[int]
) -> list[LinkView]:
    """Manage Access: make exactly these providers have C on their list, in one transaction.
    Every addition and removal is checked as R6; if one is refused, nothing changes."""
    wanted = set(provider_ids)
    with uow:
        client = load_client(uow, client_id)
        _check_removal(uow, principal, client)
        current = {link.provider_id for link in links_of_client(uow, client.id)}
        known = set(uow.session.scalars(select(ProviderProfile.staff_id)))
        unknown = wanted - known
        if unknown:
            raise InvalidInput("Choose providers of this practice only.", field="providers")
        for provider_id in sorted(wanted - current):
            recipient = _check(uow, principal, client, provider_id)
            ensure_link(uow, principal, client, recipient.staff_id)
        for provider_id in sorted(current - wanted):
            _check_removal(uow, principal, client)
            end_link_in_transaction(uow, principal, client, provider_id)
        views = links_of_client(uow, client.id)
        uow.commit()
        return views
