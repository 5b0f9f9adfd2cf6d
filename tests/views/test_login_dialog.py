"""The sign-in dialog: refusals shown in place, Enter submits, focus where the user types first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from desktop.services import audit
from desktop.services.auth import WRONG_CREDENTIALS
from desktop.services.principal import Role
from desktop.views.login_dialog import LoginDialog

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_NAME


def open_login(qtbot, ctx, email: str = "") -> LoginDialog:
    dialog = LoginDialog(ctx, PRACTICE_NAME, email)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_wrong_password_is_refused_in_place_and_the_dialog_stays(qtbot, ctx, owner):
    dialog = open_login(qtbot, ctx)
    qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL)
    qtbot.keyClicks(dialog.password_edit, "not the password")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    assert dialog.message.isVisible()
    assert dialog.message.text() == WRONG_CREDENTIALS
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.principal is None
    assert dialog.password_edit.text() == ""
    assert dialog.email_edit.text() == OWNER_EMAIL
    entries = audit.recent_entries(ctx.uow(), owner, 5)
    assert entries[0].action == audit.Action.SIGN_IN_FAILED


def test_enter_signs_in_with_the_right_password(qtbot, ctx, owner):
    dialog = open_login(qtbot, ctx)
    qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL.upper())
    qtbot.keyClicks(dialog.password_edit, OWNER_PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Enter)

    assert dialog.principal is not None
    assert dialog.principal.email == OWNER_EMAIL
    assert dialog.principal.roles == frozenset({Role.OWNER, Role.PROVIDER})
    assert not dialog.message.isVisible()


def test_clicking_sign_in_with_nothing_typed_asks_for_both(qtbot, ctx, owner):
    dialog = open_login(qtbot, ctx)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Enter your email and password."
    assert dialog.isVisible()


def test_the_password_is_hidden_and_the_practice_and_database_are_named(qtbot, ctx, owner):
    dialog = open_login(qtbot, ctx)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.practice_label.text() == PRACTICE_NAME
    assert dialog.database_label.text() == f"Database: {ctx.database_label}"
    assert dialog.sign_in_button.isDefault()


def test_focus_starts_in_email_or_in_password_when_the_email_is_known(qtbot, ctx, owner):
    blank = open_login(qtbot, ctx)
    assert blank.focusWidget() is blank.email_edit
    prefilled = open_login(qtbot, ctx, OWNER_EMAIL)
    assert prefilled.focusWidget() is prefilled.password_edit


def test_quit_rejects_the_dialog(qtbot, ctx, owner):
    dialog = open_login(qtbot, ctx)
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert dialog.principal is None


def test_an_unexpected_failure_is_told_in_words_not_a_traceback(qtbot, ctx, owner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(ctx, "sign_in", broken)
    dialog = open_login(qtbot, ctx, OWNER_EMAIL)
    qtbot.keyClicks(dialog.password_edit, OWNER_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    text = dialog.message.text()
    assert "something unexpected happened (disk I/O error)" in text
    assert "Traceback" not in text and "RuntimeError" not in text
    assert dialog.isVisible() and dialog.principal is None
