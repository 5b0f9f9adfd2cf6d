"""Closing a window or form with changes not saved asks: save, discard, or keep editing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services import client_list, clients
from desktop.views.client_profile.note_dialogs import NoteEditorDialog
from desktop.views.new_client_dialog import NewClientDialog
from desktop.views.session import build_main_window

from .test_client_profile import new_client, open_profile

Button = QMessageBox.StandardButton


def profile_of(ctx, principal, client_id):
    return clients.get_client(ctx.uow(), principal, client_id)


def test_closing_a_client_window_with_profile_edits_asks_and_cancel_keeps_them(
    qtbot, ctx, owner, message_boxes
):
    client_id = new_client(ctx, owner)
    window = open_profile(qtbot, ctx, owner, client_id)
    edit = window.profile_tab.edits["preferred_name"]
    edit.setText("Kimmy")
    message_boxes.answer = Button.Cancel
    assert not window.close()
    assert window.isVisible() and edit.text() == "Kimmy"
    assert "Kim Chen's profile" in message_boxes.of("question")[-1]
    message_boxes.answer = Button.Discard
    assert window.close()
    assert profile_of(ctx, owner, client_id).preferred_name is None


def test_save_in_the_question_saves_the_profile_and_the_billing_notes(
    qtbot, ctx, owner, message_boxes
):
    client_id = new_client(ctx, owner)
    window = open_profile(qtbot, ctx, owner, client_id)
    window.profile_tab.edits["preferred_name"].setText("Kimmy")
    window.show_tab("billing")
    window.billing_tab.notes_edit.setPlainText("Pays by card.")
    message_boxes.answer = Button.Save
    assert window.close()
    assert "profile and billing" in message_boxes.of("question")[-1]
    assert profile_of(ctx, owner, client_id).preferred_name == "Kimmy"
    details = clients.billing_details(ctx.uow(), owner, client_id)
    assert details.billing_notes == "Pays by card."


def test_a_window_with_nothing_changed_closes_without_asking(qtbot, ctx, owner, message_boxes):
    window = open_profile(qtbot, ctx, owner, new_client(ctx, owner))
    window.show_tab("billing")
    assert window.close()
    assert message_boxes.calls == []


def test_signing_out_keeps_a_client_window_with_unsaved_edits_when_asked_to(
    qtbot, ctx, owner, message_boxes
):
    client_id = new_client(ctx, owner)
    main = build_main_window(ctx, owner)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    window = main.open_client(client_id)
    window.profile_tab.edits["preferred_name"].setText("Kimmy")
    message_boxes.answer = Button.Cancel
    assert not main.close()
    assert main.isVisible() and window.isVisible()
    message_boxes.answer = Button.Discard
    assert main.close()
    assert not window.isVisible()


def test_escape_in_a_note_being_written_asks_before_throwing_it_away(
    qtbot, ctx, owner, message_boxes
):
    window = open_profile(qtbot, ctx, owner, new_client(ctx, owner), tab="records")
    dialog = NoteEditorDialog(window, None, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.body_edit.setPlainText("Client reports better sleep.")
    message_boxes.answer = Button.Cancel
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.body_edit.toPlainText() == "Client reports better sleep."
    message_boxes.answer = Button.Discard
    dialog.cancel_button.click()
    assert not dialog.isVisible()


def test_save_in_the_question_adds_the_new_client(qtbot, ctx, owner, message_boxes):
    dialog = NewClientDialog(ctx, owner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.first_name, "Ava")
    qtbot.keyClicks(dialog.last_name, "Stone")
    message_boxes.answer = Button.Save
    dialog.reject()
    assert dialog.profile is not None and not dialog.isVisible()
    found = client_list.list_clients(ctx.uow(), owner, scope="all", search="Stone")
    assert [row.id for row in found.rows] == [dialog.profile.id]
