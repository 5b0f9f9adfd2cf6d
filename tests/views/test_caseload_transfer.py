"""Transfer caseload (R9): runs off the GUI thread with progress, stops, and resumes later."""

from __future__ import annotations

import threading

import pytest

from desktop.services import caseload, clients
from desktop.services.principal import Role
from desktop.views.caseload_transfer_dialog import CaseloadTransferDialog

from .test_client_profile import click, new_client


@pytest.fixture
def departing(ctx, add_member):
    """Ana (group-owned records) leaves with four clients; Ben takes them over."""
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    ids = [new_client(ctx, ana, first=name) for name in ("Amelia", "Noah", "Olivia", "Liam")]
    return ana, ben, ids


def open_dialog(qtbot, ctx, principal, from_id=None) -> CaseloadTransferDialog:
    dialog = CaseloadTransferDialog(ctx, principal, from_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def providers_of(ctx, owner, client_id) -> set[int]:
    return {p.provider_id for p in clients.get_client(ctx.uow(), owner, client_id).providers}


def test_R9_the_whole_caseload_moves_with_progress(qtbot, ctx, owner, departing):
    ana, ben, ids = departing
    dialog = open_dialog(qtbot, ctx, owner, ana.staff_id)
    assert not dialog.review_button.isEnabled()
    qtbot.keyClicks(dialog.colleague.lineEdit(), ben.email)
    assert dialog.review_button.isEnabled()
    click(qtbot, dialog.review_button)
    assert (
        dialog.review.count_label.text() == "4 clients will move from Ana Castillo to Ben Adeyemi:"
    )
    assert dialog.review.names.stringList() == [
        "Amelia Chen",
        "Liam Chen",
        "Noah Chen",
        "Olivia Chen",
    ]
    assert providers_of(ctx, owner, ids[0]) == {ana.staff_id}  # nothing moved yet
    seen: list[int] = []
    dialog.bar.valueChanged.connect(seen.append)
    main_thread = threading.get_ident()

    with qtbot.waitSignal(dialog.finished_transfer, timeout=20_000) as finished:
        click(qtbot, dialog.start_button)
        assert dialog.running and dialog.stop_button.isEnabled()
        assert not dialog.start_button.isEnabled()

    progress = finished.args[0]
    assert progress.finished and progress.done == progress.total == 4
    assert seen[-1] == 4 and threading.get_ident() == main_thread
    assert dialog.status.text().startswith("Done: all 4 clients of Ana Castillo")
    for client_id in ids:
        assert providers_of(ctx, owner, client_id) == {ben.staff_id}
    assert not dialog.running and dialog.resume_row.isHidden()


def test_R9_a_stopped_transfer_is_resumed_where_it_stopped(qtbot, ctx, owner, departing):
    ana, ben, ids = departing
    dialog = open_dialog(qtbot, ctx, owner, ana.staff_id)
    dialog.colleague.choose(ben.staff_id)
    dialog.batch_size = 1
    click(qtbot, dialog.review_button)
    click(qtbot, dialog.start_button)
    click(qtbot, dialog.stop_button)  # stops after the clients being moved now
    assert dialog.status.text().startswith("Stopping")
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)

    stopped = dialog.progress
    assert 1 <= stopped.done < stopped.total == 4
    assert dialog.status.text().startswith("Stopped:")
    moved = [c for c in ids if providers_of(ctx, owner, c) == {ben.staff_id}]
    assert len(moved) == stopped.done
    assert dialog.resume_row.isVisibleTo(dialog)
    dialog.close()

    again = open_dialog(qtbot, ctx, owner)
    assert again.resume_note.text().startswith("1 caseload transfer was stopped")
    assert again.resume_combo.currentText().startswith(f"{stopped.done} of 4 clients moved")
    with qtbot.waitSignal(again.finished_transfer, timeout=20_000):
        click(qtbot, again.resume_button)
    for client_id in ids:
        assert providers_of(ctx, owner, client_id) == {ben.staff_id}
    assert caseload.unfinished_caseload_transfers(ctx.uow(), owner) == []


def test_R9_who_may_not_transfer_sees_why(qtbot, ctx, add_member):
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    _m, manager = add_member("Sam Whitfield", Role.MANAGER)
    new_client(ctx, lee)
    dialog = open_dialog(qtbot, ctx, manager, lee.staff_id)
    dialog.colleague.choose(rosa.staff_id)
    assert not dialog.review_button.isEnabled()
    assert dialog.review_button.toolTip() == (
        "Only Dr. Daniel Lee can transfer their clients: Dr. Daniel Lee owns their records."
    )


def test_a_refusal_from_the_service_is_said_in_words(qtbot, ctx, owner, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    dialog = open_dialog(qtbot, ctx, owner, ana.staff_id)
    dialog.colleague.choose(ben.staff_id)
    click(qtbot, dialog.review_button)
    assert dialog.message.text() == "Ana Castillo has no clients on their list to transfer."
    assert dialog.review.isHidden()
    assert not dialog.running


def test_every_control_has_an_accessible_name(qtbot, ctx, owner, departing):
    from .test_client_profile import unnamed_controls

    dialog = open_dialog(qtbot, ctx, owner)
    assert unnamed_controls(dialog) == []
