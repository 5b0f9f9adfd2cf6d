"""Transfers of one client (R8) and of a departing provider's caseload (R9)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.db.tables import AuditEvent
from desktop.services import audit, transfers
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import (
    linked_provider_ids,
    make_client,
    make_note,
    readable_note_ids,
    visible_client_ids,
)


@pytest.fixture
def team(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    lee = add_member("Dr Lee", Role.PROVIDER, records_owner="provider")
    return {"ana": ana, "ben": ben, "lee": lee, "owner": owner}


def test_R8_transfer_moves_the_client_and_shares_the_chart(uow, team):
    ana, ben = team["ana"], team["ben"]
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    progress = make_note(uow(), kim, ana.staff_id)
    private = make_note(uow(), kim, ana.staff_id, kind="private")
    summary = transfers.transfer_client(uow(), ana, kim, ana.staff_id, ben.staff_id)
    assert summary.message == (
        "Kim Chen was transferred from Ana Castillo to Ben Adeyemi, who can now read Ana Castillo's chart."
    )
    assert linked_provider_ids(uow(), kim) == {ben.staff_id}
    assert kim not in visible_client_ids(uow(), ana)  # C leaves A's list
    readable = readable_note_ids(uow(), ben)
    assert progress in readable and private not in readable
    assert progress in readable_note_ids(uow(), ana)  # A still reads what A wrote


def test_R8_private_notes_travel_only_when_chosen(uow, team):
    ana, ben = team["ana"], team["ben"]
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    private = make_note(uow(), kim, ana.staff_id, kind="private")
    transfers.transfer_client(uow(), ana, kim, ana.staff_id, ben.staff_id, include_private=True)
    assert private in readable_note_ids(uow(), ben)


def test_R8_only_those_who_may_share_the_chart_transfer_it(uow, add_member, team, engine):
    lee, ben, owner = team["lee"], team["ben"], team["owner"]
    kim = make_client(uow(), "Kim", "Chen", lee.staff_id)
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    for actor in (owner, desk, ben):
        before = snapshot(engine)
        with pytest.raises(PermissionRefused) as refused:
            transfers.transfer_client(uow(), actor, kim, lee.staff_id, ben.staff_id)
        assert refused.value.rule == "R5"
        assert snapshot(engine) == before
    transfers.transfer_client(uow(), lee, kim, lee.staff_id, ben.staff_id)


def test_R8_a_record_custodian_transfers_a_group_owned_client(uow, add_member, team):
    custodian = add_member("Priya Raman", Role.RECORD_CUSTODIAN)
    ana, ben = team["ana"], team["ben"]
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    transfers.transfer_client(uow(), custodian, kim, ana.staff_id, ben.staff_id)
    assert linked_provider_ids(uow(), kim) == {ben.staff_id}


def _audit_count(uow, action):
    with uow() as u:
        return u.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_R9_a_caseload_moves_in_one_action_with_progress_resumable_one_entry_per_client(uow, team):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    clients = [make_client(uow(), f"Client{i}", "Test", ana.staff_id) for i in range(5)]
    other = make_client(uow(), "Not", "Ana's", ben.staff_id)
    plan = transfers.start_caseload_transfer(uow(), owner, ana.staff_id, ben.staff_id)
    assert (plan.total, plan.done, plan.status) == (5, 0, "running")
    seen = []

    def stop_after_two(progress):
        seen.append(progress.done)
        return progress.done < 2

    interrupted = transfers.run_caseload_transfer(uow(), owner, plan.transfer_id, stop_after_two)
    assert (interrupted.done, interrupted.status) == (2, "running") and seen == [1, 2]
    assert [p.transfer_id for p in transfers.unfinished_caseload_transfers(uow(), owner)] == [
        plan.transfer_id
    ]
    # Starting again resumes the same transfer instead of planning a second one.
    assert (
        transfers.start_caseload_transfer(uow(), owner, ana.staff_id, ben.staff_id).transfer_id
        == plan.transfer_id
    )
    finished = transfers.run_caseload_transfer(uow(), owner, plan.transfer_id)
    assert (finished.done, finished.total, finished.status) == (5, 5, "finished")
    assert visible_client_ids(uow(), ana) == set()
    assert set(clients) | {other} == visible_client_ids(uow(), ben)
    assert _audit_count(uow, audit.Action.CLIENT_TRANSFERRED) == 5
    assert transfers.unfinished_caseload_transfers(uow(), owner) == []


def test_R9_same_permission_as_R8(uow, add_member, team, engine):
    lee, ben, owner = team["lee"], team["ben"], team["owner"]
    make_client(uow(), "Kim", "Chen", lee.staff_id)
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        transfers.start_caseload_transfer(uow(), owner, lee.staff_id, ben.staff_id)
    assert refused.value.rule == "R9" and "Dr Lee owns their records" in refused.value.reason
    assert snapshot(engine) == before
    assert transfers.start_caseload_transfer(uow(), lee, lee.staff_id, ben.staff_id).total == 1


def test_R9_an_empty_caseload_is_said_plainly(uow, team):
    with pytest.raises(InvalidInput, match="no clients on their list"):
        transfers.start_caseload_transfer(
            uow(), team["owner"], team["ana"].staff_id, team["ben"].staff_id
        )


def test_R3_after_a_transfer_the_old_provider_signs_a_draft_left_behind_but_writes_nothing_new(
    uow, team
):
    from desktop.services import charts

    ana, ben = team["ana"], team["ben"]
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    draft = charts.create_note(
        uow(), ana, kim, kind="progress", title="Session", body="Seen today.", session_date=None
    )
    transfers.transfer_client(uow(), ana, kim, ana.staff_id, ben.staff_id)
    signed = charts.sign_note(uow(), ana, draft.id, draft.version)
    assert signed.status == "signed"
    with pytest.raises(PermissionRefused, match="is not on your list, so you cannot start notes"):
        charts.create_note(
            uow(), ana, kim, kind="progress", title="Later", body="x", session_date=None
        )
