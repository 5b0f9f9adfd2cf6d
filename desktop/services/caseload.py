"""Caseload transfer (R9): every client of a departing provider to a colleague, in one action.

Each client is transferred as a single transfer would be (R8) with one audit entry per client;
the clients move in batches, one transaction per batch, so an interruption loses nothing that
was committed and a second run resumes where the first stopped. The departing provider's future
appointments with those clients move to the colleague when that was chosen, except those that
would double-book the colleague (R10): they stay, and are listed before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased

from ..db.tables import (
    Appointment,
    CaseloadTransfer,
    CaseloadTransferItem,
    Client,
    ClientProviderLink,
)
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput, NotFound
from .policy import ProviderFacts, may_receive_chart, may_transfer_caseload
from .principal import Principal
from .record_facts import providers_facts, require_provider
from .transfers import transfer_clients_in_transaction

#: clients moved per transaction: few enough that other work waits at most a moment for the
#: audit trail, many enough that the commits do not dominate.
BATCH_SIZE = 50


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
    move_appointments: bool = False
    #: future appointments moved to the colleague, and those left because they clashed.
    appointments_moved: int = 0
    appointments_left: int = 0

    @property
    def finished(self) -> bool:
        return self.status == "finished"


@dataclass(frozen=True)
class AppointmentClash:
    """A future appointment of the departing provider the colleague cannot take: they are
    booked at that time."""

    appointment_id: int
    client_name: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CaseloadPreview:
    """What a caseload transfer would do, shown before it starts (R9)."""

    from_provider_name: str
    to_provider_name: str
    #: the clients on the departing provider's list, by name.
    client_names: list[str]
    #: the departing provider's future booked appointments with those clients.
    future_appointments: int
    clashes: list[AppointmentClash]

    @property
    def total(self) -> int:
        return len(self.client_names)


def _check(uow: UnitOfWork, principal: Principal, from_id: int, to_id: int):
    author = require_provider(uow, from_id)
    may_transfer_caseload(principal, author).require()
    recipient = providers_facts(uow, [to_id]).get(to_id)
    may_receive_chart(author, recipient).require()
    return author, recipient


def _caseload_ids(provider_id: int):
    return select(ClientProviderLink.client_id).where(
        ClientProviderLink.provider_id == provider_id, ClientProviderLink.ended_at.is_(None)
    )


def _future_appointments(uow: UnitOfWork, provider_id: int, client_ids):
    return (
        Appointment.provider_id == provider_id,
        Appointment.client_id.in_(client_ids),
        Appointment.status == "booked",
        Appointment.starts_at >= uow.now(),
    )


def _clashes_with(recipient_id: int):
    """The appointment would overlap a booked one of the recipient (R10, half-open times)."""
    other = aliased(Appointment)
    return exists().where(
        other.provider_id == recipient_id,
        other.status == "booked",
        other.starts_at < Appointment.ends_at,
        other.ends_at > Appointment.starts_at,
    )


@checked
def preview_caseload_transfer(
    uow: UnitOfWork, principal: Principal, from_provider_id: int, to_provider_id: int
) -> CaseloadPreview:
    """The clients who would move, and the departing provider's future appointments with them
    (those that clash with the colleague's calendar listed), before anything is changed."""
    with uow:
        author, recipient = _check(uow, principal, from_provider_id, to_provider_id)
        caseload = _caseload_ids(author.staff_id)
        names = uow.session.execute(
            select(Client.first_name, Client.last_name)
            .where(Client.id.in_(caseload))
            .order_by(Client.sort_name, Client.id)
        ).all()
        future = _future_appointments(uow, author.staff_id, caseload)
        count = uow.session.scalar(select(func.count()).select_from(Appointment).where(*future))
        clashes = uow.session.execute(
            select(Appointment.id, Client.first_name, Client.last_name, Appointment.starts_at)
            .add_columns(Appointment.ends_at)
            .join(Client, Client.id == Appointment.client_id)
            .where(*future, _clashes_with(recipient.staff_id))
            .order_by(Appointment.starts_at)
        ).all()
        return CaseloadPreview(
            author.name,
            recipient.name,
            [f"{first} {last}" for first, last in names],
            count or 0,
            [AppointmentClash(i, f"{f} {last}", s, e) for i, f, last, s, e in clashes],
        )


def _progress(uow: UnitOfWork, transfer: CaseloadTransfer) -> CaseloadProgress:
    item = CaseloadTransferItem
    counts = uow.session.execute(
        select(
            func.count(),
            func.count(item.done_at),
            func.coalesce(func.sum(item.appointments_moved), 0),
            func.coalesce(func.sum(item.appointments_left), 0),
        ).where(item.transfer_id == transfer.id)
    ).one()
    names = providers_facts(uow, [transfer.from_provider_id, transfer.to_provider_id])
    return CaseloadProgress(
        transfer_id=transfer.id,
        from_provider_name=names[transfer.from_provider_id].name,
        to_provider_name=names[transfer.to_provider_id].name,
        total=counts[0],
        done=counts[1],
        status=transfer.status,
        started_at=transfer.started_at,
        move_appointments=transfer.move_appointments,
        appointments_moved=counts[2],
        appointments_left=counts[3],
    )


@checked
def start_caseload_transfer(
    uow: UnitOfWork,
    principal: Principal,
    from_provider_id: int,
    to_provider_id: int,
    *,
    include_private: bool = False,
    move_appointments: bool = False,
) -> CaseloadProgress:
    """Plan the transfer of every client on A's list to B (R9). An unfinished transfer of A's
    caseload to the same colleague is resumed rather than planned twice."""
    with uow:
        author, recipient = _check(uow, principal, from_provider_id, to_provider_id)
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
            _caseload_ids(author.staff_id).order_by(ClientProviderLink.client_id)
        ).all()
        if not client_ids:
            raise InvalidInput(f"{author.name} has no clients on their list to transfer.")
        transfer = CaseloadTransfer(
            from_provider_id=author.staff_id,
            to_provider_id=recipient.staff_id,
            include_private=include_private,
            move_appointments=move_appointments,
            status="running",
            started_by=principal.staff_id,
            started_at=uow.now(),
        )
        uow.session.add(transfer)
        uow.session.flush()
        uow.session.execute(
            CaseloadTransferItem.__table__.insert(),
            [{"transfer_id": transfer.id, "client_id": c} for c in client_ids],
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
                "move_appointments": move_appointments,
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


def _move_future_appointments(
    uow: UnitOfWork, client_ids: list[int], author: ProviderFacts, recipient: ProviderFacts
) -> dict[int, dict[str, list[int]]]:
    """Give the colleague the departing provider's future appointments with the clients, except
    those that would double-book them (R10); per client, the ids of both, for the client's audit
    entry. The provider's own appointments never overlap, so one check before moving suffices."""
    rows = uow.session.execute(
        select(Appointment.client_id, Appointment.id, _clashes_with(recipient.staff_id))
        .where(*_future_appointments(uow, author.staff_id, client_ids))
        .order_by(Appointment.starts_at)
    ).all()
    result = {c: {"appointments_moved": [], "appointments_left": []} for c in client_ids}
    for client_id, appointment_id, clash in rows:
        key = "appointments_left" if clash else "appointments_moved"
        result[client_id][key].append(appointment_id)
    moved = [i for _c, i, clash in rows if not clash]
    if moved:
        uow.session.execute(
            update(Appointment)
            .where(Appointment.id.in_(moved))
            .values(provider_id=recipient.staff_id, version=Appointment.version + 1)
            .execution_options(synchronize_session=False)
        )
    return result


@checked
def run_caseload_transfer(
    uow: UnitOfWork,
    principal: Principal,
    transfer_id: int,
    on_progress: Callable[[CaseloadProgress], bool] | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> CaseloadProgress:
    """Move the remaining clients `batch_size` per transaction, so an interruption loses nothing
    committed and a second call resumes where the first stopped. `on_progress` is told after
    each batch; returning False stops there. The permission is checked again for each batch. A
    client who left A's list meanwhile is marked done without a transfer."""
    while True:
        with uow:
            transfer = uow.session.get(CaseloadTransfer, transfer_id)
            if transfer is None:
                raise NotFound("That caseload transfer no longer exists.")
            author, recipient = _check(
                uow, principal, transfer.from_provider_id, transfer.to_provider_id
            )
            items = uow.session.scalars(
                select(CaseloadTransferItem)
                .where(
                    CaseloadTransferItem.transfer_id == transfer.id,
                    CaseloadTransferItem.done_at.is_(None),
                )
                .order_by(CaseloadTransferItem.client_id)
                .limit(max(1, batch_size))
            ).all()
            if not items:
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
            ids = [item.client_id for item in items]
            clients = {
                c.id: c for c in uow.session.scalars(select(Client).where(Client.id.in_(ids)))
            }
            still_linked = set(
                uow.session.scalars(
                    _caseload_ids(author.staff_id).where(ClientProviderLink.client_id.in_(ids))
                )
            )
            appointments = {}
            if transfer.move_appointments:
                appointments = _move_future_appointments(
                    uow, [i for i in ids if i in still_linked], author, recipient
                )
            moving = [clients[i] for i in ids if i in still_linked]
            transfer_clients_in_transaction(
                uow,
                principal,
                moving,
                author,
                recipient,
                transfer.include_private,
                transfer.id,
                appointments,
            )
            for item in items:
                moved = appointments.get(item.client_id)
                if moved is not None:
                    item.appointments_moved = len(moved["appointments_moved"])
                    item.appointments_left = len(moved["appointments_left"])
                item.done_at = uow.now()
            uow.session.flush()
            progress = _progress(uow, transfer)
            uow.commit()
        if on_progress is not None and on_progress(progress) is False:
            return progress
