"""The Clients screen (R1, R2, R14) by clicks and keys: whose clients, search as you type,
sorting by a header, the status filter, and adding a client."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QStyleOptionViewItem
from sqlalchemy import update

from desktop.db.tables import ClientProviderLink
from desktop.models import client_list_model as columns
from desktop.services import client_list, clients, linked_profiles, provider_links
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.clients_screen import SEARCH_DELAY_MS, ClientsScreen
from desktop.views.new_client_dialog import BAD_DATE, NewClientDialog

from .test_main_window import unnamed_controls  # noqa: E402

R2_BILLER = "Billers work on billing details only; the front desk adds new clients."


def open_clients(qtbot, ctx, principal) -> ClientsScreen:
    screen = ClientsScreen(ctx, principal)
    qtbot.addWidget(screen)
    screen.resize(1100, 650)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=2000)  # shortcuts act in the active window
    return screen


def add_client(ctx, actor, first: str, last: str, **fields) -> int:
    return clients.create_client(
        ctx.uow(), actor, ClientDraft(first_name=first, last_name=last, **fields)
    ).id


def shown(screen: ClientsScreen) -> list[str]:
    model = screen.model
    return [model.index(row, columns.NAME).data() for row in range(model.rowCount())]


def click_header(qtbot, screen: ClientsScreen, column: int) -> None:
    header = screen.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def row_center(screen: ClientsScreen, row: int) -> QPoint:
    return screen.table.visualRect(screen.model.index(row, columns.NAME)).center()


def count_clients(ctx, owner) -> int:
    return len(client_list.client_ids(ctx.uow(), owner, "all"))


@pytest.fixture
def ana(add_member):
    return add_member("Ana Castillo", Role.PROVIDER)[1]


@pytest.fixture
def scheduler(add_member):
    return add_member("Jordan Ellis", Role.SCHEDULER)[1]


@pytest.fixture
def practice_clients(ctx, owner, ana, scheduler) -> dict[str, int]:
    """Amelia Chen and Noah Abbott on Ana's list; Grace Chenier and Élodie Dubois on nobody's."""
    return {
        "Amelia": add_client(ctx, ana, "Amelia", "Chen", date_of_birth=date(1985, 4, 23)),
        "Noah": add_client(ctx, ana, "Noah", "Abbott", date_of_birth=date(1990, 1, 2)),
        "Grace": add_client(ctx, scheduler, "Grace", "Chenier", date_of_birth=date(2001, 6, 15)),
        "Élodie": add_client(ctx, scheduler, "Élodie", "Dubois"),
    }


# -- R1: whose clients ----------------------------------------------------------------------


def test_R1_a_provider_sees_only_their_own_clients_and_no_all_clients_choice(
    qtbot, ctx, ana, practice_clients
):
    screen = open_clients(qtbot, ctx, ana)
    assert screen.header.title.text() == "My Clients"
    assert shown(screen) == ["Abbott, Noah", "Chen, Amelia"]
    assert screen.count_label.text() == "2 clients"
    assert not screen.scope_bar.isVisible() and not screen.all_button.isVisible()
    assert screen.new_button.isEnabled()


def test_R1_the_owner_sees_all_clients_and_may_switch_to_their_own(
    qtbot, ctx, owner, practice_clients
):
    mine = add_client(ctx, owner, "Zoë", "Owner-Client")  # the Owner is also a provider
    screen = open_clients(qtbot, ctx, owner)
    assert screen.header.title.text() == "All Clients"
    assert screen.all_button.isChecked() and screen.mine_button.isVisible()
    assert screen.count_label.text() == "5 clients"

    qtbot.mouseClick(screen.mine_button, Qt.MouseButton.LeftButton)
    assert screen.header.title.text() == "My Clients"
    assert shown(screen) == ["Owner-Client, Zoë"] and screen.model.client_id(0) == mine
    qtbot.mouseClick(screen.all_button, Qt.MouseButton.LeftButton)
    assert len(shown(screen)) == 5


def test_R1_a_scheduler_sees_every_client_without_a_choice(qtbot, ctx, scheduler, practice_clients):
    screen = open_clients(qtbot, ctx, scheduler)
    assert screen.header.title.text() == "All Clients" and not screen.scope_bar.isVisible()
    assert shown(screen) == ["Abbott, Noah", "Chen, Amelia", "Chenier, Grace", "Dubois, Élodie"]
    assert screen.model.index(0, columns.STATUS).data() == "Active"
    assert screen.model.index(0, columns.PROVIDERS).data() == "Ana Castillo"
    assert screen.model.index(3, columns.PROVIDERS).data() == "No provider"


# -- search, sort and filter ----------------------------------------------------------------


def test_search_as_you_type_narrows_the_list_and_esc_clears_it(
    qtbot, ctx, scheduler, practice_clients
):
    screen = open_clients(qtbot, ctx, scheduler)
    qtbot.keyClicks(screen.search_edit, "che")
    assert len(shown(screen)) == 4, "the list waits until typing pauses"
    qtbot.waitUntil(lambda: shown(screen) == ["Chen, Amelia", "Chenier, Grace"], timeout=2000)
    assert screen.count_label.text() == "2 clients"

    qtbot.keyClicks(screen.search_edit, "n a")
    qtbot.waitUntil(lambda: shown(screen) == ["Chen, Amelia"], timeout=2000)
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Escape)
    assert screen.search_edit.text() == "" and len(shown(screen)) == 4


def test_a_search_without_matches_says_so(qtbot, ctx, scheduler, practice_clients):
    screen = open_clients(qtbot, ctx, scheduler)
    qtbot.keyClicks(screen.search_edit, "xyz")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)  # Enter searches at once
    assert screen.pages.currentWidget() is screen.empty_state
    assert screen.empty_state.title.text() == "No clients match 'xyz'."
    assert screen.count_label.text() == "No clients"
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Escape)
    assert screen.pages.currentWidget() is screen.table


def test_a_search_by_date_of_birth_finds_the_client(qtbot, ctx, scheduler, practice_clients):
    screen = open_clients(qtbot, ctx, scheduler)
    qtbot.keyClicks(screen.search_edit, "1985-04-23")
    qtbot.wait(SEARCH_DELAY_MS + 50)
    qtbot.waitUntil(lambda: shown(screen) == ["Chen, Amelia"], timeout=2000)


def test_clicking_a_header_sorts_by_that_column_and_again_reverses_it(
    qtbot, ctx, scheduler, practice_clients
):
    screen = open_clients(qtbot, ctx, scheduler)
    click_header(qtbot, screen, columns.DATE_OF_BIRTH)
    assert shown(screen) == ["Chen, Amelia", "Abbott, Noah", "Chenier, Grace", "Dubois, Élodie"]
    header = screen.table.horizontalHeader()
    assert header.sortIndicatorSection() == columns.DATE_OF_BIRTH
    click_header(qtbot, screen, columns.DATE_OF_BIRTH)
    assert shown(screen) == ["Chenier, Grace", "Abbott, Noah", "Chen, Amelia", "Dubois, Élodie"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    click_header(qtbot, screen, columns.NAME)
    assert shown(screen) == ["Abbott, Noah", "Chen, Amelia", "Chenier, Grace", "Dubois, Élodie"]


def test_the_status_column_cannot_be_sorted_and_says_why(qtbot, ctx, scheduler, practice_clients):
    screen = open_clients(qtbot, ctx, scheduler)
    before = shown(screen)
    click_header(qtbot, screen, columns.STATUS)
    assert shown(screen) == before
    header = screen.table.horizontalHeader()
    assert header.sortIndicatorSection() == columns.NAME
    assert screen.notice.isVisible() and "cannot be sorted by status" in screen.notice.text()
    tip = screen.model.headerData(
        columns.STATUS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "cannot be sorted by status" in tip


def test_the_status_filter_shows_clients_with_that_status(qtbot, ctx, owner, ana, practice_clients):
    with ctx.uow() as work:  # Ana has discharged Noah
        work.session.execute(
            update(ClientProviderLink)
            .where(ClientProviderLink.client_id == practice_clients["Noah"])
            .values(status="discharged")
        )
        work.commit()
    screen = open_clients(qtbot, ctx, ana)
    screen.status_combo.setFocus()
    qtbot.keyClick(screen.status_combo, Qt.Key.Key_End)  # "Discharged", the last choice
    assert screen.status_combo.currentText() == "Discharged"
    assert shown(screen) == ["Abbott, Noah"]
    assert screen.model.index(0, columns.STATUS).data() == "Discharged"


# -- keys, opening a client -----------------------------------------------------------------


def test_enter_and_double_click_on_a_row_open_that_client(qtbot, ctx, scheduler, practice_clients):
    screen = open_clients(qtbot, ctx, scheduler)
    qtbot.keyClicks(screen.search_edit, "Chen")
    qtbot.waitUntil(lambda: len(shown(screen)) == 2, timeout=2000)
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Down)  # Down goes to the list's first row
    assert screen.table.hasFocus() and screen.selected_client_id() == practice_clients["Amelia"]
    with qtbot.waitSignal(screen.client_activated) as opened:
        qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert opened.args == [practice_clients["Amelia"]]

    viewport, where = screen.table.viewport(), row_center(screen, 1)
    with qtbot.waitSignal(screen.client_activated) as opened:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)  # a double click is
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=where)  # a click, then this
    assert opened.args == [practice_clients["Grace"]]


def test_ctrl_f_goes_to_the_search_and_tab_follows_the_controls(
    qtbot, ctx, scheduler, practice_clients
):
    screen = open_clients(qtbot, ctx, scheduler)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert screen.search_edit.hasFocus()
    for control in (screen.status_combo, screen.new_button, screen.table):
        qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_Tab)
        assert control.hasFocus()


# -- R14 ------------------------------------------------------------------------------------


def test_R14_a_linked_profile_is_marked_in_the_name_cell(qtbot, ctx, owner, practice_clients):
    linked_profiles.create_linked_profile(ctx.uow(), owner, practice_clients["Amelia"], "Physio")
    screen = open_clients(qtbot, ctx, owner)
    assert shown(screen)[1:3] == ["Chen, Amelia", "Chen, Amelia"]
    delegate = screen.table.itemDelegateForColumn(columns.NAME)
    for row, marked in ((0, False), (1, True), (2, True)):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, screen.model.index(row, columns.NAME))
        has_mark = bool(option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration)
        assert has_mark == marked
    tip = screen.model.index(1, columns.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert "linked profile" in tip


# -- R2: New client -------------------------------------------------------------------------


def test_R2_a_biller_sees_new_client_disabled_with_the_reason(qtbot, ctx, add_member, owner):
    _member, biller = add_member("Chris Novak", Role.BILLER)
    screen = open_clients(qtbot, ctx, biller)
    assert not screen.new_button.isEnabled()
    assert screen.new_button.toolTip() == R2_BILLER
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.current_dialog is None
    assert screen.empty_state.title.text() == "No clients yet"
    assert "New client" not in screen.empty_state.text.text()


def open_dialog(qtbot, screen: ClientsScreen) -> NewClientDialog:
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = screen.current_dialog
    assert isinstance(dialog, NewClientDialog) and dialog.isVisible()
    return dialog


def test_R2_a_malformed_date_of_birth_is_shown_in_place_and_nothing_is_added(
    qtbot, ctx, owner, scheduler, practice_clients, message_boxes
):
    screen = open_clients(qtbot, ctx, scheduler)
    dialog = open_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.first_name, "Liam")
    qtbot.keyClicks(dialog.last_name, "O'Brien")
    qtbot.keyClicks(dialog.date_of_birth, "23/04/1985")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    error = dialog.fields["date_of_birth"].error
    assert error.isVisible() and error.text() == BAD_DATE
    assert dialog.isVisible() and dialog.focusWidget() is dialog.date_of_birth
    assert count_clients(ctx, owner) == 4

    dialog.date_of_birth.clear()
    qtbot.keyClicks(dialog.date_of_birth, "2099-01-01")  # the service refuses a future date
    assert not error.isVisible(), "typing clears the message"
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert error.text() == "The date of birth cannot be in the future."
    assert count_clients(ctx, owner) == 4
    message_boxes.answer = QMessageBox.StandardButton.Discard  # Cancel on a filled form asks
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert screen.current_dialog is None
    assert count_clients(ctx, owner) == 4


def test_R2_a_missing_last_name_is_named_by_the_service_under_its_field(qtbot, ctx, scheduler):
    screen = open_clients(qtbot, ctx, scheduler)
    dialog = open_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.first_name, "Liam")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    error = dialog.fields["last_name"].error
    assert error.isVisible() and "last name" in error.text().lower()
    assert dialog.focusWidget() is dialog.last_name and dialog.isVisible()


def test_R2_adding_a_client_shows_and_selects_them(qtbot, ctx, scheduler, practice_clients):
    screen = open_clients(qtbot, ctx, scheduler)
    qtbot.keyClicks(screen.search_edit, "Abbott")
    qtbot.waitUntil(lambda: shown(screen) == ["Abbott, Noah"], timeout=2000)
    dialog = open_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.first_name, "Liam")
    qtbot.keyClicks(dialog.last_name, "O'Brien")
    qtbot.keyClicks(dialog.date_of_birth, "1985-04-23")
    qtbot.keyClicks(dialog.pronouns.lineEdit(), "he/him")
    qtbot.keyClicks(dialog.email, "liam@example.com")
    qtbot.keyClicks(dialog.emergency_contact_name, "Siobhan O'Brien")
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    new_id = dialog.profile.id
    assert dialog.profile.pronouns == "he/him" and dialog.profile.email == "liam@example.com"
    assert screen.search_edit.text() == "", "the search that hid the new client was cleared"
    assert "O'Brien, Liam" in shown(screen)
    assert screen.selected_client_id() == new_id
    assert screen.notice.text() == "Liam O'Brien was added."


def test_a_client_taken_off_a_providers_list_leaves_it_on_refresh(
    qtbot, ctx, owner, ana, practice_clients
):
    screen = open_clients(qtbot, ctx, ana)
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=row_center(screen, 1))
    assert screen.selected_client_id() == practice_clients["Amelia"]
    provider_links.remove_from_provider_list(
        ctx.uow(), owner, practice_clients["Amelia"], ana.staff_id
    )
    screen.refresh()
    assert shown(screen) == ["Abbott, Noah"] and screen.selected_client_id() is None


def test_every_control_of_the_screen_and_the_dialog_has_an_accessible_name(qtbot, ctx, owner):
    screen = open_clients(qtbot, ctx, owner)
    dialog = NewClientDialog(ctx, owner)
    qtbot.addWidget(dialog)
    assert unnamed_controls(screen) == [] and unnamed_controls(dialog) == []
