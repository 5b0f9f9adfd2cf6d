"""Clinical supervision (R16): reading supervisees' charts, notes to review, approve, co-sign,
return, per-client choices, changing and ending supervision, audit (R13)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.db.tables import AuditEvent
from desktop.services import charts, note_reviews, notifications, staff, supervision
from desktop.services.errors import InvalidInput, NotFound, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import add_client, link, make_clinical_document, readable_note_ids


@pytest.fixture
def ana(add_member):
    """A pre-licensed clinician."""
    return add_member("Ana Ruiz", Role.PROVIDER, records_owner="group")


@pytest.fixture
def sol(add_member):
    """Her supervisor."""
    return add_member("Dr. Sol Park", Role.PROVIDER, records_owner="group")


@pytest.fixture
def ben(add_member):
    return add_member("Dr. Ben Ito", Role.PROVIDER, records_owner="provider")


@pytest.fixture
def client_id(uow, clock, ana):
    client = add_client(uow, clock, "Kim", "Chen")
    link(uow, clock, client, ana)
    return client


def finish(uow, author, client_id, title="Session 1", *, kind="progress"):
    note = charts.create_note(
        uow(), author, client_id, kind=kind, title=title, body="What was said.", session_date=None
    )
    return charts.sign_note(uow(), author, note.id, note.version)


def actions(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_R16_only_owner_or_manager_sets_a_supervisor_who_is_another_active_provider(
    uow, engine, owner, add_member, ana, sol
):
    manager = add_member("Mo Manager", Role.MANAGER)
    custodian = add_member("Cy Keeper", Role.RECORD_CUSTODIAN)
    before = snapshot(engine)
    for who in (custodian, ana, sol):
        with pytest.raises(PermissionRefused):
            supervision.set_supervision(uow(), who, ana.staff_id, sol.staff_id, "read")
    with pytest.raises(PermissionRefused, match="themselves"):
        supervision.set_supervision(uow(), owner, ana.staff_id, ana.staff_id, "read")
    with pytest.raises(InvalidInput):
        supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "watch")
    assert snapshot(engine) == before
    view = supervision.set_supervision(uow(), manager, ana.staff_id, sol.staff_id, "cosign")
    assert (view.supervisor_name, view.mode_label) == ("Dr. Sol Park", "Co-sign")
    assert [s.supervisor_id for s in supervision.supervisions_of(uow(), owner, ana.staff_id)] == [
        sol.staff_id
    ]
    assert "supervision.set" in actions(engine)


def test_R16_a_supervisor_reads_the_charts_but_never_private_notes_and_ending_ends_it(
    uow, clock, engine, owner, ana, sol, client_id
):
    progress = finish(uow, ana, client_id, "Progress")
    private = finish(uow, ana, client_id, "Private", kind="private")
    make_clinical_document(uow(), client_id, ana.staff_id)
    with pytest.raises(PermissionRefused):
        charts.read_records(uow(), sol, client_id)

    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "read")
    records = charts.read_records(uow(), sol, client_id)
    (chart,) = records.charts
    assert [n.id for n in chart.notes] == [progress.id]
    assert chart.private_notes is None and len(chart.documents) == 1
    assert private.id not in readable_note_ids(uow(), sol)

    supervision.set_supervision(uow(), owner, ana.staff_id, None)
    with pytest.raises(PermissionRefused):
        charts.read_records(uow(), sol, client_id)
    assert readable_note_ids(uow(), sol) == set()
    assert "supervision.ended" in actions(engine)


@pytest.mark.parametrize("mode", ["approve", "cosign"])
def test_R16_a_finished_note_awaits_review_and_is_read_by_author_and_supervisor_only(
    uow, engine, owner, ana, sol, ben, client_id, mode
):
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, mode)
    note = finish(uow, ana, client_id)
    assert note.status == "draft"
    state = note_reviews.review_states(uow(), ana, [note.id])[note.id]
    assert state.label == "Awaiting review by Dr. Sol Park"
    assert note.id in readable_note_ids(uow(), sol)
    assert note.id not in readable_note_ids(uow(), owner)  # group-owned, yet not signed
    assert note_reviews.count_notes_to_review(uow(), sol) == 1
    (item,) = note_reviews.notes_to_review(uow(), sol)
    assert (item.client_name, item.author_name, item.body) == (
        "Kim Chen",
        "Ana Ruiz",
        "What was said.",
    )

    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="review"):
        charts.update_draft(uow(), ana, note.id, "x", "changed", None, note.version)
    for who in (owner, ben, ana):
        with pytest.raises(PermissionRefused):
            note_reviews.approve_note(uow(), who, note.id, note.version)
    assert snapshot(engine) == before

    decided = note_reviews.approve_note(uow(), sol, item.note_id, item.version)
    assert decided.state == "approved"
    signed = next(n for n in charts.read_records(uow(), ana, client_id).charts[0].notes)
    assert signed.status == "signed"
    if mode == "cosign":
        assert (
            decided.cosigner_name == "Dr. Sol Park" and decided.label == "Co-signed by Dr. Sol Park"
        )
    else:
        assert decided.cosigner_name is None and decided.label == "Approved by Dr. Sol Park"
    assert note_reviews.count_notes_to_review(uow(), sol) == 0
    assert {"chart.note_sent_for_review", "chart.note_approved"} <= set(actions(engine))
    assert any("your note for Kim Chen" in n.message for n in notifications.notices_for(uow(), ana))


def test_R16_a_returned_note_shows_the_comment_and_the_author_edits_and_sends_it_again(
    uow, engine, owner, ana, sol, client_id
):
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "approve")
    note = finish(uow, ana, client_id)
    with pytest.raises(InvalidInput):
        note_reviews.return_note(uow(), sol, note.id, "   ", note.version)
    returned = note_reviews.return_note(
        uow(), sol, note.id, "Add the risk assessment.", note.version
    )
    assert returned.label == "Returned by Dr. Sol Park"
    state = note_reviews.review_states(uow(), ana, [note.id])[note.id]
    assert state.comment == "Add the risk assessment."
    assert note.id not in readable_note_ids(uow(), sol)  # a draft again: the author's only

    current = charts.read_records(uow(), ana, client_id).charts[0].notes[0]
    edited = charts.update_draft(
        uow(), ana, note.id, "Session 1", "Risk: low.", None, current.version
    )
    again = charts.sign_note(uow(), ana, note.id, edited.version)
    assert again.status == "draft"
    assert note_reviews.count_notes_to_review(uow(), sol) == 1
    assert "chart.note_returned" in actions(engine)


def test_R16_the_per_client_choice_wins_over_the_default(
    uow, clock, owner, ana, sol, ben, client_id
):
    other = add_client(uow, clock, "Lou", "Vega")
    link(uow, clock, other, ana)
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "read")
    supervision.set_supervision(uow(), owner, ana.staff_id, ben.staff_id, "cosign", client_id)
    first = finish(uow, ana, client_id, "For Kim")
    second = finish(uow, ana, other, "For Lou")
    assert (first.status, second.status) == ("draft", "signed")
    assert [n.note_id for n in note_reviews.notes_to_review(uow(), ben)] == [first.id]
    assert second.id in readable_note_ids(uow(), sol)
    with pytest.raises(PermissionRefused):  # Kim's supervision is Ben's only
        charts.read_records(uow(), sol, client_id)
    assert len(charts.read_records(uow(), ben, client_id).charts) == 1


def test_R16_changing_supervision_moves_notes_and_ending_it_returns_them_to_draft_with_a_notice(
    uow, engine, owner, ana, sol, ben, client_id
):
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "approve")
    note = finish(uow, ana, client_id)
    supervision.set_supervision(uow(), owner, ana.staff_id, ben.staff_id, "cosign")
    assert note_reviews.count_notes_to_review(uow(), sol) == 0
    assert [n.note_id for n in note_reviews.notes_to_review(uow(), ben)] == [note.id]
    assert note.id not in readable_note_ids(uow(), sol)

    supervision.set_supervision(uow(), owner, ana.staff_id, None)
    assert note_reviews.count_notes_to_review(uow(), ben) == 0
    assert note_reviews.review_states(uow(), ana, [note.id])[note.id].state == "returned"
    assert any("draft again" in n.message for n in notifications.notices_for(uow(), ana))
    signed = charts.sign_note(
        uow(), ana, note.id, charts.read_records(uow(), ana, client_id).charts[0].notes[0].version
    )
    assert signed.status == "signed"
    assert {"supervision.review_moved", "supervision.review_withdrawn"} <= set(actions(engine))


def test_R16_a_deactivated_supervisor_supervises_nobody_and_their_waiting_notes_go_back(
    uow, engine, owner, ana, sol, client_id
):
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "cosign")
    note = finish(uow, ana, client_id)
    staff.deactivate_staff(uow(), owner, sol.staff_id)
    assert supervision.supervisions_of(uow(), owner, ana.staff_id) == []
    assert note_reviews.review_states(uow(), ana, [note.id])[note.id].state == "returned"
    assert any("draft again" in n.message for n in notifications.notices_for(uow(), ana))
    assert "supervision.ended" in actions(engine)
    signed = charts.sign_note(
        uow(), ana, note.id, charts.read_records(uow(), ana, client_id).charts[0].notes[0].version
    )
    assert signed.status == "signed"  # nobody supervises Ana now


def test_R16_private_notes_never_go_for_review(uow, owner, ana, sol, client_id):
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "cosign")
    private = finish(uow, ana, client_id, kind="private")
    assert private.status == "signed"
    assert note_reviews.count_notes_to_review(uow(), sol) == 0


def test_R16_a_note_not_waiting_cannot_be_reviewed(uow, owner, ana, sol, client_id):
    supervision.set_supervision(uow(), owner, ana.staff_id, sol.staff_id, "approve")
    note = finish(uow, ana, client_id)
    note_reviews.approve_note(uow(), sol, note.id, note.version)
    with pytest.raises((PermissionRefused, NotFound)):
        note_reviews.return_note(uow(), sol, note.id, "late", note.version + 1)
