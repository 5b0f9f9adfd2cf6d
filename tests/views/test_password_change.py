"""R19 on screen: a temporary password is replaced at the first sign-in before any window opens;
File ▸ Change Password… changes one's own, every problem shown at once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.services import auth
from desktop.services.errors import SignInRefused
from desktop.services.principal import Role
from desktop.views.login_dialog import LoginDialog
from desktop.views.password_dialog import ChangePasswordDialog
from desktop.views.session import build_main_window

from .conftest import OWNER_PASSWORD, STAFF_PASSWORD, WORKSTATION

NEW = "river stones and moss"


def type_in(qtbot, controller, email, password):
    dialog = controller.dialog
    assert isinstance(dialog, LoginDialog)
    qtbot.keyClicks(dialog.email_edit, email)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def test_first_sign_in_with_a_temporary_password_asks_for_ones_own_first(
    qtbot, ctx, add_member, controller
):
    member, _ = add_member("Lee Park", Role.SCHEDULER)
    controller.start()
    type_in(qtbot, controller, member.email, STAFF_PASSWORD)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, ChangePasswordDialog), timeout=2000)
    dialog = controller.dialog
    assert controller.main_window is None
    assert "temporary password that someone else set" in dialog.intro_label.text()
    assert dialog.cancel_button.text() == "Sign Out"

    # The keyboard walks the three fields; the same password again is refused under its field.
    qtbot.keyClicks(dialog.old_edit, STAFF_PASSWORD)
    qtbot.keyClick(dialog.old_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), STAFF_PASSWORD)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), STAFF_PASSWORD)
    qtbot.keyClick(dialog.again_edit, Qt.Key.Key_Return)
    assert "different from the current one" in dialog.fields["new_password"].error.text()
    assert controller.main_window is None

    dialog.new_edit.setText(NEW)
    dialog.again_edit.setText(NEW)
    qtbot.keyClick(dialog.again_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=2000)
    assert not controller.main_window.principal.must_change_password
    with pytest.raises(SignInRefused):
        ctx.sign_in(member.email, STAFF_PASSWORD)


def test_sign_out_instead_of_changing_returns_to_the_sign_in(qtbot, ctx, add_member, controller):
    member, _ = add_member("Lee Park", Role.SCHEDULER)
    controller.start()
    type_in(qtbot, controller, member.email, STAFF_PASSWORD)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, ChangePasswordDialog), timeout=2000)
    controller.dialog.cancel_button.click()
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=2000)
    assert controller.main_window is None and ctx.principal is None


def test_change_password_from_the_file_menu_shows_every_problem_at_once(
    qtbot, ctx, owner, message_boxes
):
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    window.show()
    dialog = window.change_password()
    qtbot.waitExposed(dialog)
    dialog.new_edit.setText("short")
    dialog.again_edit.setText("other")
    dialog.ok_button.click()
    errors = {name: field.error.text() for name, field in dialog.fields.items()}
    assert errors["old_password"] == "Enter your current password."
    assert "at least 10 characters" in errors["new_password"]
    assert "not the same" in errors["new_password_again"]

    dialog.old_edit.setText("not my password")
    dialog.new_edit.setText(NEW)
    dialog.again_edit.setText(NEW)
    dialog.ok_button.click()
    assert "not right" in dialog.fields["old_password"].error.text()

    dialog.old_edit.setText(OWNER_PASSWORD)
    dialog.ok_button.click()
    assert message_boxes.of("information") == ["Your password was changed."]
    assert auth.sign_in(ctx.uow(), ctx.passwords, owner.email, NEW, WORKSTATION)
