"""A provider never loses their own chart (R3): after a transfer the client is in "Past
clients", and the client window opens on their own chart, drafts still theirs to finish."""

from __future__ import annotations

from desktop.services import charts, transfers
from desktop.services.principal import Role

from .test_client_profile import click, new_client, open_profile, signed_note
from .test_clients_screen import open_clients


def test_R3_after_a_transfer_the_author_opens_her_chart_from_past_clients_and_signs_her_draft(
    qtbot, ctx, add_member, message_boxes
):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="provider")
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    amelia = new_client(ctx, ana, "Amelia", "Abbott")
    signed_note(ctx, ana, amelia)
    draft = charts.create_note(
        ctx.uow(), ana, amelia, kind="progress", title="Today", body="Session.", session_date=None
    )
    transfers.transfer_client(ctx.uow(), ana, amelia, ana.staff_id, ben.staff_id)

    screen = open_clients(qtbot, ctx, ana)
    assert screen.past_button.isVisible()
    opened = []
    screen.client_activated.connect(opened.append)
    click(qtbot, screen.past_button)
    dialog = screen.current_dialog
    assert dialog.list.item(0).text() == "Amelia Abbott — 1 draft to finish"
    click(qtbot, dialog.ok_button)
    assert opened == [amelia]

    window = open_profile(qtbot, ctx, ana, amelia, tab="records")
    assert window.name_label.text() == "Amelia Abbott"
    assert window.facts_label.text().startswith("No longer on your list")
    shown = [window.tabs.isTabVisible(i) for i in range(window.tabs.count())]
    assert shown == [False, False, True, False, False]
    tab = window.records_tab
    assert not tab.sharing.isVisibleTo(tab)
    assert not tab.new_button.isEnabled()
    assert "not on your list" in tab.new_button.toolTip()
    assert tab.select_note(draft.id)
    assert tab.sign_button.isEnabled()
    click(qtbot, tab.sign_button)
    signed = charts.read_records(ctx.uow(), ana, amelia).charts[0]
    assert {n.status for n in signed.notes} == {"signed"}
    assert window.banner.text() == "The note was signed."


def test_R2_a_client_the_provider_never_wrote_about_stays_closed(qtbot, ctx, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    amelia = new_client(ctx, ben, "Amelia", "Abbott")
    window = open_profile(qtbot, ctx, ana, amelia)
    assert window.stack.currentWidget() is window.unavailable
    screen = open_clients(qtbot, ctx, ana)
    click(qtbot, screen.past_button)
    assert screen.current_dialog.list.count() == 0
    assert not screen.current_dialog.ok_button.isEnabled()
