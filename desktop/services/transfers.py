"""Transfers (R8, R9): move a client, or a departing provider's whole caseload, to a colleague.

A transfer links C to B as treating provider, shares A's chart with B (private notes only when
chosen) and takes C off A's list. Sharing, by contrast, keeps C on A's list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..db.tables import CaseloadTransfer, CaseloadTransferItem, Client, ClientProviderLink
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput, NotFound
from .policy import ProviderFacts, may_receive_chart, may_transfer_caseload
from .principal import Principal
from .provider_links import end_link_in_transaction
from .record_facts import (
    active_share,
    client_name,
    is_linked,
    load_client,
    provider_facts,
    require_provider,
)
from .sharing import check_share, end_share_in_transaction, ensure_link, start_share_in_transaction


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


def _transfer_in_transaction(
    uow: UnitOfWork,
    principal: Principal,
    client: Client,
    author: ProviderFacts,
    recipient: ProviderFacts,
    include_private: bool,
    caseload_id: int | None = None,
) -> None:
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
        client = load_client(uow, client_id)
        author, recipient = check_share(uow, principal, client, from_provider_id, to_provider_id)
        _transfer_in_transaction(uow, principal, client, author, recipient, include_private)
        summary = TransferSummary(
            client.id, client_name(client), author.name, recipient.name, include_private
        )
        uow.commit()
        return summary


@dataclass(frozen=True)
class CaseloadProgress:
    """Where a caseload transfer stands (R9)."""

    transfer_id: int
    from_provider_name: str
    to_provider_name: str
    total: int
    done: int
    status: str
    started_at: datetime

    @property
    def finished(self) -> bool:
        return self.status == "finished"


def _progress(uow: UnitOfWork, transfer: CaseloadTransfer) -> CaseloadProgress:
    counts = uow.session.execute(
        select(func.count(), func.count(CaseloadTransferItem.done_at)).where(
            CaseloadTransferItem.transfer_id == transfer.id
        )
    ).one()
    return CaseloadProgress(
        transfer_id=transfer.id,
        from_provider_name=require_provider(uow, transfer.from_provider_id).name,
        to_provider_name=require_provider(uow, transfer.to_provider_id).name,
        total=counts[0],
        done=counts[1],
        status=transfer.status,
        started_at=transfer.started_at,
    )


@checked
def start_caseload_transfer(
    uow: UnitOfWork,
    principal: Principal,
    from_provider_id: int,
    to_provider_id: int,
    *,
    include_private: bool = False,
) -> CaseloadProgress:
    """Plan the transfer of every client on A's list to B (R9). An unfinished transfer of A's
    caseload to the same colleague is resumed rather than planned twice."""
    with uow:
        author = require_provider(uow, from_provider_id)
        may_transfer_caseload(principal, author).require()
        recipient = provider_facts(uow, to_provider_id)
        may_receive_chart(author, recipient).require()
        running = uow.session.scalars(
            select(CaseloadTransfer).where(
                CaseloadTransfer.from_provider_id == author.staff_id,
                CaseloadTransfer.status == "running",
            )
        ).first()
        if running is not None:
            if running.to_provider_id != recipient.staff_id:
                other = require_provider(uow, running.to_provider_id).name
                raise InvalidInput(
                    f"{author.name}'s caseload is already being transferred to {other}. "
                    "Finish that transfer first."
                )
            return _progress(uow, running)
        client_ids = uow.session.scalars(
            select(ClientProviderLink.client_id)
            .where(
                ClientProviderLink.provider_id == author.staff_id,
                ClientProviderLink.ended_at.is_(None),
            )
            .order_by(ClientProviderLink.client_id)
        ).all()
        if not client_ids:
            raise InvalidInput(f"{author.name} has no clients on their list to transfer.")
        transfer = CaseloadTransfer(
            from_provider_id=author.staff_id,
            to_provider_id=recipient.staff_id,
            include_private=include_private,
            status="running",
            started_by=principal.staff_id,
            started_at=uow.now(),
        )
        uow.session.add(transfer)
        uow.session.flush()
        uow.session.add_all(
            CaseloadTransferItem(transfer_id=transfer.id, client_id=c) for c in client_ids
        )
        audit.record(
            uow,
            principal,
            audit.Action.CASELOAD_TRANSFER_STARTED,
            subject=f"caseload:{transfer.id}",
            details={
                "from": author.staff_id,
                "to": recipient.staff_id,
                "clients": len(client_ids),
                "include_private": include_private,
            },
        )
        uow.session.flush()
        progress = _progress(uow, transfer)
        uow.commit()
        return progress


@checked
def unfinished_caseload_transfers(uow: UnitOfWork, principal: Principal) -> list[CaseloadProgress]:
    """Caseload transfers that were interrupted and can be resumed by this principal."""
    with uow:
        transfers = uow.session.scalars(
            select(CaseloadTransfer)
            .where(CaseloadTransfer.status == "running")
            .order_by(CaseloadTransfer.id)
        ).all()
        result = []
        for transfer in transfers:
            if may_transfer_caseload(principal, require_provider(uow, transfer.from_provider_id)):
                result.append(_progress(uow, transfer))
        return result


@checked
def run_caseload_transfer(
    uow: UnitOfWork,
    principal: Principal,
    transfer_id: int,
    on_progress: Callable[[CaseloadProgress], bool] | None = None,
) -> CaseloadProgress:
    """Move the remaining clients one transaction each, so an interruption loses nothing and a
    second call resumes where the first stopped. `on_progress` returning False stops early.
    A client who left A's list meanwhile is marked done without a transfer."""
    while True:
        with uow:
            transfer = uow.session.get(CaseloadTransfer, transfer_id)
            if transfer is None:
                raise NotFound("That caseload transfer no longer exists.")
            author = require_provider(uow, transfer.from_provider_id)
            may_transfer_caseload(principal, author).require()
            recipient = provider_facts(uow, transfer.to_provider_id)
            may_receive_chart(author, recipient).require()
            item = uow.session.scalars(
                select(CaseloadTransferItem)
                .where(
                    CaseloadTransferItem.transfer_id == transfer.id,
                    CaseloadTransferItem.done_at.is_(None),
                )
                .order_by(CaseloadTransferItem.client_id)
                .limit(1)
            ).first()
            if item is None:
                if transfer.status != "finished":
                    transfer.status = "finished"
                    transfer.finished_at = uow.now()
                    audit.record(
                        uow,
                        principal,
                        audit.Action.CASELOAD_TRANSFER_FINISHED,
                        subject=f"caseload:{transfer.id}",
                    )
                progress = _progress(uow, transfer)
                uow.commit()
                return progress
            client = load_client(uow, item.client_id)
            if is_linked(uow, client.id, author.staff_id):
                _transfer_in_transaction(
                    uow, principal, client, author, recipient, transfer.include_private, transfer.id
                )
            item.done_at = uow.now()
            uow.session.flush()
            progress = _progress(uow, transfer)
            uow.commit()
        if on_progress is not None and on_progress(progress) is False:
            return progress
