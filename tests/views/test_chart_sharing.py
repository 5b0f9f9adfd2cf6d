"""Chart Sharing in the Records tab (R5, R6, R8, B1-B3), driven by clicks; results checked
through the services."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.models.share_rows_model import ACTION, ActionEnabledRole
from desktop.services import access_report, charts, clients, sharing, transfers
from desktop.services.principal import Role
from desktop.views.client_profile.manage_access_dialog import (
    AddToProviderListDialog,
    ManageAccessDialog,
)
from desktop.views.client_profile.share_review_dialog import ShareReviewDialog
from desktop.views.client_profile.transfer_dialog import TransferDialog
from desktop.views.client_profile.who_can_see_dialog import WhoCanSeeDialog

from .test_client_profile import click, new_client, open_profile, signed_note, tick


@pytest.fixture
def team(ctx, add_member):
    """Dr. Lee (owns his records) with a client, two signed notes and a private note; Rosa, a
    colleague; Ana, whose records the group owns."""
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    client_id = new_client(ctx, lee)
    signed_note(ctx, lee, client_id)
    signed_note(ctx, lee, client_id, body="Second session.")
    signed_note(ctx, lee, client_id, kind="private", body="Process note.")
    return {"lee": lee, "rosa": rosa, "ana": ana, "client": client_id}


def sharing_panel(qtbot, ctx, principal, client_id):
    window = open_profile(qtbot, ctx, principal, client_id, tab="records")
    window.records_tab.jump_to("sharing")
    return window, window.records_tab.sharing


def click_action(qtbot, section, colleague_id) -> None:
    """Click the colleague's Share or End Sharing where it is drawn."""
    where = section.action_rect(colleague_id).center()
    qtbot.mouseClick(section.rows_view.viewport(), Qt.MouseButton.LeftButton, pos=where)


def actions_of(section) -> set[tuple[bool, str]]:
    """(enabled, tooltip) of every colleague's action in the section."""
    model = section.model
    return {
        (
            model.index(row, ACTION).data(ActionEnabledRole),
            model.index(row, ACTION).data(Qt.ItemDataRole.ToolTipRole),
        )
        for row in range(model.rowCount())
    }


def chart_of(ctx, reader, client_id, author_id):
    records = charts.read_records(ctx.uow(), reader, client_id)
    return next((c for c in records.charts if c.provider_id == author_id), None)


def linked(ctx, principal, client_id) -> set[int]:
    return {p.provider_id for p in clients.get_client(ctx.uow(), principal, client_id).providers}


def test_R5_sharing_a_chart_by_clicks_private_notes_off_by_default(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    own = panel.section_widgets[0]
    assert own.section.is_viewers_own and own.expanded
    assert own.model.state_text(rosa.staff_id) == "Not shared"

    click_action(qtbot, own, rosa.staff_id)
    dialog = panel.current_dialog
    assert isinstance(dialog, ShareReviewDialog)
    assert not dialog.private_check.isChecked()
    assert "2 signed progress notes" in dialog.summary_label.text()
    assert "no private psychotherapy notes" in dialog.summary_label.text()
    assert "will also be added to Dr. Rosa Lindqvist's client list" in dialog.list_label.text()
    click(qtbot, dialog.ok_button)

    assert window.banner.text() == "Chart sharing has been activated"
    lee_chart = chart_of(ctx, rosa, client_id, lee.staff_id)
    assert lee_chart is not None and len(lee_chart.notes) == 2
    assert lee_chart.private_notes is None  # R4: not included
    assert rosa.staff_id in linked(ctx, lee, client_id)
    state = panel.section_widgets[0].model.state_text(rosa.staff_id)
    assert state.startswith("Shared since 04 Mar 2025 by Dr. Daniel Lee")
    assert "private notes not included" in state
    assert panel.section_widgets[0].model.action_text(rosa.staff_id) == "End Sharing"


def test_R4_including_private_notes_is_a_choice_on_the_review_screen(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click_action(qtbot, panel.section_widgets[0], rosa.staff_id)
    dialog = panel.current_dialog
    tick(qtbot, dialog.private_check)
    assert "1 private psychotherapy note" in dialog.summary_label.text()  # B3, recomputed
    click(qtbot, dialog.ok_button)

    lee_chart = chart_of(ctx, rosa, client_id, lee.staff_id)
    assert [n.body for n in lee_chart.private_notes] == ["Process note."]


def test_B2_a_share_can_end_by_itself_on_a_chosen_date(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click_action(qtbot, panel.section_widgets[0], rosa.staff_id)
    dialog = panel.current_dialog
    assert not dialog.until_edit.isEnabled()
    tick(qtbot, dialog.until_check)
    assert dialog.until_edit.isEnabled()
    assert dialog.until_edit.minimumDate().toString("yyyy-MM-dd") == "2025-03-05"
    click(qtbot, dialog.ok_button)

    section = access_report.sharing_overview(ctx.uow(), lee, client_id)[0]
    share = next(r.share for r in section.rows if r.provider_id == rosa.staff_id)
    assert share.expires_at is not None
    assert "ends on 03 Apr 2025" in panel.section_widgets[0].model.state_text(rosa.staff_id)


def test_R6_share_and_end_at_once_leaves_demographics_only(qtbot, ctx, team, message_boxes):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click_action(qtbot, panel.section_widgets[0], rosa.staff_id)
    click(qtbot, panel.current_dialog.ok_button)
    click_action(qtbot, panel.section_widgets[0], rosa.staff_id)  # now "End Sharing"

    assert message_boxes.of("question")[0].startswith("End sharing Dr. Daniel Lee's chart")
    assert window.banner.text() == sharing.SHARE_ENDED_BANNER
    assert rosa.staff_id in linked(ctx, lee, client_id)  # still on Rosa's list (R6)
    assert chart_of(ctx, rosa, client_id, lee.staff_id) is None  # no longer readable (R3)
    state = panel.section_widgets[0].model.state_text(rosa.staff_id)
    assert state == "Not shared · has this client on their list (profile only)"


def test_ending_is_not_done_when_the_question_is_cancelled(qtbot, ctx, team, message_boxes):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    message_boxes.answer = message_boxes.answer.Cancel
    click_action(qtbot, panel.section_widgets[0], rosa.staff_id)
    assert chart_of(ctx, rosa, client_id, lee.staff_id) is not None


def test_R8_transfer_to_a_colleague_chosen_by_login_email(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click(qtbot, panel.transfer_button)
    dialog = panel.current_dialog
    assert isinstance(dialog, TransferDialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.colleague.lineEdit(), rosa.email)
    assert dialog.colleague.chosen_id() == rosa.staff_id
    text = dialog.summary_label.text()
    assert "Kim Chen is added to Dr. Rosa Lindqvist's list as treating provider" in text
    assert "Kim Chen leaves Dr. Daniel Lee's list" in text
    click(qtbot, dialog.ok_button)

    assert window.banner.text().startswith(
        "Kim Chen was transferred from Dr. Daniel Lee to Dr. Rosa Lindqvist"
    )
    assert linked(ctx, rosa, client_id) == {rosa.staff_id}  # Kim left Dr. Lee's list
    assert chart_of(ctx, rosa, client_id, lee.staff_id) is not None
    # Dr. Lee no longer has the client on his list, but keeps his own chart (R3): the window
    # shows it alone.
    assert window.stack.currentWidget() is window.tabs
    assert window.tabs.currentWidget() is window.records_tab
    assert window.facts_label.text().startswith("No longer on your list")
    assert window.records_tab.records.charts[0].provider_id == lee.staff_id


def test_transfer_chooses_by_name_and_from_which_chart_when_several(qtbot, ctx, team, owner):
    ana, rosa = team["ana"], team["rosa"]
    client_id = new_client(ctx, ana)
    sharing.start_chart_share(ctx.uow(), ana, client_id, ana.staff_id, team["lee"].staff_id)
    _window, panel = sharing_panel(qtbot, ctx, owner, client_id)
    dialog = panel.open_transfer()
    assert [s.provider.name for s in dialog.sources] == ["Ana Castillo"]  # the linked chart
    dialog.colleague.setEditText("rosa lind")
    dialog.colleague.complete_choice()  # Tab or Enter: the one match is filled in
    assert dialog.colleague.chosen_id() == rosa.staff_id
    dialog.colleague.setEditText("Dr.")
    assert dialog.colleague.chosen_id() is None
    assert not dialog.ok_button.isEnabled()


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.BILLER])
def test_R5_front_desk_and_billing_see_share_and_transfer_disabled_with_the_reason(
    qtbot, ctx, team, add_member, role
):
    _m, person = add_member("Jordan Ellis", role)
    _window, panel = sharing_panel(qtbot, ctx, person, team["client"])
    section = panel.section_widgets[0]
    reason = "Only Dr. Daniel Lee can share this chart: Dr. Daniel Lee owns their records."
    assert actions_of(section) == {(False, reason)}
    click_action(qtbot, section, team["rosa"].staff_id)
    assert panel.current_dialog is None  # a closed action opens nothing
    assert not panel.transfer_button.isEnabled()
    assert panel.transfer_button.toolTip() == reason
    assert section.refusal.text() == reason


def test_R5_the_owner_shares_a_group_owned_chart_but_not_a_provider_owned_one(
    qtbot, ctx, team, owner
):
    lee, ana, client_id = team["lee"], team["ana"], team["client"]
    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, ana.staff_id)
    signed_note(ctx, ana, client_id, body="Ana's assessment.")
    _window, panel = sharing_panel(qtbot, ctx, owner, client_id)
    ana_section = panel.section_for(ana.staff_id)
    lee_section = panel.section_for(lee.staff_id)

    assert ana_section.section.can_share
    assert actions_of(ana_section) == {(True, "")}
    assert not lee_section.section.can_share
    assert panel.transfer_button.isEnabled()  # from Ana's chart

    assert not lee_section.expanded and lee_section.model is None  # closed: no rows built
    click(qtbot, lee_section.toggle)  # sections open and close on their header
    assert lee_section.expanded
    assert lee_section.body.isVisibleTo(lee_section)
    reason = "Only Dr. Daniel Lee can share this chart: Dr. Daniel Lee owns their records."
    assert actions_of(lee_section) == {(False, reason)}
    click(qtbot, lee_section.toggle)
    assert not lee_section.expanded and not lee_section.body.isVisibleTo(lee_section)


def test_R6_manage_access_ticks_exactly_who_has_the_client(qtbot, ctx, team):
    lee, rosa, ana, client_id = team["lee"], team["rosa"], team["ana"], team["client"]
    window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click(qtbot, panel.manage_button)
    dialog = panel.current_dialog
    assert isinstance(dialog, ManageAccessDialog)
    assert dialog.chosen_ids() == {lee.staff_id}
    dialog.set_checked(rosa.staff_id, True)
    dialog.set_checked(ana.staff_id, True)
    click(qtbot, dialog.ok_button)
    assert linked(ctx, lee, client_id) == {lee.staff_id, rosa.staff_id, ana.staff_id}
    assert "added to the list of" in window.banner.text()
    assert chart_of(ctx, rosa, client_id, lee.staff_id) is None  # a list gives no chart

    dialog = panel.open_manage_access()
    ana_item = next(
        dialog.list.item(row)
        for row in range(dialog.list.count())
        if dialog.list.item(row).data(Qt.ItemDataRole.UserRole) == ana.staff_id
    )
    assert not ana_item.flags() & Qt.ItemFlag.ItemIsEnabled  # R6: not a colleague's link
    assert "not a colleague" in ana_item.toolTip()
    assert dialog.locked_note.isVisibleTo(dialog) and "not a colleague" in dialog.locked_note.text()
    dialog.reject()


def test_R6_unticking_the_treating_provider_says_what_it_ends_first(qtbot, ctx, team, owner):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    transfers.transfer_client(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    _window, panel = sharing_panel(qtbot, ctx, owner, client_id)
    dialog = panel.open_manage_access()
    dialog.set_checked(rosa.staff_id, False)
    assert dialog.warning.isVisibleTo(dialog)
    assert dialog.warning.text() == (
        "Kim Chen will leave the list of Dr. Rosa Lindqvist. Dr. Rosa Lindqvist is Kim Chen's "
        "treating provider; Kim Chen will have no treating provider until one is chosen. "
        "The chart share made to Dr. Rosa Lindqvist for Kim Chen ends."
    )
    click(qtbot, dialog.ok_button)
    assert linked(ctx, owner, client_id) == set()
    # Dr. Lee, who transferred the client, still reads his own chart.
    assert len(chart_of(ctx, lee, client_id, lee.staff_id).notes) == 2


def test_R6_add_to_a_providers_list_gives_the_profile_only(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click(qtbot, panel.add_to_list_button)
    dialog = panel.current_dialog
    assert isinstance(dialog, AddToProviderListDialog)
    qtbot.keyClicks(dialog.colleague.lineEdit(), "Rosa")
    qtbot.keyClick(dialog.colleague.lineEdit(), Qt.Key.Key_Return)  # completes, saves nothing
    assert dialog.isVisible() and dialog.colleague.chosen_id() == rosa.staff_id
    click(qtbot, dialog.ok_button)
    assert window.banner.text() == (
        "Kim Chen was added to Dr. Rosa Lindqvist's list (profile only, no chart)."
    )
    assert rosa.staff_id in linked(ctx, lee, client_id)
    assert chart_of(ctx, rosa, client_id, lee.staff_id) is None


def test_B1_who_can_see_this_chart_lists_people_what_they_see_and_why(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    sharing.start_chart_share(
        ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id, include_private=True
    )
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click(qtbot, panel.who_button)
    dialog = panel.current_dialog
    assert isinstance(dialog, WhoCanSeeDialog)
    people = dialog.model.people()
    assert "Dr. Rosa Lindqvist" in people and "Dr. Daniel Lee" in people
    rosa_row = dialog.model.item(people.index("Dr. Rosa Lindqvist"), 0)
    chart_row = rosa_row.child(0, 0)
    assert chart_row.text() == "Dr. Daniel Lee's chart"
    assert rosa_row.child(0, 1).text() == "Notes, documents and private notes"
    why = rosa_row.child(0, 2)
    assert "(R5)" not in why.text() and "shared" in why.text().lower()
    assert "rule R5" in why.toolTip()  # the rule ID stays where IT looks


def test_a_refused_share_changes_nothing_and_says_why(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click_action(qtbot, panel.section_widgets[0], rosa.staff_id)
    dialog = panel.current_dialog
    # Someone shares the same chart with Rosa in the meantime.
    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert "already shared with Dr. Rosa Lindqvist" in dialog.message.text()
    assert "Traceback" not in dialog.message.text()


def test_long_names_end_in_an_ellipsis(qtbot, ctx, add_member, team):
    long_name = "Dr. Bartholomew Alexander Featherstonehaugh-Montgomery-Castellanos, PhD"
    _m, _long = add_member(long_name, Role.PROVIDER)
    window, panel = sharing_panel(qtbot, ctx, team["lee"], team["client"])
    window.resize(900, 620)
    section = panel.section_widgets[0]
    view = section.rows_view
    index = view.model().mapFromSource(section.model.index(section.model.row_of(_long.staff_id), 0))
    qtbot.waitUntil(lambda: view.visualRect(index).width() > 0)
    # The cell is narrower than the name: the view draws it cut with an ellipsis, and the
    # whole name is the cell's tooltip.
    assert view.fontMetrics().horizontalAdvance(long_name) > view.visualRect(index).width()
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    assert index.data(Qt.ItemDataRole.ToolTipRole) == long_name
    assert window.width() == 900


def test_a_long_list_of_colleagues_can_be_searched(qtbot, ctx, add_member, team):
    for number in range(9):
        add_member(f"Dr. Colleague {number}", Role.PROVIDER)
    _window, panel = sharing_panel(qtbot, ctx, team["lee"], team["client"])
    own = panel.section_widgets[0]
    assert own.model.rowCount() == 12  # the Owner, Rosa, Ana and the nine colleagues
    own.search.setText("rosa")
    view = own.rows_view
    shown = [view.model().index(row, 0).data() for row in range(view.model().rowCount())]
    assert shown == ["Dr. Rosa Lindqvist"]
    click_action(qtbot, own, team["rosa"].staff_id)
    assert isinstance(panel.current_dialog, ShareReviewDialog)
