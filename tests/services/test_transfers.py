"""Transfers of one client (R8) and of a departing provider's caseload (R9)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desktop.db.tables import Appointment, AuditEvent, ChartShare, Notification
from desktop.services import audit, caseload, transfers
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import (
    link,
    linked_provider_ids,
    make_client,
    make_note,
    readable_note_ids,
    share,
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
    plan = caseload.start_caseload_transfer(uow(), owner, ana.staff_id, ben.staff_id)
    assert (plan.total, plan.done, plan.status) == (5, 0, "running")
    seen = []

    def stop_after_two(progress):
        seen.append(progress.done)
        return progress.done < 2

    interrupted = caseload.run_caseload_transfer(
        uow(), owner, plan.transfer_id, stop_after_two, batch_size=1
    )
    assert (interrupted.done, interrupted.status) == (2, "running") and seen == [1, 2]
    assert [p.transfer_id for p in caseload.unfinished_caseload_transfers(uow(), owner)] == [
        plan.transfer_id
    ]
    # Starting again resumes the same transfer instead of planning a second one.
    assert (
        caseload.start_caseload_transfer(uow(), owner, ana.staff_id, ben.staff_id).transfer_id
        == plan.transfer_id
    )
    finished = caseload.run_caseload_transfer(uow(), owner, plan.transfer_id)
    assert (finished.done, finished.total, finished.status) == (5, 5, "finished")
    assert visible_client_ids(uow(), ana) == set()
    assert set(clients) | {other} == visible_client_ids(uow(), ben)
    assert _audit_count(uow, audit.Action.CLIENT_TRANSFERRED) == 5
    assert caseload.unfinished_caseload_transfers(uow(), owner) == []


def test_R9_same_permission_as_R8(uow, add_member, team, engine):
    lee, ben, owner = team["lee"], team["ben"], team["owner"]
    make_client(uow(), "Kim", "Chen", lee.staff_id)
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        caseload.start_caseload_transfer(uow(), owner, lee.staff_id, ben.staff_id)
    assert refused.value.rule == "R9" and "Dr Lee owns their records" in refused.value.reason
    assert snapshot(engine) == before
    assert caseload.start_caseload_transfer(uow(), lee, lee.staff_id, ben.staff_id).total == 1


def test_R9_an_empty_caseload_is_said_plainly(uow, team):
    with pytest.raises(InvalidInput, match="no clients on their list"):
        caseload.start_caseload_transfer(
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


def _appointment(uow, provider_id, client_id, starts_in_hours, minutes=50) -> int:
    with uow as u:
        starts = u.now() + timedelta(hours=starts_in_hours)
        row = Appointment(
            provider_id=provider_id,
            client_id=client_id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            status="booked",
            created_by=provider_id,
            created_at=u.now(),
        )
        u.session.add(row)
        u.session.flush()
        u.commit()
        return row.id


def _provider_of(uow, appointment_id) -> int:
    with uow as u:
        return u.session.get(Appointment, appointment_id).provider_id


@pytest.fixture
def leaving(uow, team):
    """Ana leaves with three clients: Amelia and Noah have appointments tomorrow, Olivia had one
    yesterday; Ben is booked with his own client at a time that overlaps Noah's."""
    ana, ben = team["ana"], team["ben"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    noah = make_client(uow(), "Noah", "Brooks", ana.staff_id)
    olivia = make_client(uow(), "Olivia", "Chen", ana.staff_id)
    bens = make_client(uow(), "Sam", "Rivera", ben.staff_id)
    return {
        "clients": (amelia, noah, olivia),
        "amelia": _appointment(uow(), ana.staff_id, amelia, 20),
        "noah": _appointment(uow(), ana.staff_id, noah, 22),
        "olivia": _appointment(uow(), ana.staff_id, olivia, -20),
        "bens": _appointment(uow(), ben.staff_id, bens, 22.5),
    }


def test_R9_the_preview_names_the_clients_and_the_appointments_that_clash(uow, team, leaving):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    preview = caseload.preview_caseload_transfer(uow(), owner, ana.staff_id, ben.staff_id)
    assert preview.total == 3
    assert preview.client_names == ["Amelia Abbott", "Noah Brooks", "Olivia Chen"]
    assert preview.future_appointments == 2  # Olivia's was yesterday
    assert [c.appointment_id for c in preview.clashes] == [leaving["noah"]]
    assert preview.clashes[0].client_name == "Noah Brooks"
    # The preview changed nothing.
    assert linked_provider_ids(uow(), leaving["clients"][0]) == {ana.staff_id}


def test_R9_the_preview_is_refused_to_who_may_not_transfer(uow, team, leaving):
    with pytest.raises(PermissionRefused):
        caseload.preview_caseload_transfer(
            uow(), team["ben"], team["ana"].staff_id, team["ben"].staff_id
        )


def test_R9_future_appointments_move_unless_the_colleague_is_booked_then(uow, team, leaving):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    plan = caseload.start_caseload_transfer(
        uow(), owner, ana.staff_id, ben.staff_id, move_appointments=True
    )
    done = caseload.run_caseload_transfer(uow(), owner, plan.transfer_id, batch_size=2)
    assert done.finished and done.move_appointments
    assert (done.appointments_moved, done.appointments_left) == (1, 1)
    assert _provider_of(uow(), leaving["amelia"]) == ben.staff_id
    assert _provider_of(uow(), leaving["noah"]) == ana.staff_id  # R10: Ben is booked then
    assert _provider_of(uow(), leaving["olivia"]) == ana.staff_id  # the past stays as it was
    with uow() as u:
        details = u.session.scalars(
            select(AuditEvent.details).where(
                AuditEvent.action == audit.Action.CLIENT_TRANSFERRED,
                AuditEvent.client_id == leaving["clients"][1],
            )
        ).one()
    assert f'"appointments_left":[{leaving["noah"]}]' in details


def test_R9_future_appointments_stay_when_the_person_chooses_so(uow, team, leaving):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    plan = caseload.start_caseload_transfer(uow(), owner, ana.staff_id, ben.staff_id)
    done = caseload.run_caseload_transfer(uow(), owner, plan.transfer_id)
    assert done.finished and not done.move_appointments
    assert _provider_of(uow(), leaving["amelia"]) == ana.staff_id
    assert _provider_of(uow(), leaving["noah"]) == ana.staff_id
    assert visible_client_ids(uow(), ana) == set()


def _history(uow, client_id):
    """The client's audit entries (action, and the detail that tells them apart), in order."""
    with uow() as u:
        rows = u.session.execute(
            select(AuditEvent.action, AuditEvent.details)
            .where(AuditEvent.client_id == client_id)
            .order_by(AuditEvent.seq)
        ).all()
    return [
        (
            action,
            {k: v for k, v in json.loads(details).items() if k in ("reason", "include_private")},
        )
        for action, details in rows
    ]


def _situations(uow, clock, provider, ben):
    """Four clients of `provider` in the situations a transfer treats differently."""
    plain = make_client(uow(), "Plain", provider.display_name, provider.staff_id)
    on_both = make_client(uow(), "Both", provider.display_name, provider.staff_id, ben.staff_id)
    shared_private = make_client(uow(), "Private", provider.display_name, provider.staff_id)
    share(uow, clock, shared_private, provider, ben, include_private=True)
    shared_to_them = make_client(uow(), "Shared", provider.display_name, provider.staff_id)
    link(uow, clock, shared_to_them, ben)
    share(uow, clock, shared_to_them, ben, provider)
    share(uow, clock, shared_to_them, provider, ben)
    return [plain, on_both, shared_private, shared_to_them]


def test_R9_a_caseload_writes_for_each_client_what_a_single_transfer_writes(
    uow, clock, team, add_member
):
    """Batched, each client of a caseload still gets exactly the rows and the audit entries, in
    the same order, that transferring them alone gives; and the trail's chain holds."""
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    cai = add_member("Cai Moreau", Role.PROVIDER, records_owner="group")
    singly = _situations(uow, clock, ana, ben)
    batched = _situations(uow, clock, cai, ben)
    for client in singly:
        transfers.transfer_client(uow(), owner, client, ana.staff_id, ben.staff_id)
    plan = caseload.start_caseload_transfer(uow(), owner, cai.staff_id, ben.staff_id)
    assert caseload.run_caseload_transfer(uow(), owner, plan.transfer_id).done == 4
    kept = {"include_private": False}
    expected = [
        ["link.added", "share.started", "link.ended", "transfer.client"],
        ["share.started", "link.ended", "transfer.client"],  # already on B's list
        # a share with other contents is ended and made again
        ["share.ended", "link.added", "share.started", "link.ended", "transfer.client"],
        # A's own share to B stays; the share B made to A ends with A's link
        ["share.ended", "link.ended", "transfer.client"],
    ]
    for alone, together, actions in zip(singly, batched, expected, strict=True):
        history = _history(uow, together)
        assert [a for a, _ in history] == actions
        assert history == _history(uow, alone)
        assert all(d == kept for a, d in history if a in ("share.started", "transfer.client"))
        assert linked_provider_ids(uow(), together) == {ben.staff_id}
    with uow() as u:
        shares = u.session.execute(
            select(
                ChartShare.client_id, ChartShare.from_provider_id, ChartShare.include_private
            ).where(ChartShare.ended_at.is_(None))
        ).all()
        notices = u.session.scalars(
            select(Notification.client_id).where(Notification.recipient_id == ben.staff_id)
        ).all()
    open_shares = {(c, p, i) for c, p, i in shares}
    for alone, together in zip(singly, batched, strict=True):
        assert (alone, ana.staff_id, False) in open_shares
        assert (together, cai.staff_id, False) in open_shares
        assert notices.count(alone) == notices.count(together)
    assert not any(p == ben.staff_id for _c, p, _i in shares)  # shares made to A ended
    assert audit.verify_chain(uow()).ok
