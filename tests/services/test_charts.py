"""Charts: who reads which chart (R3), private notes (R4), writing one's own (R3), audit (R13)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, text

from desktop.db.tables import ChartNote, ChartShare
from desktop.services import audit, charts, documents
from desktop.services.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import add_client, link, share

TEN_MB = "x" * (10 * 1024 * 1024)


# -- setting up a client's record directly, as other services would ---------------------------


def end_share(uow, clock, share_id, by) -> None:
    with uow() as work:
        row = work.session.get(ChartShare, share_id)
        row.ended_at, row.ended_by, row.end_reason = clock.now(), by.staff_id, "manual"
        work.commit()


def write(uow, author, client_id, title, *, kind="progress", sign=True, session_date=None):
    note = charts.create_note(
        uow(),
        author,
        client_id,
        kind=kind,
        title=title,
        body=f"{title}: what was said.",
        session_date=session_date,
    )
    return charts.sign_note(uow(), author, note.id, note.version) if sign else note


def chart_of(records, provider):
    return next((c for c in records.charts if c.provider_id == provider.staff_id), None)


def titles(notes):
    return [n.title for n in notes]


# -- a practice with two group-owned providers sharing a client --------------------------------


@pytest.fixture
def ada(add_member):
    return add_member("Dr. Ada Lee", Role.PROVIDER, records_owner="group")


@pytest.fixture
def ben(add_member):
    return add_member("Dr. Ben Cho", Role.PROVIDER, records_owner="group")


@pytest.fixture
def client_id(uow, clock, ada, ben):
    client = add_client(uow, clock)
    link(uow, clock, client, ada)
    link(uow, clock, client, ben)
    return client


@pytest.fixture
def ada_chart(uow, ada, client_id):
    """Ada's chart: a signed and a draft progress note, a signed and a draft private note,
    and a clinical document."""
    write(uow, ada, client_id, "Intake", session_date=date(2026, 2, 23))
    write(uow, ada, client_id, "Session 2", sign=False, session_date=date(2026, 3, 2))
    write(uow, ada, client_id, "Formulation", kind="private")
    write(uow, ada, client_id, "Private draft", kind="private", sign=False)
    documents.add_document(
        uow(),
        ada,
        client_id,
        category="clinical",
        file_name="assessment.pdf",
        media_type="",
        content=b"%PDF-1.7 assessment",
    )


# -- reading (R3, R4) --------------------------------------------------------------------------


def test_R3_the_author_reads_their_own_chart_with_drafts_and_private_notes(
    uow, ada, client_id, ada_chart
):
    records = charts.read_records(uow(), ada, client_id)
    assert [c.provider_id for c in records.charts] == [ada.staff_id]
    own = records.charts[0]
    assert own.provider_name == "Dr. Ada Lee" and own.records_owner == "group"
    assert titles(own.notes) == ["Session 2", "Intake"]
    assert [n.status for n in own.notes] == ["draft", "signed"]
    assert sorted(titles(own.private_notes)) == ["Formulation", "Private draft"]
    assert [d.file_name for d in own.documents] == ["assessment.pdf"]
    assert own.can_write


def test_R3_own_chart_first_then_by_provider_name(uow, clock, add_member, ada, ben, client_id):
    aaron = add_member("Dr. Aaron Best", Role.PROVIDER, records_owner="group")
    link(uow, clock, client_id, aaron)
    for colleague in (ben, aaron):
        write(uow, colleague, client_id, f"{colleague.display_name}'s note")
        share(uow, clock, client_id, colleague, ada)
    records = charts.read_records(uow(), ada, client_id)
    assert [c.provider_name for c in records.charts] == [
        "Dr. Ada Lee",
        "Dr. Aaron Best",
        "Dr. Ben Cho",
    ]
    assert [c.can_write for c in records.charts] == [True, False, False]


def test_R3_progress_notes_newest_session_first_undated_last(uow, ada, client_id):
    write(uow, ada, client_id, "Undated")
    write(uow, ada, client_id, "Old", session_date=date(2025, 1, 5))
    write(uow, ada, client_id, "New", session_date=date(2026, 3, 1))
    own = charts.read_records(uow(), ada, client_id).charts[0]
    assert titles(own.notes) == ["New", "Old", "Undated"]


def test_R3_a_colleague_without_a_share_sees_nothing_of_the_chart(
    uow, ada, ben, client_id, ada_chart
):
    records = charts.read_records(uow(), ben, client_id)
    assert chart_of(records, ada) is None
    own = chart_of(records, ben)
    assert own.notes == [] and own.private_notes == [] and own.documents == []
    assert own.can_write


def test_R3_an_active_share_shows_signed_progress_notes_and_clinical_documents_only(
    uow, clock, ada, ben, client_id, ada_chart
):
    share(uow, clock, client_id, ada, ben)
    shared = chart_of(charts.read_records(uow(), ben, client_id), ada)
    assert titles(shared.notes) == ["Intake"]
    assert shared.private_notes is None
    assert [d.file_name for d in shared.documents] == ["assessment.pdf"]
    assert not shared.can_write


def test_R3_sharing_is_one_way(uow, clock, ada, ben, client_id):
    write(uow, ben, client_id, "Ben's intake")
    share(uow, clock, client_id, ada, ben)
    assert chart_of(charts.read_records(uow(), ada, client_id), ben) is None


def test_R4_private_notes_only_through_a_share_that_includes_them(
    uow, clock, ada, ben, client_id, ada_chart
):
    share(uow, clock, client_id, ada, ben, include_private=True)
    shared = chart_of(charts.read_records(uow(), ben, client_id), ada)
    assert titles(shared.private_notes) == ["Formulation"]
    assert titles(shared.notes) == ["Intake"]


def test_R3_an_ended_share_gives_nothing(uow, clock, ada, ben, client_id, ada_chart):
    share_id = share(uow, clock, client_id, ada, ben, include_private=True)
    end_share(uow, clock, share_id, ada)
    assert chart_of(charts.read_records(uow(), ben, client_id), ada) is None


def test_B2_a_share_past_its_end_date_gives_nothing(uow, clock, ada, ben, client_id, ada_chart):
    share(
        uow,
        clock,
        client_id,
        ada,
        ben,
        include_private=True,
        expires_at=clock.now() + timedelta(days=1),
    )
    assert chart_of(charts.read_records(uow(), ben, client_id), ada) is not None
    clock.advance(timedelta(days=1, seconds=1))
    assert chart_of(charts.read_records(uow(), ben, client_id), ada) is None


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R3_record_keepers_read_group_owned_progress_notes_never_private_notes(
    uow, owner, add_member, ada, client_id, ada_chart, role
):
    reader = owner if role is Role.OWNER else add_member("Reader", role)
    chart = chart_of(charts.read_records(uow(), reader, client_id), ada)
    assert titles(chart.notes) == ["Intake"]
    assert chart.private_notes is None
    assert [d.file_name for d in chart.documents] == ["assessment.pdf"]
    assert not chart.can_write


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R3_record_keepers_read_nothing_of_a_provider_owned_chart(
    uow, clock, owner, add_member, client_id, role
):
    pat = add_member("Dr. Pat Quinn", Role.PROVIDER, records_owner="provider")
    link(uow, clock, client_id, pat)
    write(uow, pat, client_id, "Pat's intake")
    reader = owner if role is Role.OWNER else add_member("Reader", role)
    assert chart_of(charts.read_records(uow(), reader, client_id), pat) is None


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.BILLER])
def test_R3_scheduler_and_biller_read_no_chart(uow, owner, add_member, client_id, ada_chart, role):
    reader = add_member("Front Desk", role)
    assert charts.read_records(uow(), reader, client_id).charts == []
    assert not [e for e in audit.recent_entries(uow(), owner) if e.actor_id == reader.staff_id]


def test_R2_a_provider_without_the_client_on_their_list_is_refused(
    uow, engine, add_member, client_id, ada_chart
):
    carl = add_member("Dr. Carl Diaz", Role.PROVIDER, records_owner="group")
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refusal:
        charts.read_records(uow(), carl, client_id)
    assert refusal.value.rule == "R2"
    assert snapshot(engine) == before


def test_R2_a_missing_client_is_not_found(uow, ada):
    with pytest.raises(NotFound):
        charts.read_records(uow(), ada, 999_999)


def test_R13_each_chart_read_is_audited_with_who_and_which_client(
    uow, clock, owner, ada, ben, client_id, ada_chart
):
    share(uow, clock, client_id, ada, ben, include_private=True)
    charts.read_records(uow(), ben, client_id)
    entries = [e for e in audit.recent_entries(uow(), owner) if e.actor_id == ben.staff_id]
    reads = {(e.action, e.subject) for e in entries}
    assert reads == {
        (audit.Action.CHART_READ, f"chart:{client_id}:{ada.staff_id}"),
        (audit.Action.CHART_READ, f"chart:{client_id}:{ben.staff_id}"),
        (audit.Action.PRIVATE_NOTES_READ, f"chart:{client_id}:{ada.staff_id}"),
    }
    for entry in entries:
        assert (entry.client_id, entry.workstation, entry.occurred_at) == (
            client_id,
            "laptop-7",
            clock.now(),
        )
    ada_read = next(
        e
        for e in entries
        if e.action == audit.Action.CHART_READ and e.details["provider_id"] == ada.staff_id
    )
    assert ada_read.details == {"provider_id": ada.staff_id, "notes": 1, "documents": 1}


def test_R13_record_keepers_reading_a_chart_leave_no_private_notes_entry(
    uow, owner, ada, client_id, ada_chart
):
    charts.read_records(uow(), owner, client_id)
    actions = [e.action for e in audit.recent_entries(uow(), owner)[:3]]
    assert audit.Action.CHART_READ in actions
    assert audit.Action.PRIVATE_NOTES_READ not in actions


# -- writing (R3) ------------------------------------------------------------------------------


def test_R3_the_author_writes_edits_and_signs_a_draft(uow, clock, owner, ada, client_id):
    note = charts.create_note(
        uow(),
        ada,
        client_id,
        kind="progress",
        title="Session 1",
        body="Line one\n\tindented",
        session_date=date(2026, 3, 2),
    )
    assert (note.status, note.author_id, note.body) == (
        "draft",
        ada.staff_id,
        "Line one\n\tindented",
    )
    clock.advance(timedelta(minutes=5))
    note = charts.update_draft(
        uow(), ada, note.id, "Session 1", "Confidential words", date(2026, 3, 1), note.version
    )
    assert (note.body, note.session_date, note.updated_at) == (
        "Confidential words",
        date(2026, 3, 1),
        clock.now(),
    )
    signed = charts.sign_note(uow(), ada, note.id, note.version)
    assert (signed.status, signed.signed_at) == ("signed", clock.now())
    entries = [e for e in audit.recent_entries(uow(), owner) if e.subject == f"note:{note.id}"]
    assert [e.action for e in reversed(entries)] == [
        audit.Action.NOTE_CREATED,
        audit.Action.NOTE_UPDATED,
        audit.Action.NOTE_SIGNED,
    ]
    for entry in entries:
        assert entry.client_id == client_id and entry.actor_id == ada.staff_id
        assert "Confidential" not in repr(entry.details) and "Session" not in repr(entry.details)


def test_R3_nobody_else_writes_in_a_chart_even_with_a_share(
    uow, clock, engine, ada, ben, client_id
):
    draft = write(uow, ada, client_id, "Draft", sign=False)
    signed = write(uow, ada, client_id, "Signed")
    share(uow, clock, client_id, ada, ben, include_private=True)
    before = snapshot(engine)
    attempts = [
        lambda: charts.update_draft(uow(), ben, draft.id, "Mine", "Mine", None, draft.version),
        lambda: charts.sign_note(uow(), ben, draft.id, draft.version),
        lambda: charts.add_addendum(uow(), ben, signed.id, "A correction by Ben"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionRefused) as refusal:
            attempt()
        assert refusal.value.rule == "R3" and "Dr. Ada Lee" in refusal.value.message
    assert snapshot(engine) == before


@pytest.mark.parametrize("role", [Role.OWNER, Role.SCHEDULER])
def test_R3_someone_who_is_not_a_provider_writes_no_note(
    uow, engine, owner, add_member, client_id, role
):
    writer = owner if role is Role.OWNER else add_member("Front Desk", role)
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refusal:
        charts.create_note(
            uow(), writer, client_id, kind="progress", title="T", body="B", session_date=None
        )
    assert refusal.value.rule == "R3"
    assert snapshot(engine) == before


def test_R3_a_provider_writes_only_while_the_client_is_on_their_list(
    uow, engine, add_member, client_id
):
    carl = add_member("Dr. Carl Diaz", Role.PROVIDER, records_owner="group")
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refusal:
        charts.create_note(
            uow(), carl, client_id, kind="progress", title="T", body="B", session_date=None
        )
    assert refusal.value.rule == "R3"
    assert "is not on your list, so you cannot start notes" in refusal.value.message
    assert snapshot(engine) == before


def test_R3_a_signed_note_never_changes(uow, engine, ada, client_id):
    signed = write(uow, ada, client_id, "Signed")
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="A signed note never changes; add an addendum instead"):
        charts.update_draft(uow(), ada, signed.id, "New", "New", None, signed.version)
    with pytest.raises(InvalidInput, match="already signed"):
        charts.sign_note(uow(), ada, signed.id, signed.version)
    assert snapshot(engine) == before


def test_R3_the_database_refuses_to_change_or_delete_a_signed_note(uow, engine, ada, client_id):
    signed = write(uow, ada, client_id, "Signed")
    for statement in (
        "UPDATE chart_notes SET body = 'tampered' WHERE id = :id",
        "DELETE FROM chart_notes WHERE id = :id",
    ):
        with pytest.raises(Exception, match="signed note"), engine.begin() as connection:
            connection.execute(text(statement), {"id": signed.id})
    with uow() as work:
        assert work.session.get(ChartNote, signed.id).body == "Signed: what was said."


def test_R3_an_addendum_corrects_a_signed_note(uow, clock, owner, ada, ben, client_id):
    signed = write(uow, ada, client_id, "Intake")
    clock.advance(timedelta(hours=1))
    addendum = charts.add_addendum(uow(), ada, signed.id, "Correction: the date was Monday.")
    assert (addendum.status, addendum.signed_at, addendum.addendum_to_id, addendum.title) == (
        "signed",
        clock.now(),
        signed.id,
        "Addendum",
    )
    later = charts.add_addendum(uow(), ada, addendum.id, "Second correction.")
    assert later.addendum_to_id == signed.id
    share(uow, clock, client_id, ada, ben)
    for reader in (ada, ben):
        chart = chart_of(charts.read_records(uow(), reader, client_id), ada)
        assert titles(chart.notes) == ["Intake"]
        assert [a.id for a in chart.notes[0].addenda] == [addendum.id, later.id]
    entry = next(
        e for e in audit.recent_entries(uow(), owner) if e.subject == f"note:{addendum.id}"
    )
    assert entry.action == audit.Action.ADDENDUM_ADDED and entry.details["amends"] == signed.id
    assert "Correction" not in repr(entry.details)


def test_R3_a_draft_takes_no_addendum(uow, engine, ada, client_id):
    draft = write(uow, ada, client_id, "Draft", sign=False)
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="Only a signed note takes an addendum"):
        charts.add_addendum(uow(), ada, draft.id, "Too early")
    assert snapshot(engine) == before


def test_R3_an_edit_from_a_stale_window_is_a_conflict(uow, engine, ada, client_id):
    draft = write(uow, ada, client_id, "Draft", sign=False)
    charts.update_draft(uow(), ada, draft.id, "Draft", "First window", None, draft.version)
    before = snapshot(engine)
    with pytest.raises(Conflict):
        charts.update_draft(uow(), ada, draft.id, "Draft", "Second window", None, draft.version)
    with pytest.raises(Conflict):
        charts.sign_note(uow(), ada, draft.id, draft.version)
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": TEN_MB}, "title", "at most 200 characters"),
        ({"body": TEN_MB}, "body", "at most 200,000 characters"),
        ({"body": "ring \x07 bell"}, "body", "control characters"),
        ({"session_date": date(2026, 3, 4)}, "session_date", "in the future"),
        ({"kind": "diary"}, "kind", "progress note or a private"),
    ],
)
def test_R3_unacceptable_note_input_is_refused_plainly(
    uow, engine, ada, client_id, changes, field, words
):
    values = {"kind": "progress", "title": "T", "body": "B", "session_date": date(2026, 3, 3)}
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match=words) as refusal:
        charts.create_note(uow(), ada, client_id, **(values | changes))
    assert refusal.value.field == field
    assert snapshot(engine) == before


def test_R3_a_ten_megabyte_edit_or_addendum_is_refused(uow, engine, ada, client_id):
    draft = write(uow, ada, client_id, "Draft", sign=False)
    signed = write(uow, ada, client_id, "Signed")
    before = snapshot(engine)
    attempts = [
        lambda: charts.update_draft(uow(), ada, draft.id, "Draft", TEN_MB, None, draft.version),
        lambda: charts.add_addendum(uow(), ada, signed.id, TEN_MB),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidInput, match="at most 200,000 characters") as refusal:
            attempt()
        assert refusal.value.field == "body"
    assert snapshot(engine) == before


def test_R3_a_missing_or_deleted_note_is_not_found(uow, engine, ada, client_id):
    draft = write(uow, ada, client_id, "Draft", sign=False)
    with engine.begin() as connection:
        connection.execute(delete(ChartNote).where(ChartNote.id == draft.id))
    for note_id in (draft.id, 999_999):
        with pytest.raises(NotFound):
            charts.update_draft(uow(), ada, note_id, "T", "B", None, 1)
        with pytest.raises(NotFound):
            charts.sign_note(uow(), ada, note_id, 1)
        with pytest.raises(NotFound):
            charts.add_addendum(uow(), ada, note_id, "B")
    with uow() as work:
        assert work.session.scalars(select(ChartNote)).all() == []
