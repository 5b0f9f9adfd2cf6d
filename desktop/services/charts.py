"""Charts: reading a client's records by provider (R3, R4) and writing one's own notes (R3)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal, select, union
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import ChartNote, ClientProviderLink, Document, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit, emergency_reads, note_reviews
from .boundary import checked
from .documents import (
    DocumentInfo,
    author_facts,
    document_info,
    own_chart_facts,
    readable_documents_query,
)
from .errors import Conflict, InvalidInput, NotFound
from .hidden_rows import refuse_if_hidden
from .policy import (
    ProviderFacts,
    may_complete_own_note,
    may_open_records,
    may_read_chart,
    may_read_private_notes,
    may_write_chart,
)
from .policy.scopes import readable_charts, readable_notes
from .principal import Principal
from .record_facts import chart_facts, has_own_chart, is_linked
from .supervision_facts import is_restricted, load_client_for, supervises_client
from .validation import clean_text

NOTE_KINDS = ("progress", "private")
MAX_TITLE = 200
MAX_BODY = 200_000
ADDENDUM_TITLE = "Addendum"
SIGNED_NEVER_CHANGES = "A signed note never changes; add an addendum instead."
AWAITING_REVIEW = "This note is waiting for your supervisor's review; it changes once returned."
CHANGED_ELSEWHERE = (
    "This note was changed in another window a moment ago. Open it again, then repeat your change."
)


@dataclass(frozen=True)
class NoteView:
    """One chart note as the chart shows it; a signed note's corrections are in `addenda`."""

    id: int
    client_id: int
    #: the provider whose chart holds the note (its only writer).
    author_id: int
    #: "progress" or "private" (private psychotherapy notes, R4).
    kind: str
    #: "draft" (only the author sees it) or "signed" (never changes again).
    status: str
    title: str
    body: str
    session_date: date | None
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None
    version: int
    #: the note this one amends, for an addendum.
    addendum_to_id: int | None = None
    #: addenda to this note, oldest first.
    addenda: tuple[NoteView, ...] = ()
    #: the session this note documents, when written from an appointment.
    appointment_id: int | None = None


@dataclass(frozen=True)
class ChartView:
    """One provider's chart of the client, holding only what the viewer may read."""

    provider_id: int
    provider_name: str
    #: "group" or "provider": who owns the records this provider writes.
    records_owner: str
    #: progress notes, newest session first, each with its addenda.
    notes: list[NoteView]
    #: None when the viewer may not read private notes (R4); [] when allowed and there are none.
    private_notes: list[NoteView] | None
    #: the chart's clinical documents, newest first, without content.
    documents: list[DocumentInfo]
    #: the viewer may write in this chart (it is their own and the client is on their list).
    can_write: bool


@dataclass(frozen=True)
class ClientRecords:
    """Every chart of a client the viewer may read: their own first, then by provider name."""

    client_id: int
    charts: list[ChartView] = field(default_factory=list)


def _view(note: ChartNote, addenda: tuple[NoteView, ...] = ()) -> NoteView:
    return NoteView(
        id=note.id,
        client_id=note.client_id,
        author_id=note.author_id,
        kind=note.kind,
        status=note.status,
        title=note.title,
        body=note.body,
        session_date=note.session_date,
        created_at=note.created_at,
        updated_at=note.updated_at,
        signed_at=note.signed_at,
        version=note.version,
        addendum_to_id=note.addendum_to_id,
        addenda=addenda,
        appointment_id=note.appointment_id,
    )


def note_view(note: ChartNote) -> NoteView:
    """A chart note row as a NoteView, without addenda (for services that start notes)."""
    return _view(note)


def _with_addenda(rows: list[ChartNote]) -> list[NoteView]:
    """Nest each addendum under the note it amends; `rows` arrive in display order."""
    ids = {row.id for row in rows}
    addenda: dict[int, list[ChartNote]] = {}
    for row in rows:
        if row.addendum_to_id in ids:
            addenda.setdefault(row.addendum_to_id, []).append(row)
    views = []
    for row in rows:
        if row.addendum_to_id in ids:
            continue
        mine = sorted(addenda.get(row.id, []), key=lambda a: (a.created_at, a.id))
        views.append(_view(row, tuple(_view(a) for a in mine)))
    return views


def chart_author_ids(client_id: int):
    """The providers with a chart of this client: an author of a note or a clinical document,
    or a provider linked to the client (as one SQL union)."""
    return union(
        select(ChartNote.author_id).where(ChartNote.client_id == client_id),
        select(Document.owner_provider_id).where(
            Document.client_id == client_id, Document.category == "clinical"
        ),
        select(ClientProviderLink.provider_id).where(
            ClientProviderLink.client_id == client_id, ClientProviderLink.ended_at.is_(None)
        ),
    )


def _readable_chart_authors(
    uow: UnitOfWork, principal: Principal, client_id: int
) -> list[ProviderFacts]:
    """The providers with a chart of this client (an author of a note or a clinical document, or
    linked to the client) whose chart the principal may read (R3), filtered by SQL; the
    principal's own first, then by name."""
    authors = chart_author_ids(client_id)
    query = (
        select(Staff.id, Staff.display_name, Staff.active, ProviderProfile.records_owner)
        .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
        .where(
            Staff.id.in_(select(authors.subquery().c[0])),
            readable_charts(principal, uow.now(), literal(client_id), ProviderProfile.staff_id),
        )
        .order_by(Staff.id != principal.staff_id, func.lower(Staff.display_name), Staff.id)
    )
    rows = uow.session.execute(query).all()
    return [ProviderFacts(staff_id=r[0], name=r[1], active=r[2], records_owner=r[3]) for r in rows]


@checked
def read_records(uow: UnitOfWork, principal: Principal, client_id: int) -> ClientRecords:
    """Every chart of the client the principal may read (R3), private notes only where R4 allows.

    Notes and documents come from the database already filtered by the policy scopes. Each chart
    returned is audited as CHART_READ, and PRIVATE_NOTES_READ is added for a chart whose private
    notes were shown (at least one), in the same transaction (R13)."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        linked = is_linked(uow, client.id, principal.staff_id)
        access = emergency_reads.open_access_in_transaction(uow, principal, client.id)
        may_open_records(
            principal,
            principal_linked=linked,
            has_own_chart=has_own_chart(uow, client.id, principal.staff_id),
            emergency=access is not None,
            supervises=supervises_client(uow, principal, client.id),
            restricted=is_restricted(uow, client.id, principal.staff_id),
        ).require()
        now = uow.now()
        authors = _readable_chart_authors(uow, principal, client.id)
        author_ids = [a.staff_id for a in authors]
        notes = uow.session.scalars(
            select(ChartNote)
            .where(
                ChartNote.client_id == client.id,
                ChartNote.author_id.in_(author_ids),
                readable_notes(principal, now),
            )
            .order_by(
                ChartNote.session_date.is_(None),
                ChartNote.session_date.desc(),
                ChartNote.created_at.desc(),
                ChartNote.id.desc(),
            )
        ).all()
        documents = uow.session.scalars(
            readable_documents_query(principal, now, client.id).where(
                Document.category == "clinical", Document.owner_provider_id.in_(author_ids)
            )
        ).all()
        charts = []
        for author in authors:
            facts = chart_facts(uow, principal, client, author)
            if access is not None:
                facts = replace(facts, emergency=True)
            mine = [n for n in notes if n.author_id == author.staff_id]
            private = None
            if may_read_private_notes(principal, facts):
                private = _with_addenda([n for n in mine if n.kind == "private"])
            chart = ChartView(
                provider_id=author.staff_id,
                provider_name=author.name,
                records_owner=author.records_owner,
                notes=_with_addenda([n for n in mine if n.kind == "progress"]),
                private_notes=private,
                documents=[
                    document_info(d) for d in documents if d.owner_provider_id == author.staff_id
                ],
                can_write=bool(may_write_chart(principal, facts)),
            )
            _audit_chart_read(uow, principal, client.id, chart)
            if access is not None and not may_read_chart(
                principal, replace(facts, emergency=False)
            ):
                emergency_reads.record_read_in_transaction(
                    uow,
                    principal,
                    access,
                    "chart",
                    provider_id=chart.provider_id,
                    provider=chart.provider_name,
                    notes=_count(chart.notes),
                    documents=len(chart.documents),
                )
            charts.append(chart)
        uow.commit()
        return ClientRecords(client_id=client.id, charts=charts)


def _count(notes: list[NoteView]) -> int:
    return sum(1 + len(n.addenda) for n in notes)


def _audit_chart_read(
    uow: UnitOfWork, principal: Principal, client_id: int, chart: ChartView
) -> None:
    subject = f"chart:{client_id}:{chart.provider_id}"
    audit.record(
        uow,
        principal,
        audit.Action.CHART_READ,
        client_id=client_id,
        subject=subject,
        details={
            "provider_id": chart.provider_id,
            "notes": _count(chart.notes),
            "documents": len(chart.documents),
        },
    )
    if chart.private_notes:
        audit.record(
            uow,
            principal,
            audit.Action.PRIVATE_NOTES_READ,
            client_id=client_id,
            subject=subject,
            details={
                "provider_id": chart.provider_id,
                "private_notes": _count(chart.private_notes),
            },
        )


# -- writing -----------------------------------------------------------------------------------


def _clean_kind(kind: str) -> str:
    if kind not in NOTE_KINDS:
        raise InvalidInput(
            "Choose whether this is a progress note or a private psychotherapy note.", field="kind"
        )
    return kind


def _clean_title(title: str | None) -> str:
    return clean_text(title, "The title", max_length=MAX_TITLE, required=False, field="title")


def _clean_body(body: str | None, *, required: bool = False) -> str:
    """The note's text: line breaks and tabs are kept, other control characters refused."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise InvalidInput("Write the note's text first.", field="body")
    if len(text) > MAX_BODY:
        raise InvalidInput(
            f"A note can have at most {MAX_BODY:,} characters (this one has {len(text):,}). "
            "Split it into several notes, or attach the text as a document.",
            field="body",
        )
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidInput(
            "The note contains invisible control characters; paste it as plain text.",
            field="body",
        )
    return text


def _clean_session_date(session_date: date | None, today: date) -> date | None:
    if session_date is None:
        return None
    if isinstance(session_date, datetime):
        session_date = session_date.date()
    if session_date > today + timedelta(days=1):
        raise InvalidInput(
            f"The session date {session_date:%d %b %Y} is in the future; "
            "write the note on or after the session.",
            field="session_date",
        )
    if session_date.year < 1900:
        raise InvalidInput("The session date is too far in the past.", field="session_date")
    return session_date


def _load_note(uow: UnitOfWork, note_id: int) -> ChartNote:
    note = uow.session.get(ChartNote, note_id)
    if note is None:
        refuse_if_hidden(uow, "chart_notes", note_id)
        raise NotFound("That note no longer exists. The chart may be out of date: refresh it.")
    return note


def _require_author(uow: UnitOfWork, principal: Principal, note: ChartNote) -> None:
    """R3: only the note's author finishes, signs or amends it (even after a transfer)."""
    client = load_client_for(uow, principal, note.client_id)
    author = author_facts(uow, note.author_id)
    may_complete_own_note(principal, chart_facts(uow, principal, client, author)).require()


def _require_version(note: ChartNote, expected_version: int) -> None:
    if note.version != expected_version:
        raise Conflict(CHANGED_ELSEWHERE)


def _flush(uow: UnitOfWork) -> None:
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflict(CHANGED_ELSEWHERE) from None


@checked
def create_note(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    *,
    kind: str,
    title: str,
    body: str,
    session_date: date | None,
) -> NoteView:
    """Start a draft note in the principal's own chart of the client (R3); only they see it."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        may_write_chart(principal, own_chart_facts(uow, principal, client)).require()
        now = uow.now()
        note = ChartNote(
            client_id=client.id,
            author_id=principal.staff_id,
            kind=_clean_kind(kind),
            status="draft",
            session_date=_clean_session_date(session_date, now.date()),
            title=_clean_title(title),
            body=_clean_body(body),
            created_at=now,
            updated_at=now,
        )
        uow.session.add(note)
        uow.session.flush()
        _audit_note(uow, principal, audit.Action.NOTE_CREATED, note)
        uow.commit()
        return _view(note)


@checked
def update_draft(
    uow: UnitOfWork,
    principal: Principal,
    note_id: int,
    title: str,
    body: str,
    session_date: date | None,
    expected_version: int,
) -> NoteView:
    """Change a draft (R3): the author only; a signed note never changes."""
    with uow:
        note = _load_note(uow, note_id)
        _require_author(uow, principal, note)
        if note.status == "signed":
            raise InvalidInput(SIGNED_NEVER_CHANGES)
        if note_reviews.is_awaiting_review(uow, note.id):
            raise InvalidInput(AWAITING_REVIEW)
        _require_version(note, expected_version)
        now = uow.now()
        note.title = _clean_title(title)
        note.body = _clean_body(body)
        note.session_date = _clean_session_date(session_date, now.date())
        note.updated_at = now
        _flush(uow)
        _audit_note(uow, principal, audit.Action.NOTE_UPDATED, note)
        uow.commit()
        return _view(note)


@checked
def sign_note(
    uow: UnitOfWork, principal: Principal, note_id: int, expected_version: int
) -> NoteView:
    """Sign a draft (R3): the author only. It never changes again; corrections are addenda.
    Under supervision in approve or co-sign mode a progress note goes "awaiting review" instead
    (R16): the returned note is still a draft, and its review says so."""
    with uow:
        note = _load_note(uow, note_id)
        _require_author(uow, principal, note)
        if note.status == "signed":
            raise InvalidInput("This note is already signed. " + SIGNED_NEVER_CHANGES)
        _require_version(note, expected_version)
        if not note.body.strip():
            raise InvalidInput("Write the note's text before signing it.", field="body")
        if note_reviews.is_awaiting_review(uow, note.id):
            raise InvalidInput(AWAITING_REVIEW)
        if note_reviews.send_for_review(uow, principal, note):
            _flush(uow)
            uow.commit()
            return _view(note)
        now = uow.now()
        note.status = "signed"
        note.signed_at = now
        note.updated_at = now
        _flush(uow)
        _audit_note(uow, principal, audit.Action.NOTE_SIGNED, note)
        uow.commit()
        return _view(note)


@checked
def add_addendum(uow: UnitOfWork, principal: Principal, note_id: int, body: str) -> NoteView:
    """Correct a signed note with an addendum (R3): the author only.

    The addendum is created signed: it is itself a correction of the signed record and never
    changes either. It has the note's kind (so a private note's addendum stays private) and
    session date. An addendum to an addendum amends the same original note."""
    with uow:
        target = _load_note(uow, note_id)
        _require_author(uow, principal, target)
        if target.status != "signed":
            raise InvalidInput(
                "Only a signed note takes an addendum; this draft can still be edited."
            )
        text = _clean_body(body, required=True)
        now = uow.now()
        addendum = ChartNote(
            client_id=target.client_id,
            author_id=target.author_id,
            kind=target.kind,
            status="signed",
            session_date=target.session_date,
            title=ADDENDUM_TITLE,
            body=text,
            addendum_to_id=target.addendum_to_id or target.id,
            created_at=now,
            updated_at=now,
            signed_at=now,
        )
        uow.session.add(addendum)
        uow.session.flush()
        _audit_note(uow, principal, audit.Action.ADDENDUM_ADDED, addendum)
        uow.commit()
        return _view(addendum)


def _audit_note(uow: UnitOfWork, principal: Principal, action: str, note: ChartNote) -> None:
    """The audit entry of a note change: which note, never its text."""
    details = {"kind": note.kind, "status": note.status, "version": note.version}
    if note.addendum_to_id is not None:
        details["amends"] = note.addendum_to_id
    audit.record(
        uow, principal, action, client_id=note.client_id, subject=f"note:{note.id}", details=details
    )
