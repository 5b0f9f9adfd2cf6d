"""Notes to review (R16): a supervisee's finished progress note waits for the supervisor, who
approves it (it is signed then; co-sign mode keeps the supervisor's signature beside the
author's) or returns it with a comment for the author to edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import ChartNote, Client, NoteReview, Notification, Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .policy.scopes import readable_notes
from .policy.supervision_rules import MODE_LABELS, REVIEWED_MODES, may_review_note
from .policy.supervision_scopes import unrestricted
from .principal import Principal
from .record_facts import client_name
from .supervision_facts import supervision_for
from .validation import clean_text

NOTE_SENT_FOR_REVIEW = "chart.note_sent_for_review"
NOTE_APPROVED = "chart.note_approved"
NOTE_RETURNED = "chart.note_returned"
MAX_COMMENT = 4000
CHANGED_ELSEWHERE = "This note was changed a moment ago. Open the list again, then repeat."
NOT_WAITING = "That note is no longer waiting for your review. Refresh the list."


@dataclass(frozen=True)
class ReviewState:
    """Where a note stands in review, as its author and supervisor see it."""

    note_id: int
    #: "awaiting", "returned" or "approved".
    state: str
    #: "approve" or "cosign".
    mode: str
    supervisor_id: int
    supervisor_name: str
    comment: str
    submitted_at: datetime
    #: who co-signed (the supervisor, in co-sign mode), and when.
    cosigner_name: str | None
    cosigned_at: datetime | None

    @property
    def label(self) -> str:
        if self.state == "awaiting":
            return f"Awaiting review by {self.supervisor_name}"
        if self.state == "returned":
            return f"Returned by {self.supervisor_name}"
        if self.cosigner_name:
            return f"Co-signed by {self.cosigner_name}"
        return f"Approved by {self.supervisor_name}"


@dataclass(frozen=True)
class NoteToReview:
    """One row of the supervisor's "Notes to review" list, with the note's text."""

    note_id: int
    client_id: int
    client_name: str
    author_id: int
    author_name: str
    title: str
    body: str
    session_date: date | None
    submitted_at: datetime
    mode: str
    version: int

    @property
    def mode_label(self) -> str:
        return MODE_LABELS[self.mode]


def send_for_review(uow: UnitOfWork, author: Principal, note: ChartNote) -> bool:
    """Called when the author finishes a draft: in approve and co-sign modes a progress note
    goes "awaiting review" (True) instead of being signed (False: sign it as usual)."""
    if note.kind != "progress" or note.addendum_to_id is not None:
        return False
    supervision = supervision_for(uow, note.author_id, note.client_id)
    if supervision is None or supervision.mode not in REVIEWED_MODES:
        return False
    now = uow.now()
    review = uow.session.get(NoteReview, note.id)
    if review is None:
        review = NoteReview(
            note_id=note.id,
            author_id=note.author_id,
            client_id=note.client_id,
            submitted_at=now,
            comment="",
        )
        uow.session.add(review)
    review.supervisor_id, review.mode, review.state = (
        supervision.supervisor_id,
        supervision.mode,
        "awaiting",
    )
    review.submitted_at, review.decided_at = now, None
    note.updated_at = now
    uow.session.flush()
    client = uow.session.get(Client, note.client_id)
    uow.session.add(
        Notification(
            recipient_id=supervision.supervisor_id,
            client_id=note.client_id,
            created_at=now,
            message=f"{author.display_name} sent a note for {client_name(client)} for your review.",
        )
    )
    _audit(uow, author, NOTE_SENT_FOR_REVIEW, note, review)
    return True


def is_awaiting_review(uow: UnitOfWork, note_id: int) -> bool:
    """R16: a note awaiting review is changed by nobody until its supervisor decides."""
    review = uow.session.get(NoteReview, note_id)
    return review is not None and review.state == "awaiting"


def _audit(uow, principal, action: str, note: ChartNote, review: NoteReview) -> None:
    audit.record(
        uow,
        principal,
        action,
        client_id=note.client_id,
        subject=f"note:{note.id}",
        details={
            "author_id": note.author_id,
            "supervisor_id": review.supervisor_id,
            "mode": review.mode,
            "state": review.state,
        },
    )


def _review_query(principal: Principal):
    author = aliased(Staff)
    return (
        select(NoteReview, ChartNote, Client, author.display_name)
        .join(ChartNote, ChartNote.id == NoteReview.note_id)
        .join(Client, Client.id == ChartNote.client_id)
        .join(author, author.id == ChartNote.author_id)
        .where(
            NoteReview.state == "awaiting",
            NoteReview.supervisor_id == principal.staff_id,
            unrestricted(principal, ChartNote.client_id),
        )
    )


@checked
def notes_to_review(uow: UnitOfWork, principal: Principal) -> list[NoteToReview]:
    """The notes waiting for the principal's review, oldest first."""
    with uow:
        rows = uow.session.execute(
            _review_query(principal).order_by(NoteReview.submitted_at, NoteReview.note_id)
        ).all()
        return [
            NoteToReview(
                note_id=note.id,
                client_id=client.id,
                client_name=client_name(client),
                author_id=note.author_id,
                author_name=author_name,
                title=note.title,
                body=note.body,
                session_date=note.session_date,
                submitted_at=review.submitted_at,
                mode=review.mode,
                version=note.version,
            )
            for review, note, client, author_name in rows
        ]


@checked
def count_notes_to_review(uow: UnitOfWork, principal: Principal) -> int:
    """How many notes wait for the principal's review (the count on the navigation)."""
    with uow:
        found = _review_query(principal).subquery()
        return uow.session.scalar(select(func.count()).select_from(found)) or 0


def _decide(uow: UnitOfWork, principal: Principal, note_id: int, expected_version: int):
    review = uow.session.get(NoteReview, note_id)
    note = uow.session.get(ChartNote, note_id)
    if review is None or note is None:
        raise NotFound(NOT_WAITING)
    if not uow.session.scalar(select(unrestricted(principal, literal(note.client_id)))):
        raise NotFound(NOT_WAITING)
    may_review_note(principal, reviewer_id=review.supervisor_id, state=review.state).require()
    if note.version != expected_version:
        raise Conflict(CHANGED_ELSEWHERE)
    return review, note


def _flush(uow: UnitOfWork) -> None:
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflict(CHANGED_ELSEWHERE) from None


def _notify_author(uow: UnitOfWork, note: ChartNote, message: str) -> None:
    uow.session.add(
        Notification(
            recipient_id=note.author_id,
            client_id=note.client_id,
            created_at=uow.now(),
            message=message,
        )
    )


@checked
def approve_note(
    uow: UnitOfWork, principal: Principal, note_id: int, expected_version: int
) -> ReviewState:
    """Approve a note awaiting the principal's review: it is signed now, and in co-sign mode the
    principal's signature is kept beside the author's. Audited; the author gets a notice."""
    with uow:
        review, note = _decide(uow, principal, note_id, expected_version)
        if not note.body.strip():
            raise InvalidInput("This note has no text; return it to its author instead.")
        now = uow.now()
        note.status, note.signed_at, note.updated_at = "signed", now, now
        review.state, review.decided_at = "approved", now
        if review.mode == "cosign":
            review.cosigner_id, review.cosigned_at = principal.staff_id, now
        _flush(uow)
        _audit(uow, principal, NOTE_APPROVED, note, review)
        client = uow.session.get(Client, note.client_id)
        verb = "co-signed" if review.mode == "cosign" else "approved"
        _notify_author(
            uow, note, f"{principal.display_name} {verb} your note for {client_name(client)}."
        )
        uow.commit()
        return _state(uow, review)


@checked
def return_note(
    uow: UnitOfWork, principal: Principal, note_id: int, comment: str, expected_version: int
) -> ReviewState:
    """Return a note awaiting the principal's review to its author with a comment; the author
    sees the comment, edits the note and finishes it again. Audited; the author gets a notice."""
    with uow:
        text = clean_text(comment, "The comment", max_length=MAX_COMMENT, field="comment")
        review, note = _decide(uow, principal, note_id, expected_version)
        now = uow.now()
        review.state, review.comment, review.decided_at = "returned", text, now
        note.updated_at = now
        _flush(uow)
        _audit(uow, principal, NOTE_RETURNED, note, review)
        client = uow.session.get(Client, note.client_id)
        _notify_author(
            uow,
            note,
            f"{principal.display_name} returned your note for {client_name(client)} "
            f"with a comment: {text[:300]}",
        )
        uow.commit()
        return _state(uow, review)


def _state(uow: UnitOfWork, review: NoteReview) -> ReviewState:
    ids = {review.supervisor_id} | ({review.cosigner_id} if review.cosigner_id else set())
    names = dict(
        uow.session.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(ids))).all()
    )
    return ReviewState(
        note_id=review.note_id,
        state=review.state,
        mode=review.mode,
        supervisor_id=review.supervisor_id,
        supervisor_name=names.get(review.supervisor_id, ""),
        comment=review.comment,
        submitted_at=review.submitted_at,
        cosigner_name=names.get(review.cosigner_id) if review.cosigner_id else None,
        cosigned_at=review.cosigned_at,
    )


@checked
def review_states(
    uow: UnitOfWork, principal: Principal, note_ids: list[int]
) -> dict[int, ReviewState]:
    """The review state of each of the notes the principal may read (others are left out): the
    author sees "awaiting" and a returned note's comment; every reader sees who co-signed."""
    with uow:
        rows = uow.session.execute(
            select(NoteReview)
            .join(ChartNote, ChartNote.id == NoteReview.note_id)
            .where(NoteReview.note_id.in_(list(note_ids)), readable_notes(principal, uow.now()))
        ).scalars()
        result = {}
        for review in rows:
            result[review.note_id] = _state(uow, review)
        return result


@checked
def latest_cosigned_note(uow: UnitOfWork, principal: Principal) -> tuple[int, int] | None:
    """(client id, note id) of the newest co-signed note the principal may read, if any."""
    with uow:
        row = uow.session.execute(
            select(ChartNote.client_id, ChartNote.id)
            .join(NoteReview, NoteReview.note_id == ChartNote.id)
            .where(NoteReview.cosigner_id.is_not(None), readable_notes(principal, uow.now()))
            .order_by(NoteReview.cosigned_at.desc(), ChartNote.id.desc())
            .limit(1)
        ).first()
        return (row[0], row[1]) if row else None
