"""Choosing a colleague by login email completes or refuses a part; the lists stay still."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from desktop.views.client_profile.manage_access_dialog import ManageAccessDialog
from desktop.views.client_profile.transfer_dialog import TransferDialog

from . import test_chart_sharing as chart_sharing
from .test_chart_sharing import click, sharing_panel

#: Dr. Lee with a client, Rosa and Ana (a pytest fixture).
team = chart_sharing.team


def open_transfer(qtbot, ctx, lee, client_id) -> TransferDialog:
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click(qtbot, panel.transfer_button)
    dialog = panel.current_dialog
    assert isinstance(dialog, TransferDialog)
    return dialog


def test_R8_a_part_of_an_email_is_completed_to_the_one_colleague_it_names(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    dialog = open_transfer(qtbot, ctx, lee, client_id)
    edit = dialog.colleague.lineEdit()
    part = rosa.email.split("@")[0] + "@"  # "dr.rosa.lindqvist@"
    qtbot.keyClicks(edit, part)
    assert dialog.colleague.chosen_id() is None  # not yet: the person has not seen who
    assert not dialog.ok_button.isEnabled()
    edit.editingFinished.emit()  # Tab or Enter
    assert edit.text() == f"Dr. Rosa Lindqvist — {rosa.email}"
    assert dialog.colleague.chosen_id() == rosa.staff_id
    assert dialog.ok_button.isEnabled()


def test_R8_a_part_naming_no_one_or_several_is_refused(qtbot, ctx, team):
    lee, client_id = team["lee"], team["client"]
    dialog = open_transfer(qtbot, ctx, lee, client_id)
    edit = dialog.colleague.lineEdit()
    for typed in ("nobody@", "riverside"):  # no colleague; every colleague
        edit.clear()
        qtbot.keyClicks(edit, typed)
        edit.editingFinished.emit()
        assert dialog.colleague.chosen_id() is None, typed
        assert not dialog.ok_button.isEnabled()


def test_escape_in_the_suggestions_closes_only_the_suggestions(qtbot, ctx, team):
    lee, client_id = team["lee"], team["client"]
    dialog = open_transfer(qtbot, ctx, lee, client_id)
    qtbot.keyClicks(dialog.colleague.lineEdit(), "ros")
    popup = dialog.colleague.completer().popup()
    dialog.colleague.completer().complete()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert dialog.isVisible()
    dialog.colleague.completer().complete()
    assert popup.isVisible()
    qtbot.keyClick(dialog.colleague.lineEdit(), Qt.Key.Key_Escape)  # where the keyboard is
    assert not popup.isVisible()
    assert dialog.isVisible()


def test_R6_manage_access_rows_stay_where_they_are_on_the_first_click(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    _window, panel = sharing_panel(qtbot, ctx, lee, client_id)
    click(qtbot, panel.manage_button)
    dialog = panel.current_dialog
    assert isinstance(dialog, ManageAccessDialog)
    listing = dialog.list
    rows = {listing.item(r).data(Qt.ItemDataRole.UserRole): r for r in range(listing.count())}
    lee_item = listing.item(rows[lee.staff_id])
    rosa_item = listing.item(rows[rosa.staff_id])

    def where(item) -> QPoint:
        return listing.viewport().mapToGlobal(listing.visualItemRect(item).topLeft())

    before = {id(i): where(i) for i in (lee_item, rosa_item)}
    option = QStyleOptionViewItem()
    option.rect = listing.visualItemRect(lee_item)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = listing.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option)
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    qtbot.wait(20)
    assert lee_item.checkState() == Qt.CheckState.Unchecked  # the click took
    assert dialog.warning.isVisible()
    assert {id(i): where(i) for i in (lee_item, rosa_item)} == before


def test_R8_enter_on_a_part_completes_it_without_transferring(qtbot, ctx, team):
    lee, rosa, client_id = team["lee"], team["rosa"], team["client"]
    dialog = open_transfer(qtbot, ctx, lee, client_id)
    edit = dialog.colleague.lineEdit()
    qtbot.keyClicks(edit, "lindqvist@")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.summary is None
    assert dialog.colleague.chosen_id() == rosa.staff_id
