"""Transfers (R8): move a client to a colleague; caseload.py moves a departing provider's whole
caseload (R9) with the same transfer per client.

A transfer links C to B as treating provider, shares A's chart with B (private notes only when
chosen) and takes C off A's list. Sharing, by contrast, keeps C on A's list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, text, update

from ..db.tables import ChartShare, Client, ClientProviderLink, Notification
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput
from .policy import ProviderFacts
from .policy.scopes import share_is_active
from .policy.supervision_rules import may_join_client
from .principal import Principal
from .record_facts import client_name, is_linked
from .sharing import check_share, clean_purpose, end_expired_shares, share_notice
from .supervision_facts import is_restricted, load_client_for


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
    purpose: str | None = None,
) -> None:
    """Transfer C from A to B in the caller's transaction, once the policy allowed it; the one
    audit entry of the transfer carries `appointments` (what happened to A's future ones) and
    the optional `purpose` (already cleaned), which the accounting of disclosures shows (B7)."""
    if not is_linked(uow, client.id, author.staff_id):
        raise InvalidInput(
            f"{client_name(client)} is not on {author.name}'s list, so there is nothing to transfer."
        )
    moved = {client.id: appointments} if appointments is not None else {}
    transfer_clients_in_transaction(
        uow, principal, [client], author, recipient, include_private, caseload_id, moved, purpose
    )


def _active_shares(uow: UnitOfWork, ids: list[int], *conditions) -> list[ChartShare]:
    return list(
        uow.session.scalars(
            select(ChartShare)
            .where(ChartShare.client_id.in_(ids), share_is_active(uow.now()), *conditions)
            .order_by(ChartShare.id)
        )
    )


def transfer_clients_in_transaction(
    uow: UnitOfWork,
    principal: Principal,
    clients: list[Client],
    author: ProviderFacts,
    recipient: ProviderFacts,
    include_private: bool,
    caseload_id: int | None = None,
    appointments: dict[int, dict] | None = None,
    purpose: str | None = None,
) -> None:
    """Transfer each of `clients` (all on A's list) from A to B in the caller's transaction, as
    a transfer of each alone would (R8): B's link (treating), A's chart shared with B, A's link
    and the shares made to A ended, a notice to B, and each client's audit entries together in
    the same order. A few statements for the lot rather than a score per client."""
    if not clients:
        return
    for client in clients:  # R17: never to a colleague the client is restricted from
        restricted = is_restricted(uow, client.id, recipient.staff_id)
        may_join_client(recipient.name, restricted=restricted).require()
    ids = [c.id for c in clients]
    now, me = uow.now(), principal.staff_id
    end_expired_shares(uow)
    entries: dict[int, list[tuple[str, str, dict]]] = {i: [] for i in ids}

    def end(share: ChartShare, reason: str) -> None:
        share.ended_at, share.ended_by, share.end_reason = now, me, reason
        details = {"from": share.from_provider_id, "to": share.to_provider_id, "reason": reason}
        entries[share.client_id].append((audit.Action.SHARE_ENDED, f"share:{share.id}", details))

    kept = set()
    for share in _active_shares(
        uow, ids, ChartShare.from_provider_id == author.staff_id,
        ChartShare.to_provider_id == recipient.staff_id,
    ):  # fmt: skip
        if share.include_private == include_private:
            kept.add(share.client_id)
        else:
            end(share, "manual")
    link = ClientProviderLink
    open_to = (link.provider_id == recipient.staff_id, link.ended_at.is_(None))
    linked = set(
        uow.session.scalars(select(link.client_id).where(link.client_id.in_(ids), *open_to))
    )
    if linked:
        uow.session.execute(
            update(link)
            .where(link.client_id.in_(sorted(linked)), *open_to)
            .values(is_treating=True, version=link.version + 1)
            .execution_options(synchronize_session=False)
        )
    new_links = [i for i in ids if i not in linked]
    if new_links:
        rows = [
            {"client_id": i, "provider_id": recipient.staff_id, "status": "active",
             "start_date": now.date(), "is_treating": True, "created_at": now, "created_by": me}
            for i in new_links
        ]  # fmt: skip
        rows = with_new_ids(uow, "client_provider_links", rows)
        uow.session.execute(insert(link.__table__), rows)
    for i in new_links:
        details = {"provider": recipient.staff_id}
        entries[i].append((audit.Action.LINK_ADDED, f"link:{i}:{recipient.staff_id}", details))
    _share_with(uow, principal, [c for c in clients if c.id not in kept], author, recipient,
                include_private, entries, purpose)  # fmt: skip
    for share in _active_shares(uow, ids, ChartShare.to_provider_id == author.staff_id):
        end(share, "link_ended")
    uow.session.execute(
        update(link)
        .where(
            link.client_id.in_(ids), link.provider_id == author.staff_id, link.ended_at.is_(None)
        )
        .values(ended_at=now, ended_by=me, version=link.version + 1)
        .execution_options(synchronize_session=False)
    )
    uow.session.flush()
    for i in ids:
        ended = {"provider": author.staff_id}
        entries[i].append((audit.Action.LINK_ENDED, f"link:{i}:{author.staff_id}", ended))
        details = {
            "from": author.staff_id,
            "to": recipient.staff_id,
            "include_private": include_private,
            "caseload_transfer": caseload_id,
            **((appointments or {}).get(i) or {}),
            **({"purpose": purpose} if purpose else {}),
        }
        entries[i].append((audit.Action.CLIENT_TRANSFERRED, f"client:{i}", details))
    audit.record_many(
        uow,
        principal,
        [(action, i, subject, values) for i in ids for action, subject, values in entries[i]],
    )


def _share_with(
    uow: UnitOfWork,
    principal: Principal,
    clients: list[Client],
    author: ProviderFacts,
    recipient: ProviderFacts,
    include_private: bool,
    entries: dict[int, list],
    purpose: str | None = None,
) -> None:
    """New shares of A's charts of `clients` with B, with B's notices (B is linked already)."""
    if not clients:
        return
    now = uow.now()
    made = uow.session.execute(
        insert(ChartShare).returning(ChartShare.id, ChartShare.client_id, sort_by_parameter_order=True),
        [
            {"client_id": c.id, "from_provider_id": author.staff_id,
             "to_provider_id": recipient.staff_id, "include_private": include_private,
             "started_at": now, "started_by": principal.staff_id, "expires_at": None,
             "purpose": purpose}
            for c in clients
        ],
    ).all()  # fmt: skip
    details = {
        "from": author.staff_id,
        "to": recipient.staff_id,
        "include_private": include_private,
        "until": None,
        **({"purpose": purpose} if purpose else {}),
    }
    for share_id, client_id in made:
        entries[client_id].append((audit.Action.SHARE_STARTED, f"share:{share_id}", details))
    rows = [
        {"recipient_id": recipient.staff_id, "client_id": c.id, "created_at": now,
         "message": share_notice(principal, c, author, include_private)}
        for c in clients
    ]  # fmt: skip
    uow.session.execute(insert(Notification.__table__), with_new_ids(uow, "notifications", rows))


def with_new_ids(uow: UnitOfWork, table: str, rows: list[dict]) -> list[dict]:
    """On PostgreSQL, `rows` with ids taken from the table's sequence first: an INSERT that
    returns ids is checked against the read policies, and B's notice is not A's to read."""
    if uow.session.get_bind().dialect.name != "postgresql" or not rows:
        return rows
    ids = uow.session.connection().execute(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": f"public.{table}", "n": len(rows)},
    )
    return [{**row, "id": new_id} for row, new_id in zip(rows, ids.scalars(), strict=True)]


@checked
def transfer_client(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    from_provider_id: int,
    to_provider_id: int,
    *,
    include_private: bool = False,
    purpose: str | None = None,
) -> TransferSummary:
    """Transfer C from A to B (R8): allowed to whoever may share A's chart (R5). The optional
    `purpose` appears in the client's accounting of disclosures (B7)."""
    purpose = clean_purpose(purpose)
    with uow:
        client = load_client_for(uow, principal, client_id)
        author, recipient = check_share(uow, principal, client, from_provider_id, to_provider_id)
        transfer_in_transaction(
            uow, principal, client, author, recipient, include_private, purpose=purpose
        )
        summary = TransferSummary(
            client.id, client_name(client), author.name, recipient.name, include_private
        )
        uow.commit()
        return summary
