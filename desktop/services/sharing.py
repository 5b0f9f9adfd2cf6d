"""Chart sharing (R5, B2, B3, B4): start and end a one-way share of A's chart of C with B.

A share gives B read access to A's chart (R3) and, only when chosen, A's private notes (R4).
Starting a share puts C on B's list if C is not there yet; ending it leaves that link (R6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update

from ..db.tables import (
    ChartNote,
    ChartShare,
    Client,
    ClientProviderLink,
    Document,
    Notification,
    Staff,
)
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .policy import ProviderFacts, may_receive_chart, may_share_chart
from .policy.scopes import share_is_active
from .policy.supervision_rules import may_join_client
from .principal import Principal
from .record_facts import (
    active_share,
    chart_facts,
    client_name,
    is_linked,
    provider_facts,
    require_provider,
)
from .supervision_facts import is_restricted, load_client_for, provider_name
from .validation import clean_text

SHARE_STARTED_BANNER = "Chart sharing has been activated"
SHARE_ENDED_BANNER = "Chart sharing has been deactivated"


@dataclass(frozen=True)
class ShareView:
    """One chart share as panels and dialogs show it."""

    id: int
    client_id: int
    from_provider_id: int
    from_provider_name: str
    to_provider_id: int
    to_provider_name: str
    include_private: bool
    started_at: datetime
    started_by_name: str
    expires_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None


@dataclass(frozen=True)
class SharePreview:
    """What B would gain from a share (B3): counts only, never content."""

    client_id: int
    client_name: str
    from_provider_name: str
    to_provider_name: str
    progress_notes: int
    clinical_documents: int
    private_notes: int
    include_private: bool
    #: the share would also put the client on B's list.
    adds_to_list: bool
    already_shared: bool

    @property
    def summary(self) -> str:
        notes = _count_phrase(self.progress_notes, "signed progress note")
        docs = _count_phrase(self.clinical_documents, "clinical document")
        if self.include_private:
            private = _count_phrase(self.private_notes, "private psychotherapy note")
        else:
            private = "no private psychotherapy notes"
        return (
            f"{self.to_provider_name} will be able to read {notes}, {docs} and {private} in "
            f"{self.from_provider_name}'s chart of {self.client_name}, and every note added later."
        )


def _count_phrase(count: int, noun: str) -> str:
    """ "no clinical documents", "1 clinical document", "3 clinical documents"."""
    if count == 0:
        return f"no {noun}s"
    return f"{count} {noun}{'s' if count != 1 else ''}"


#: the longest purpose a share or transfer keeps.
MAX_PURPOSE = 500


def clean_purpose(purpose: str | None) -> str | None:
    """The purpose typed for a share or transfer, trimmed; None when nothing was typed."""
    text = clean_text(
        purpose, "The purpose", max_length=MAX_PURPOSE, required=False, field="purpose"
    )
    return text or None


def _name(uow: UnitOfWork, staff_id: int | None) -> str:
    if staff_id is None:
        return "Clinic Desk"
    staff = uow.session.get(Staff, staff_id)
    return staff.display_name if staff else "a former staff member"


def share_view(uow: UnitOfWork, share: ChartShare) -> ShareView:
    return ShareView(
        id=share.id,
        client_id=share.client_id,
        from_provider_id=share.from_provider_id,
        from_provider_name=_name(uow, share.from_provider_id),
        to_provider_id=share.to_provider_id,
        to_provider_name=_name(uow, share.to_provider_id),
        include_private=share.include_private,
        started_at=share.started_at,
        started_by_name=_name(uow, share.started_by),
        expires_at=share.expires_at,
        ended_at=share.ended_at,
        end_reason=share.end_reason,
    )


def check_share(
    uow: UnitOfWork, principal: Principal, client: Client, from_id: int, to_id: int
) -> tuple[ProviderFacts, ProviderFacts]:
    """The author and recipient of a share of `from_id`'s chart, once R5 and R15 allow it."""
    author = require_provider(uow, from_id)
    may_share_chart(principal, chart_facts(uow, principal, client, author)).require()
    recipient = provider_facts(uow, to_id)
    may_receive_chart(author, recipient).require()
    return author, recipient


def _clean_until(uow: UnitOfWork, until: datetime | None) -> datetime | None:
    if until is None:
        return None
    if until.tzinfo is None:
        raise InvalidInput("The end date needs a time zone.", field="until")
    if until <= uow.now():
        raise InvalidInput("The end date must be in the future.", field="until")
    return until


def ensure_link(
    uow: UnitOfWork,
    principal: Principal,
    client: Client,
    provider_id: int,
    *,
    treating: bool = False,
) -> bool:
    """Put the client on the provider's list (R6) unless already there; True when a link was added."""
    if is_linked(uow, client.id, provider_id):
        if treating:
            uow.session.execute(
                update(ClientProviderLink)
                .where(
                    ClientProviderLink.client_id == client.id,
                    ClientProviderLink.provider_id == provider_id,
                    ClientProviderLink.ended_at.is_(None),
                )
                .values(is_treating=True, version=ClientProviderLink.version + 1)
            )
        return False
    may_join_client(
        provider_name(uow, provider_id), restricted=is_restricted(uow, client.id, provider_id)
    ).require()
    now = uow.now()
    uow.session.add(
        ClientProviderLink(
            client_id=client.id,
            provider_id=provider_id,
            status="active",
            start_date=now.date(),
            is_treating=treating,
            created_at=now,
            created_by=principal.staff_id,
        )
    )
    uow.session.flush()
    audit.record(
        uow,
        principal,
        audit.Action.LINK_ADDED,
        client_id=client.id,
        subject=f"link:{client.id}:{provider_id}",
        details={"provider": provider_id},
    )
    return True


def end_expired_shares(uow: UnitOfWork) -> int:
    """End, as of their end date, every share whose end date has passed (B2); in the caller's
    transaction. Access already stops at the end date; this records it, audited like a manual end.
    On PostgreSQL the database's own function does the same, for any staff login."""
    if uow.dialect == "postgresql":
        ended = uow.session.execute(text("SELECT app.end_expired_shares(:now)"), {"now": uow.now()})
        uow.session.expire_all()  # shares loaded in this transaction may have ended
        return int(ended.scalar_one())
    now = uow.now()
    due = uow.session.scalars(
        select(ChartShare).where(
            ChartShare.ended_at.is_(None),
            ChartShare.expires_at.is_not(None),
            ChartShare.expires_at <= now,
        )
    ).all()
    for share in due:
        share.ended_at = share.expires_at
        share.end_reason = "expired"
        uow.session.flush()
        audit.record(
            uow,
            None,
            audit.Action.SHARE_ENDED,
            client_id=share.client_id,
            subject=f"share:{share.id}",
            details={
                "from": share.from_provider_id,
                "to": share.to_provider_id,
                "reason": "expired",
            },
            actor_label="Clinic Desk (end date reached)",
            workstation="clinic desk",
        )
    return len(due)


def expire_due_shares(uow: UnitOfWork) -> int:
    """Record the end of every share past its end date; returns how many ended (B2)."""
    with uow:
        count = end_expired_shares(uow)
        uow.commit()
        return count


def start_share_in_transaction(
    uow: UnitOfWork,
    principal: Principal,
    client: Client,
    author: ProviderFacts,
    recipient: ProviderFacts,
    *,
    include_private: bool,
    until: datetime | None,
    purpose: str | None = None,
) -> ChartShare:
    """Write a new share, its link, audit entry and notice; the caller has checked the policy.
    `purpose` (optional, already cleaned) is kept with the share and in the entry (B7)."""
    end_expired_shares(uow)
    existing = active_share(uow, client.id, author.staff_id, recipient.staff_id)
    if existing is not None:
        since = existing.started_at.date().isoformat()
        raise Conflict(
            f"{author.name}'s chart of {client_name(client)} is already shared with {recipient.name} "
            f"(since {since}). End that share first to change what it includes."
        )
    ensure_link(uow, principal, client, recipient.staff_id)
    share = ChartShare(
        client_id=client.id,
        from_provider_id=author.staff_id,
        to_provider_id=recipient.staff_id,
        include_private=include_private,
        started_at=uow.now(),
        started_by=principal.staff_id,
        expires_at=until,
        purpose=purpose,
    )
    uow.session.add(share)
    uow.session.flush()
    audit.record(
        uow,
        principal,
        audit.Action.SHARE_STARTED,
        client_id=client.id,
        subject=f"share:{share.id}",
        details={
            "from": author.staff_id,
            "to": recipient.staff_id,
            "include_private": include_private,
            "until": until.isoformat() if until else None,
            **({"purpose": purpose} if purpose else {}),
        },
    )
    uow.session.add(
        Notification(
            recipient_id=recipient.staff_id,
            client_id=client.id,
            created_at=uow.now(),
            message=share_notice(principal, client, author, include_private),
        )
    )
    return share


def share_notice(
    principal: Principal, client: Client, author: ProviderFacts, include_private: bool
) -> str:
    """The notice the colleague receives when a chart is shared with them."""
    who = author.name if principal.staff_id == author.staff_id else f"{principal.display_name}"
    whose = "" if principal.staff_id == author.staff_id else f" ({author.name}'s chart)"
    return f"{who} shared {client_name(client)}'s chart with you{whose}." + (
        " Private psychotherapy notes are included." if include_private else ""
    )


@checked
def start_chart_share(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    from_provider_id: int,
    to_provider_id: int,
    *,
    include_private: bool = False,
    until: datetime | None = None,
    purpose: str | None = None,
) -> ShareView:
    """Share A's chart of C with B, one way (R5); private notes only when chosen (R4). The
    optional `purpose` appears in the client's accounting of disclosures (B7)."""
    purpose = clean_purpose(purpose)
    with uow:
        client = load_client_for(uow, principal, client_id)
        author, recipient = check_share(uow, principal, client, from_provider_id, to_provider_id)
        until = _clean_until(uow, until)
        share = start_share_in_transaction(
            uow,
            principal,
            client,
            author,
            recipient,
            include_private=include_private,
            until=until,
            purpose=purpose,
        )
        view = share_view(uow, share)
        uow.commit()
        return view


def end_share_in_transaction(
    uow: UnitOfWork, principal: Principal, share: ChartShare, reason: str
) -> None:
    share.ended_at = uow.now()
    share.ended_by = principal.staff_id
    share.end_reason = reason
    uow.session.flush()
    audit.record(
        uow,
        principal,
        audit.Action.SHARE_ENDED,
        client_id=share.client_id,
        subject=f"share:{share.id}",
        details={"from": share.from_provider_id, "to": share.to_provider_id, "reason": reason},
    )


@checked
def end_chart_share(uow: UnitOfWork, principal: Principal, share_id: int) -> ShareView:
    """End a share (R5, same permission as starting it); C stays on B's list (R6)."""
    with uow:
        share = uow.session.get(ChartShare, share_id)
        if share is None:
            raise NotFound("That chart share no longer exists.")
        client = load_client_for(uow, principal, share.client_id)
        author = require_provider(uow, share.from_provider_id)
        may_share_chart(principal, chart_facts(uow, principal, client, author)).require()
        if share.ended_at is not None or (share.expires_at and share.expires_at <= uow.now()):
            raise InvalidInput("This chart share has already ended.")
        end_share_in_transaction(uow, principal, share, "manual")
        view = share_view(uow, share)
        uow.commit()
        return view


@checked
def preview_share(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    from_provider_id: int,
    to_provider_id: int,
    *,
    include_private: bool = False,
) -> SharePreview:
    """Exactly what B would gain (B3), for the review screen; counts only, so nothing is read."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        author, recipient = check_share(uow, principal, client, from_provider_id, to_provider_id)

        def count_notes(kind: str) -> int:
            return uow.session.scalar(
                select(func.count())
                .select_from(ChartNote)
                .where(
                    ChartNote.client_id == client.id,
                    ChartNote.author_id == author.staff_id,
                    ChartNote.kind == kind,
                    ChartNote.status == "signed",
                )
            )

        documents = uow.session.scalar(
            select(func.count())
            .select_from(Document)
            .where(
                Document.client_id == client.id,
                Document.category == "clinical",
                Document.owner_provider_id == author.staff_id,
            )
        )
        return SharePreview(
            client_id=client.id,
            client_name=client_name(client),
            from_provider_name=author.name,
            to_provider_name=recipient.name,
            progress_notes=count_notes("progress"),
            clinical_documents=documents,
            private_notes=count_notes("private"),
            include_private=include_private,
            adds_to_list=not is_linked(uow, client.id, recipient.staff_id),
            already_shared=active_share(uow, client.id, author.staff_id, recipient.staff_id)
            is not None,
        )


def active_shares_of_client(uow: UnitOfWork, client_id: int) -> list[ChartShare]:
    """Shares of any chart of the client in force now; in the caller's transaction."""
    return list(
        uow.session.scalars(
            select(ChartShare)
            .where(ChartShare.client_id == client_id, share_is_active(uow.now()))
            .order_by(ChartShare.started_at, ChartShare.id)
        )
    )
