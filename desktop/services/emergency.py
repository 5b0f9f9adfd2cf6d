"""Emergency access (R18): a person the practice allows opens the records of a client they may
not otherwise read, for a reason, for the practice's set time. Every use is audited, the chart
authors, the Owner and the Record Custodians are told at once, and the person may end it early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError

from ..db.name_index import search_words
from ..db.tables import Client, EmergencyAccess, Notification, ProviderProfile, Staff, StaffRole
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .charts import chart_author_ids
from .client_search import name_search_conditions
from .emergency_reads import open_access_in_transaction
from .emergency_settings import current_rules
from .errors import InvalidInput, NotFound, PermissionRefused
from .policy import (
    EMERGENCY_REVIEW_ROLES,
    Decision,
    EmergencyFacts,
    is_allowed_emergency_user,
    may_open_emergency_access,
    may_see_client,
)
from .policy.scopes import readable_charts
from .principal import Principal
from .record_facts import client_name, is_linked
from .supervision_facts import is_restricted, load_client_for
from .transfers import with_new_ids
from .validation import clean_text, require_text

MAX_REASON = 1000
#: how many clients a name search for emergency access shows.
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class EmergencyAccessView:
    """One emergency access as the person holding it sees it."""

    id: int
    client_id: int
    client_name: str
    staff_id: int
    reason: str
    opened_at: datetime
    expires_at: datetime
    ended_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at

    def time_left(self, now: datetime) -> timedelta:
        """How long the access still lasts (zero once it has ended)."""
        if not self.is_open(now):
            return timedelta(0)
        return self.expires_at - now


def _name_of(uow: UnitOfWork, client_id: int) -> str:
    """The client's name, when the principal may read it now (on the server, a client closed to
    them is not there to read: "this client" then)."""
    client = uow.session.get(Client, client_id)
    return client_name(client) if client is not None else "this client"


def _require_client(uow: UnitOfWork, principal: Principal, client_id: int) -> None:
    """The client exists, and is not restricted from the person (R17: for them it does not).
    On the server a person does not see a client closed to them, so the database's foreign key
    checks it when the access is written instead."""
    if not _signed_in_on_server(uow):
        load_client_for(uow, principal, client_id)
    elif is_restricted(uow, client_id, principal.staff_id):
        raise NotFound("That client no longer exists. The list may be out of date: refresh it.")


def _view(uow: UnitOfWork, access: EmergencyAccess, name: str | None = None) -> EmergencyAccessView:
    return EmergencyAccessView(
        id=access.id,
        client_id=access.client_id,
        client_name=name if name is not None else _name_of(uow, access.client_id),
        staff_id=access.staff_id,
        reason=access.reason,
        opened_at=access.opened_at,
        expires_at=access.expires_at,
        ended_at=access.ended_at,
    )


def _reads_everything(uow: UnitOfWork, principal: Principal, client_id: int) -> bool:
    """The principal already reads the profile and every chart of the client (R2, R3)."""
    linked = is_linked(uow, client_id, principal.staff_id)
    if not may_see_client(principal, principal_linked=linked):
        return False
    closed = uow.session.scalar(
        select(ProviderProfile.staff_id)
        .where(
            ProviderProfile.staff_id.in_(select(chart_author_ids(client_id).subquery().c[0])),
            ~readable_charts(principal, uow.now(), literal(client_id), ProviderProfile.staff_id),
        )
        .limit(1)
    )
    return closed is None


def _facts(uow: UnitOfWork, principal: Principal, client_id: int) -> EmergencyFacts:
    rules = current_rules(uow)
    already_open = open_access_in_transaction(uow, principal, client_id) is not None
    return EmergencyFacts(
        allowed_roles=rules.allowed_roles,
        allowed_staff=rules.allowed_staff_ids,
        reads_everything=not already_open and _reads_everything(uow, principal, client_id),
        already_open=already_open,
    )


@checked
def emergency_decision(uow: UnitOfWork, principal: Principal, client_id: int) -> Decision:
    """Whether the principal may open an emergency access to the client now, and if not why:
    what a screen asks to enable "Emergency access…" and to explain a refusal."""
    with uow:
        _require_client(uow, principal, client_id)
        return may_open_emergency_access(principal, _facts(uow, principal, client_id))


@checked
def emergency_allowed(uow: UnitOfWork, principal: Principal) -> bool:
    """Whether the practice allows the principal to use emergency access at all (by role or by
    name): whether screens offer "Emergency access…"."""
    with uow:
        rules = current_rules(uow)
        return is_allowed_emergency_user(
            principal,
            EmergencyFacts(rules.allowed_roles, rules.allowed_staff_ids, reads_everything=False),
        )


@checked
def emergency_minutes(uow: UnitOfWork, principal: Principal) -> int:
    """How long one emergency access lasts in this practice (the dialog's warning says it)."""
    with uow:
        return current_rules(uow).duration_minutes


@dataclass(frozen=True)
class EmergencyCandidate:
    """A client found by name for emergency access: enough to tell two namesakes apart."""

    client_id: int
    full_name: str
    date_of_birth: date | None


def _signed_in_on_server(uow: UnitOfWork) -> bool:
    """Connected to PostgreSQL as a person's own login (not as IT's schema owner)."""
    if uow.session.get_bind().dialect.name != "postgresql":
        return False
    return uow.session.scalar(select(func.app.current_staff_id())) is not None


@checked
def find_clients_for_emergency(
    uow: UnitOfWork, principal: Principal, search: str
) -> list[EmergencyCandidate]:
    """Clients of the practice whose name matches every typed word (at most 20, by name), for a
    person the practice allows to use emergency access, who may not otherwise see them (R18).
    Only the name and date of birth are shown; nothing is opened until a reason is given."""
    text = clean_text(search, "The search", max_length=200, required=False)
    if not emergency_allowed(uow, principal):
        raise PermissionRefused("R18", "Emergency access is not open to you. Ask the Owner.")
    conditions = name_search_conditions(Client.id, text)
    if not conditions:
        return []
    with uow:
        if _signed_in_on_server(uow):
            # On the server a person reads only the clients the rules give them; the name
            # search for emergency access is the database's own function (R18, B10).
            found = func.app.emergency_candidates(
                postgresql.array(search_words(text)), MAX_CANDIDATES
            ).table_valued("client_id", "first_name", "last_name", "date_of_birth")
            rows = uow.session.execute(select(found)).all()
            return [EmergencyCandidate(r[0], f"{r[1]} {r[2]}", r[3]) for r in rows]
        rows = uow.session.execute(
            select(Client.id, Client.first_name, Client.last_name, Client.date_of_birth)
            .where(*conditions)
            .order_by(Client.sort_name, Client.id)
            .limit(MAX_CANDIDATES)
        ).all()
        return [EmergencyCandidate(r[0], f"{r[1]} {r[2]}", r[3]) for r in rows]


def _clean_reason(reason: str) -> str:
    text = " ".join((require_text(reason, "The reason", field="reason") or "").split())
    if not text:
        raise InvalidInput(
            "Type the reason for emergency access: it is kept with every read.", field="reason"
        )
    return clean_text(text, "The reason", max_length=MAX_REASON, field="reason")


def _recipients(uow: UnitOfWork, principal: Principal, client_id: int) -> list[int]:
    """Who is told at once: the client's chart authors, the Owner and the Record Custodians
    (active, other than the person who opened the access)."""
    authors = select(chart_author_ids(client_id).subquery().c[0])
    keepers = select(StaffRole.staff_id).where(
        StaffRole.role.in_([role.value for role in EMERGENCY_REVIEW_ROLES])
    )
    return list(
        uow.session.scalars(
            select(Staff.id)
            .where(
                Staff.active.is_(True),
                Staff.id != principal.staff_id,
                Staff.id.in_(authors) | Staff.id.in_(keepers),
            )
            .order_by(Staff.id)
        )
    )


def _notify(uow: UnitOfWork, principal: Principal, access: EmergencyAccess, name: str) -> int:
    reason = access.reason if len(access.reason) <= 300 else access.reason[:299] + "…"
    message = (
        f"Emergency access: {principal.display_name} opened {name}'s records. Reason: {reason}"
    )
    recipients = _recipients(uow, principal, access.client_id)
    if recipients:
        # A plain INSERT, not one that reads the new rows back: on the server a person may
        # send a notice but not read another person's (RETURNING would have to).
        rows = [
            {
                "recipient_id": staff_id,
                "client_id": access.client_id,
                "message": message[:500],
                "created_at": access.opened_at,
            }
            for staff_id in recipients
        ]
        # The ids first, and the table's own INSERT: an ORM insert would return the ids.
        uow.session.execute(
            insert(Notification.__table__), with_new_ids(uow, "notifications", rows)
        )
    return len(recipients)


@checked
def open_emergency_access(
    uow: UnitOfWork, principal: Principal, client_id: int, reason: str
) -> EmergencyAccessView:
    """Open the client's profile and every chart (private psychotherapy notes aside) to the
    principal for the practice's set time (R18). Audited with the reason; the chart authors,
    the Owner and the Record Custodians get a notice in the same transaction."""
    text = _clean_reason(reason)
    with uow:
        _require_client(uow, principal, client_id)
        facts = _facts(uow, principal, client_id)
        may_open_emergency_access(principal, facts).require()
        now = uow.now()
        minutes = current_rules(uow).duration_minutes
        access = EmergencyAccess(
            client_id=client_id,
            staff_id=principal.staff_id,
            reason=text,
            opened_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        uow.session.add(access)
        try:
            uow.session.flush()
        except IntegrityError:
            raise NotFound(
                "That client no longer exists. The list may be out of date: refresh it."
            ) from None
        # Open now: the client's name and charts are readable to the principal from here on.
        client = load_client_for(uow, principal, client_id)
        told = _notify(uow, principal, access, client_name(client))
        audit.record(
            uow,
            principal,
            audit.Action.EMERGENCY_OPENED,
            client_id=client.id,
            subject=f"emergency:{access.id}",
            details={
                "reason": text,
                "emergency_id": access.id,
                "minutes": minutes,
                "expires_at": access.expires_at.isoformat(),
                "notified": told,
            },
        )
        view = _view(uow, access, client_name(client))
        uow.commit()
        return view


@checked
def current_emergency_access(
    uow: UnitOfWork, principal: Principal, client_id: int
) -> EmergencyAccessView | None:
    """The principal's emergency access to the client open now, or None (for the red banner)."""
    with uow:
        access = open_access_in_transaction(uow, principal, client_id)
        return _view(uow, access) if access else None


@checked
def end_emergency_access(
    uow: UnitOfWork, principal: Principal, access_id: int
) -> EmergencyAccessView:
    """The person ends their own emergency access before its time; audited. Ending one that has
    already ended changes nothing."""
    with uow:
        access = uow.session.get(EmergencyAccess, access_id)
        if access is None:
            raise NotFound("That emergency access no longer exists. Refresh the screen.")
        if access.staff_id != principal.staff_id:
            raise PermissionRefused(
                "R18", "Only the person who opened an emergency access ends it."
            )
        now = uow.now()
        name = _name_of(uow, access.client_id)  # read while the access still opens it
        if access.ended_at is None and now < access.expires_at:
            access.ended_at = now
            uow.session.flush()
            audit.record(
                uow,
                principal,
                audit.Action.EMERGENCY_ENDED,
                client_id=access.client_id,
                subject=f"emergency:{access.id}",
                details={"reason": access.reason, "emergency_id": access.id, "by": "person"},
            )
        view = _view(uow, access, name)
        uow.commit()
        return view
