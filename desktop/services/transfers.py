"""Transfers (R8): move a client to a colleague; caseload.py moves a departing provider's whole
caseload (R9) with the same transfer per client.

A transfer links C to B as treating provider, shares A's chart with B (private notes only when
chosen) and takes C off A's list. Sharing, by contrast, keeps C on A's list.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..db.tables import Client
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput
from .policy import ProviderFacts
from .principal import Principal
from .provider_links import end_link_in_transaction
from .record_facts import active_share, client_name, is_linked
from .sharing import check_share, end_share_in_transaction, ensure_link, start_share_in_transaction
from .supervision_facts import load_client_for


@dataclass(frozen=True)
class TransferSummary:
    """What a transfer of one client did, for the confirmation banner."""

    client_id: int
    client_name: str
    from_provider_name: str
    to_provider_name: str
    include_private: bool

    @property
    def message(self) -> str:
        return (
            f"{self.client_name} was transferred from {self.from_provider_name} to "
            f"{self.to_provider_name}, who can now read {self.from_provider_name}'s chart"
            + (" including private psychotherapy notes." if self.include_private else ".")
        )


def transfer_in_transaction(
    uow: UnitOfWork,
    principal: Principal,
    client: Client,
    author: ProviderFacts,
    recipient: ProviderFacts,
    include_private: bool,
    caseload_id: int | None = None,
    appointments: dict | None = None,
) -> None:
    """Transfer C from A to B in the caller's transaction, once the policy allowed it; the one
    audit entry of the transfer carries `appointments` (what happened to A's future ones)."""
    if not is_linked(uow, client.id, author.staff_id):
        raise InvalidInput(
            f"{client_name(client)} is not on {author.name}'s list, so there is nothing to transfer."
        )
    existing = active_share(uow, client.id, author.staff_id, recipient.staff_id)
    if existing is not None and existing.include_private != include_private:
        end_share_in_transaction(uow, principal, existing, "manual")
        existing = None
    ensure_link(uow, principal, client, recipient.staff_id, treating=True)
    if existing is None:
        start_share_in_transaction(
            uow, principal, client, author, recipient, include_private=include_private, until=None
        )
    end_link_in_transaction(uow, principal, client, author.staff_id)
    audit.record(
        uow,
        principal,
        audit.Action.CLIENT_TRANSFERRED,
        client_id=client.id,
        subject=f"client:{client.id}",
        details={
            "from": author.staff_id,
            "to": recipient.staff_id,
            "include_private": include_private,
            "caseload_transfer": caseload_id,
            **(appointments or {}),
        },
    )


@checked
def transfer_client(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    from_provider_id: int,
    to_provider_id: int,
    *,
    include_private: bool = False,
) -> TransferSummary:
    """Transfer C from A to B (R8): allowed to whoever may share A's chart (R5)."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        author, recipient = check_share(uow, principal, client, from_provider_id, to_provider_id)
        transfer_in_transaction(uow, principal, client, author, recipient, include_private)
        summary = TransferSummary(
            client.id, client_name(client), author.name, recipient.name, include_private
        )
        uow.commit()
        return summary
