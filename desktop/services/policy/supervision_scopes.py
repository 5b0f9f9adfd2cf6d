"""The SQL face of supervision (R16) and restricted clients (R17).

Each condition mirrors a decision of `supervision_rules.py` or a fact of `record_rules.ChartFacts`;
`scopes.py` combines them with the chart and list rules.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, not_, or_
from sqlalchemy.orm import aliased

from ...db.tables import ChartNote, ClientProviderLink, ClientRestriction, NoteReview, Supervision
from ..principal import Principal


def restricted_client(staff_id, client_id_column) -> ColumnElement[bool]:
    """R17: the client is restricted from the staff member (an open restriction)."""
    return (
        exists()
        .where(
            ClientRestriction.staff_id == staff_id,
            ClientRestriction.client_id == client_id_column,
            ClientRestriction.lifted_at.is_(None),
        )
        .correlate_except(ClientRestriction)
    )


def unrestricted(principal: Principal, client_id_column) -> ColumnElement[bool]:
    """R17: the client is not hidden from the principal."""
    return not_(restricted_client(principal.staff_id, client_id_column))


def supervision_in_force(supervisee_col, client_col):
    """The open supervisions that govern the supervisee's work with the client: the client's own
    (per-client choice) if there is one, else the supervisee's default."""
    override = aliased(Supervision)
    has_override = (
        exists()
        .where(
            override.supervisee_id == supervisee_col,
            override.client_id == client_col,
            override.ended_at.is_(None),
        )
        .correlate_except(override)
    )
    return and_(
        Supervision.supervisee_id == supervisee_col,
        Supervision.ended_at.is_(None),
        or_(
            Supervision.client_id == client_col,
            and_(Supervision.client_id.is_(None), not_(has_override)),
        ),
    )


def supervised_chart(principal: Principal, client_col, author_col) -> ColumnElement[bool]:
    """R16: the principal supervises the author's work with the client now."""
    return (
        exists()
        .where(
            supervision_in_force(author_col, client_col),
            Supervision.supervisor_id == principal.staff_id,
        )
        .correlate_except(Supervision)
    )


def supervised_clients(principal: Principal, client_id_column) -> ColumnElement[bool]:
    """R16: a client one of whose providers (linked, or having written in their chart) the
    principal supervises for that client now."""
    link = (
        exists()
        .where(
            ClientProviderLink.client_id == client_id_column,
            ClientProviderLink.provider_id == Supervision.supervisee_id,
            ClientProviderLink.ended_at.is_(None),
        )
        .correlate_except(ClientProviderLink)
    )
    note = (
        exists()
        .where(
            ChartNote.client_id == client_id_column,
            ChartNote.author_id == Supervision.supervisee_id,
        )
        .correlate_except(ChartNote)
    )
    return (
        exists()
        .where(
            Supervision.supervisor_id == principal.staff_id,
            supervision_in_force(Supervision.supervisee_id, client_id_column),
            or_(link, note),
        )
        .correlate_except(Supervision)
    )


def notes_awaiting_review_by(principal: Principal) -> ColumnElement[bool]:
    """R16: notes (on ChartNote) waiting for the principal's review."""
    review = aliased(NoteReview)
    return (
        exists()
        .where(
            review.note_id == ChartNote.id,
            review.state == "awaiting",
            review.supervisor_id == principal.staff_id,
        )
        .correlate_except(review)
    )
