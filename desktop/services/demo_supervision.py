"""The demo practice's supervision and restriction: Tess Morgan, an associate clinician, is
supervised by Dr. Rosa Lindqvist in co-sign mode (one note co-signed, one awaiting review);
one client is restricted from the front desk's Jordan Ellis (a relative)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..db.tables import (
    ChartNote,
    Client,
    ClientProviderLink,
    ClientRestriction,
    NoteReview,
    Notification,
    Staff,
    Supervision,
)

CO_SIGNED = (
    "Client described panic symptoms at work twice this week. Practised paced breathing and "
    "built a coping card. Plan: weekly sessions, begin interoceptive exposure next visit."
)
AWAITING = (
    "Client arrived late and tearful after a family argument. Explored the conflict and "
    "reviewed safety; no risk identified. Agreed to try one boundary conversation this week."
)
RESTRICTION_REASON = "The client is a relative of this staff member."


def _note(session, client: Client, author: Staff, body: str, when: datetime, signed: bool):
    note = ChartNote(
        client_id=client.id,
        author_id=author.id,
        kind="progress",
        status="signed" if signed else "draft",
        session_date=when.date(),
        title="Progress note",
        body=body,
        created_at=when,
        updated_at=when,
        signed_at=when if signed else None,
    )
    session.add(note)
    session.flush()
    return note


def add_supervision(
    session, now: datetime, supervisee: Staff, supervisor: Staff, owner: Staff, clients
) -> None:
    """Tess's two clients, her supervision in co-sign mode and the two reviewed notes."""
    started = now - timedelta(weeks=4)
    session.add(
        Supervision(
            supervisee_id=supervisee.id,
            supervisor_id=supervisor.id,
            mode="cosign",
            started_at=started,
            started_by=owner.id,
        )
    )
    first, second = clients
    for client in clients:
        session.add(
            ClientProviderLink(
                client_id=client.id,
                provider_id=supervisee.id,
                status="active",
                start_date=started.date(),
                is_treating=False,
                created_at=started,
                created_by=owner.id,
            )
        )
    signed_at = now - timedelta(weeks=1)
    done = _note(session, first, supervisee, CO_SIGNED, signed_at, True)
    session.add(
        NoteReview(
            note_id=done.id,
            author_id=supervisee.id,
            client_id=first.id,
            supervisor_id=supervisor.id,
            mode="cosign",
            state="approved",
            comment="",
            submitted_at=signed_at - timedelta(hours=3),
            decided_at=signed_at,
            cosigner_id=supervisor.id,
            cosigned_at=signed_at,
        )
    )
    waiting = _note(session, second, supervisee, AWAITING, now - timedelta(days=1), False)
    session.add(
        NoteReview(
            note_id=waiting.id,
            author_id=supervisee.id,
            client_id=second.id,
            supervisor_id=supervisor.id,
            mode="cosign",
            state="awaiting",
            comment="",
            submitted_at=now - timedelta(days=1),
        )
    )
    session.add(
        Notification(
            recipient_id=supervisor.id,
            client_id=second.id,
            created_at=now - timedelta(days=1),
            message=f"{supervisee.display_name} sent a note for {second.first_name} "
            f"{second.last_name} for your review.",
        )
    )


def add_restriction(session, now: datetime, client: Client, person: Staff, owner: Staff) -> None:
    session.add(
        ClientRestriction(
            client_id=client.id,
            staff_id=person.id,
            reason=RESTRICTION_REASON,
            started_at=now - timedelta(days=10),
            started_by=owner.id,
        )
    )
