"""Which providers have a client on their list (R6): add without chart access, end, manage access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..db.tables import ChartShare, Client, ClientProviderLink, Notification, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput
from .policy import (
    may_add_to_provider_list,
    may_change_provider_lists,
    may_remove_from_provider_list,
)
from .policy.scopes import share_is_active
from .principal import Principal
from .record_facts import client_name, has_own_chart, is_linked, provider_facts
from .sharing import end_share_in_transaction, ensure_link
from .supervision_facts import load_client_for
from .validation import require_id


@dataclass(frozen=True)
class RemovalEffect:
    """What taking the client off one provider's list ends, said before it is done."""

    provider_id: int
    provider_name: str
    is_treating: bool
    #: chart shares made to this provider for the client, which end with the link.
    shares_to_them: int
    #: the provider has written in their own chart of the client (they keep reading it).
    keeps_own_chart: bool

    def sentence(self, client: str) -> str:
        """What ending the link ends, in plain words."""
        name = self.provider_name
        parts = []
        if self.is_treating:
            parts.append(
                f"{name} is {client}'s treating provider; {client} will have no treating "
                "provider until one is chosen."
            )
        if self.shares_to_them == 1:
            parts.append(f"The chart share made to {name} for {client} ends.")
        elif self.shares_to_them:
            parts.append(f"The {self.shares_to_them} chart shares made to {name} for {client} end.")
        if self.keeps_own_chart:
            parts.append(f"{name} keeps reading their own chart of {client}.")
        return " ".join(parts)


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


@checked
def add_to_provider_list(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_id: int
) -> LinkView:
    """Put C on B's list with demographics only: B gets the profile (R2), nothing of a chart (R6)."""
    with uow:
        client = load_client_for(uow, principal, client_id)
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


def _check_change(uow: UnitOfWork, principal: Principal, client: Client) -> None:
    linked = is_linked(uow, client.id, principal.staff_id)
    may_change_provider_lists(principal, principal_linked=linked).require()


def _check_removal(uow: UnitOfWork, principal: Principal, client: Client, provider_id: int):
    linked = is_linked(uow, client.id, principal.staff_id)
    may_remove_from_provider_list(
        principal, principal_linked=linked, provider_id=provider_id
    ).require()


@checked
def removal_effects(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_ids: Iterable[int]
) -> list[RemovalEffect]:
    """What ending these providers' links to the client would end (treating provider, shares
    made to them), to warn before Manage access saves. Changes nothing."""
    client_id = require_id(client_id, "client")
    ids = [require_id(p, "provider") for p in provider_ids]
    with uow:
        client = load_client_for(uow, principal, client_id)
        _check_change(uow, principal, client)
        now = uow.now()
        effects = []
        for link in links_of_client(uow, client.id):
            if link.provider_id not in ids:
                continue
            shares = uow.session.scalar(
                select(func.count()).where(
                    ChartShare.client_id == client.id,
                    ChartShare.to_provider_id == link.provider_id,
                    share_is_active(now),
                )
            )
            effects.append(
                RemovalEffect(
                    link.provider_id,
                    link.provider_name,
                    link.is_treating,
                    shares or 0,
                    has_own_chart(uow, client.id, link.provider_id),
                )
            )
        return effects


@checked
def remove_from_provider_list(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_id: int
) -> None:
    """Take C off B's list: the roles of R6 for anyone, a provider for themselves only. Shares
    made to B for C end with it; B's own chart stays, and B still reads it (R3)."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        _check_removal(uow, principal, client, provider_id)
        if not is_linked(uow, client.id, provider_id):
            name = getattr(provider_facts(uow, provider_id), "name", "that provider")
            raise InvalidInput(f"{client_name(client)} is not on {name}'s list.")
        end_link_in_transaction(uow, principal, client, provider_id)
        uow.commit()


@checked
def set_providers_with_access(
    uow: UnitOfWork, principal: Principal, client_id: int, provider_ids: Iterable[int]
) -> list[LinkView]:
    """Manage Access: make exactly these providers have C on their list, in one transaction.
    Every addition and removal is checked as R6; if one is refused, nothing changes."""
    wanted = set(provider_ids)
    with uow:
        client = load_client_for(uow, principal, client_id)
        _check_change(uow, principal, client)
        current = {link.provider_id for link in links_of_client(uow, client.id)}
        known = set(uow.session.scalars(select(ProviderProfile.staff_id)))
        unknown = wanted - known
        if unknown:
            raise InvalidInput("Choose providers of this practice only.", field="providers")
        for provider_id in sorted(wanted - current):
            recipient = _check(uow, principal, client, provider_id)
            ensure_link(uow, principal, client, recipient.staff_id)
        for provider_id in sorted(current - wanted):
            _check_removal(uow, principal, client, provider_id)
            end_link_in_transaction(uow, principal, client, provider_id)
        views = links_of_client(uow, client.id)
        uow.commit()
        return views
