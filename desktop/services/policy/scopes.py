"""The SQL face of the record rules: conditions that select exactly the rows a principal may see.

Lists are filtered by the database with these, never in Python. Each function mirrors a
decision in `record_rules.py`; tests/services/test_policy_properties.py keeps them equal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, union

from ...db.tables import (
    ChartNote,
    ChartShare,
    ClientProviderLink,
    Document,
    EmergencyAccess,
    ProviderProfile,
)
from ..principal import Principal, Role
from .record_rules import RECORD_KEEPING_ROLES, may_see_all_clients
from .supervision_scopes import (
    notes_awaiting_review_by,
    supervised_chart,
    supervised_clients,
    unrestricted,
)


def share_is_active(now: datetime) -> ColumnElement[bool]:
    """A chart share that has not been ended and has not passed its end date (B2)."""
    return and_(
        ChartShare.ended_at.is_(None),
        or_(ChartShare.expires_at.is_(None), ChartShare.expires_at > now),
    )


def linked_client_ids(provider_id: int):
    """The clients on a provider's list (R1): their open links."""
    return select(ClientProviderLink.client_id).where(
        ClientProviderLink.provider_id == provider_id, ClientProviderLink.ended_at.is_(None)
    )


def on_providers_list(client_id_column, provider_id) -> ColumnElement[bool]:
    """R1, R2 as EXISTS: the client has an open link to the provider. The same rows as
    `linked_client_ids`, quicker for a few clients at a time; `provider_id` may be a bound
    parameter, so the statement is built once."""
    return exists().where(
        ClientProviderLink.client_id == client_id_column,
        ClientProviderLink.provider_id == provider_id,
        ClientProviderLink.ended_at.is_(None),
    )


def visible_clients(principal: Principal, client_id_column) -> ColumnElement[bool]:
    """R1, R2: every client for group-wide roles; a provider's linked clients otherwise; never a
    client restricted from the principal (R17)."""
    if may_see_all_clients(principal):
        return unrestricted(principal, client_id_column)
    if principal.has(Role.PROVIDER):
        return and_(
            client_id_column.in_(linked_client_ids(principal.staff_id)),
            unrestricted(principal, client_id_column),
        )
    return false()


def own_chart_client_ids(provider_id: int):
    """The clients in whose chart the provider has written: a note or a clinical document."""
    return union(
        select(ChartNote.client_id).where(ChartNote.author_id == provider_id),
        select(Document.client_id).where(
            Document.owner_provider_id == provider_id, Document.category == "clinical"
        ),
    )


def clients_with_open_records(principal: Principal, client_id_column) -> ColumnElement[bool]:
    """R2, R3 (`may_open_records`): the clients the principal sees, and for a provider also
    those in whose chart they have written, on their list or not, and (R16) the clients of the
    providers they supervise; never a client restricted from them (R17)."""
    visible = visible_clients(principal, client_id_column)
    if not principal.has(Role.PROVIDER) or may_see_all_clients(principal):
        return visible
    return and_(
        or_(
            visible,
            client_id_column.in_(own_chart_client_ids(principal.staff_id)),
            supervised_clients(principal, client_id_column),
        ),
        unrestricted(principal, client_id_column),
    )


def emergency_client_ids(principal: Principal, now: datetime):
    """R18: the clients to whom the principal holds an emergency access open now (not ended by
    them, not past its time)."""
    return select(EmergencyAccess.client_id).where(
        EmergencyAccess.staff_id == principal.staff_id,
        EmergencyAccess.ended_at.is_(None),
        EmergencyAccess.expires_at > now,
    )


def readable_profiles(principal: Principal, now: datetime, client_id_column) -> ColumnElement[bool]:
    """R2, R18 (`may_see_client` with its `emergency` fact): the clients whose profile the
    principal reads: those they see, and those of an open emergency access."""
    visible = visible_clients(principal, client_id_column)
    if may_see_all_clients(principal):
        return visible
    emergency = client_id_column.in_(emergency_client_ids(principal, now))
    return or_(visible, and_(emergency, unrestricted(principal, client_id_column)))


def _group_owned_authors():
    return select(ProviderProfile.staff_id).where(ProviderProfile.records_owner == "group")


def _shared_to_principal(
    principal: Principal, now: datetime, client_col, author_col, *, private: bool
):
    condition = and_(
        ChartShare.client_id == client_col,
        ChartShare.from_provider_id == author_col,
        ChartShare.to_provider_id == principal.staff_id,
        share_is_active(now),
    )
    if private:
        condition = and_(condition, ChartShare.include_private.is_(True))
    return exists().where(condition)


def readable_charts(
    principal: Principal, now: datetime, client_col, author_col
) -> ColumnElement[bool]:
    """R3: (client, author) pairs whose chart the principal may read; R16: the charts of the
    principal's supervisees; R18: every chart of a client of an open emergency access; R17:
    none of a client restricted from the principal."""
    conditions = [
        author_col == principal.staff_id,
        _shared_to_principal(principal, now, client_col, author_col, private=False),
        client_col.in_(emergency_client_ids(principal, now)),
    ]
    if principal.has(*RECORD_KEEPING_ROLES):
        conditions.append(author_col.in_(_group_owned_authors()))
    if principal.has(Role.PROVIDER):
        conditions.append(supervised_chart(principal, client_col, author_col))
    return and_(or_(*conditions), unrestricted(principal, client_col))


def readable_notes(principal: Principal, now: datetime) -> ColumnElement[bool]:
    """R3, R4 and drafts-stay-with-their-author (R16: and with the supervisor reviewing them),
    as a condition on ChartNote; R17: nothing of a client restricted from the principal."""
    own = and_(
        ChartNote.author_id == principal.staff_id, unrestricted(principal, ChartNote.client_id)
    )
    progress = and_(
        ChartNote.kind == "progress",
        readable_charts(principal, now, ChartNote.client_id, ChartNote.author_id),
    )
    private = and_(
        ChartNote.kind == "private",
        _shared_to_principal(
            principal, now, ChartNote.client_id, ChartNote.author_id, private=True
        ),
    )
    private = and_(private, unrestricted(principal, ChartNote.client_id))
    in_review = and_(
        ChartNote.kind == "progress",
        ChartNote.status == "draft",
        notes_awaiting_review_by(principal),
        unrestricted(principal, ChartNote.client_id),
    )
    return or_(own, and_(ChartNote.status == "signed", or_(progress, private)), in_review)


def readable_documents(principal: Principal, now: datetime) -> ColumnElement[bool]:
    """Clinical documents follow their provider's chart (R3); non-clinical ones the profile (R2);
    both open to an emergency access (R18)."""
    clinical = and_(
        Document.category == "clinical",
        readable_charts(principal, now, Document.client_id, Document.owner_provider_id),
    )
    non_clinical = and_(
        Document.category == "non_clinical",
        readable_profiles(principal, now, Document.client_id),
    )
    return or_(clinical, non_clinical)
