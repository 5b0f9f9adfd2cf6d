"""Chart sharing (R5, R6, B2, B3, B4): one-way, private notes only when chosen, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop.db.tables import AuditEvent
from desktop.services import audit, notifications, sharing
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import (
    linked_provider_ids,
    make_client,
    make_clinical_document,
    make_note,
    readable_note_ids,
    visible_client_ids,
)


@pytest.fixture
def practice(uow, owner, add_member):
    """Ana (group-owned records) and Lee (owns his records) both treat Kim; Ben is a colleague."""
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    lee = add_member("Dr Lee", Role.PROVIDER, records_owner="provider")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id, lee.staff_id)
    notes = {
        "ana_progress": make_note(uow(), kim, ana.staff_id),
        "ana_private": make_note(uow(), kim, ana.staff_id, kind="private"),
        "ana_draft": make_note(uow(), kim, ana.staff_id, signed=False),
        "lee_progress": make_note(uow(), kim, lee.staff_id),
        "lee_private": make_note(uow(), kim, lee.staff_id, kind="private"),
        "ben_progress": make_note(uow(), kim, ben.staff_id),
    }
    make_clinical_document(uow(), kim, ana.staff_id)
    return {"ana": ana, "lee": lee, "ben": ben, "kim": kim, "notes": notes, "owner": owner}


def test_R5_a_provider_shares_their_chart_one_way_without_private_notes_by_default(uow, practice):
    ana, ben, kim, notes = practice["ana"], practice["ben"], practice["kim"], practice["notes"]
    before = readable_note_ids(uow(), ben)
    share = sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    assert not share.include_private
    gained = readable_note_ids(uow(), ben) - before
    assert gained == {notes["ana_progress"]}  # not the private note, not the draft
    # One-way: Ana gains nothing of Ben's chart.
    assert notes["ben_progress"] not in readable_note_ids(uow(), ana)
    assert kim in visible_client_ids(uow(), ben)  # sharing put Kim on Ben's list


def test_R4_private_notes_only_through_a_share_that_includes_them(uow, practice):
    ana, ben, kim, notes = practice["ana"], practice["ben"], practice["kim"], practice["notes"]
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id, include_private=True)
    assert {notes["ana_progress"], notes["ana_private"]} <= readable_note_ids(uow(), ben)


def test_R5_only_the_provider_shares_a_chart_whose_records_they_own(
    uow, practice, add_member, engine
):
    lee, ben, kim, owner = practice["lee"], practice["ben"], practice["kim"], practice["owner"]
    custodian = add_member("Priya Raman", Role.RECORD_CUSTODIAN)
    for actor in (owner, custodian, ben):
        before = snapshot(engine)
        with pytest.raises(PermissionRefused) as refused:
            sharing.start_chart_share(uow(), actor, kim, lee.staff_id, ben.staff_id)
        assert refused.value.rule == "R5"
        assert (
            refused.value.reason == "Only Dr Lee can share this chart: Dr Lee owns their records."
        )
        assert snapshot(engine) == before
    assert (
        sharing.start_chart_share(uow(), lee, kim, lee.staff_id, ben.staff_id).to_provider_name
        == "Ben Adeyemi"
    )


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R5_record_keeping_roles_share_a_group_owned_chart(uow, practice, add_member, role):
    actor = practice["owner"] if role is Role.OWNER else add_member("Someone", role)
    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    share = sharing.start_chart_share(uow(), actor, kim, ana.staff_id, ben.staff_id)
    assert share.started_by_name == actor.display_name


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.BILLER])
def test_R5_front_desk_and_billing_cannot_share_a_chart(uow, practice, add_member, role, engine):
    actor = add_member("Someone", role)
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        sharing.start_chart_share(
            uow(),
            practice["owner"] if False else actor,
            practice["kim"],
            practice["ana"].staff_id,
            practice["ben"].staff_id,
        )
    assert refused.value.rule == "R5" and "Only Ana Castillo, the Owner" in refused.value.reason
    assert snapshot(engine) == before


def test_R5_a_provider_shares_only_while_the_client_is_on_their_list(uow, practice, add_member):
    ben, ana, kim = practice["ben"], practice["ana"], practice["kim"]
    with pytest.raises(PermissionRefused, match="only while Kim Chen is on your list"):
        sharing.start_chart_share(uow(), ben, kim, ben.staff_id, ana.staff_id)


def test_R5_the_colleague_must_be_another_active_provider(uow, practice, add_member):
    ana, kim, owner = practice["ana"], practice["kim"], practice["owner"]
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    with pytest.raises(PermissionRefused, match="Choose a colleague"):
        sharing.start_chart_share(uow(), ana, kim, ana.staff_id, desk.staff_id)
    with pytest.raises(PermissionRefused, match="choose another provider"):
        sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ana.staff_id)
    gone = add_member("Gone Provider", Role.PROVIDER, records_owner="group")
    from desktop.services import staff

    staff.deactivate_staff(uow(), owner, gone.staff_id)
    with pytest.raises(PermissionRefused, match="deactivated"):
        sharing.start_chart_share(uow(), ana, kim, ana.staff_id, gone.staff_id)


def test_sharing_twice_is_refused_and_changes_nothing(uow, practice, engine):
    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    before = snapshot(engine)
    with pytest.raises(Conflict, match="already shared with Ben Adeyemi"):
        sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id, include_private=True)
    assert snapshot(engine) == before


def test_R6_ending_a_share_leaves_the_client_on_the_list_demographics_only(uow, practice):
    ana, ben, kim, notes = practice["ana"], practice["ben"], practice["kim"], practice["notes"]
    share = sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    ended = sharing.end_chart_share(uow(), ana, share.id)
    assert ended.end_reason == "manual"
    assert notes["ana_progress"] not in readable_note_ids(uow(), ben)
    assert ben.staff_id in linked_provider_ids(uow(), kim)
    with pytest.raises(InvalidInput, match="already ended"):
        sharing.end_chart_share(uow(), ana, share.id)


def test_B2_a_time_limited_share_ends_by_itself_and_is_audited(uow, practice, clock):
    ana, ben, kim, notes = practice["ana"], practice["ben"], practice["kim"], practice["notes"]
    until = clock.now() + timedelta(days=14)
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id, until=until)
    clock.advance(timedelta(days=13))
    assert notes["ana_progress"] in readable_note_ids(uow(), ben)
    clock.advance(timedelta(days=1))
    assert notes["ana_progress"] not in readable_note_ids(uow(), ben)  # at once, before any sweep
    assert sharing.expire_due_shares(uow()) == 1
    assert sharing.expire_due_shares(uow()) == 0
    with uow() as u:
        entry = u.session.scalars(
            select(AuditEvent).where(AuditEvent.action == audit.Action.SHARE_ENDED)
        ).one()
        assert '"reason":"expired"' in entry.details and entry.client_id == kim
    # and the colleague can be given a new share afterwards
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)


def test_B2_an_end_date_in_the_past_is_refused(uow, practice, clock):
    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    with pytest.raises(InvalidInput, match="must be in the future"):
        sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id, until=clock.now())


def test_B3_the_preview_counts_exactly_what_the_colleague_gains(uow, practice):
    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    preview = sharing.preview_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    assert (preview.progress_notes, preview.clinical_documents, preview.private_notes) == (1, 1, 1)
    assert preview.adds_to_list and not preview.already_shared
    assert "no private psychotherapy notes" in preview.summary
    with_private = sharing.preview_share(
        uow(), ana, kim, ana.staff_id, ben.staff_id, include_private=True
    )
    assert "1 private psychotherapy note " in with_private.summary


def test_B4_the_colleague_is_told_in_the_app(uow, practice):
    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    notices = notifications.notices_for(uow(), ben, unread_only=True)
    assert [n.message for n in notices] == ["Ana Castillo shared Kim Chen's chart with you."]
    assert notifications.notices_for(uow(), ana) == []
    assert notifications.mark_read(uow(), ana, [notices[0].id]) == 0  # not Ana's notice
    assert notifications.mark_read(uow(), ben, [notices[0].id]) == 1
    assert notifications.notices_for(uow(), ben, unread_only=True) == []


def test_R13_starting_and_ending_are_audited_with_the_client(uow, practice):
    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    share = sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    sharing.end_chart_share(uow(), ana, share.id)
    with uow() as u:
        rows = u.session.execute(
            select(AuditEvent.action, AuditEvent.client_id, AuditEvent.actor_id)
            .where(AuditEvent.action.like("share.%"))
            .order_by(AuditEvent.seq)
        ).all()
    assert [tuple(r) for r in rows] == [
        (audit.Action.SHARE_STARTED, kim, ana.staff_id),
        (audit.Action.SHARE_ENDED, kim, ana.staff_id),
    ]


def test_B2_the_end_of_an_expired_share_is_recorded_when_someone_signs_in(
    uow, passwords, practice, clock
):
    from desktop.services import auth

    ana, ben, kim = practice["ana"], practice["ben"], practice["kim"]
    share = sharing.start_chart_share(
        uow(), ana, kim, ana.staff_id, ben.staff_id, until=clock.now() + timedelta(days=1)
    )
    clock.advance(timedelta(days=2))
    auth.sign_in(uow(), passwords, practice["owner"].email, "correct horse battery", "pc")
    with uow() as u:
        from desktop.db.tables import ChartShare

        ended = u.session.get(ChartShare, share.id)
        assert (ended.end_reason, ended.ended_at) == ("expired", share.expires_at)
