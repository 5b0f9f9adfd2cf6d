"""The session: setup or sign-in first, then the main window; sign out and switch user go back
to the sign-in; cancelling or closing ends the application."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.services import audit
from desktop.views.login_dialog import LoginDialog
from desktop.views.main_window import MainWindow
from desktop.views.session import SessionController, run_gui
from desktop.views.setup_dialog import SetupDialog

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_NAME, guarded_exec, on_server


def sign_in(qtbot, controller: SessionController, email: str, password: str) -> MainWindow:
    dialog = controller.dialog
    assert isinstance(dialog, LoginDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.email_edit, email)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=2000)
    return controller.main_window


def test_an_empty_database_starts_with_setting_up_the_practice(qtbot, ctx, controller):
    controller.start()
    if on_server(ctx):  # on a server IT sets the practice up (`db provision`): people sign in
        assert isinstance(controller.dialog, LoginDialog)
    else:
        assert isinstance(controller.dialog, SetupDialog)
    assert controller.dialog.isVisible()


def test_a_set_up_practice_starts_with_signing_in(qtbot, ctx, owner, controller):
    controller.start()
    assert isinstance(controller.dialog, LoginDialog)
    # on a server nothing connects before someone signs in: no practice name yet
    assert controller.dialog.practice_label.text() == ("" if on_server(ctx) else PRACTICE_NAME)


def test_signing_in_opens_the_main_window_for_that_person(qtbot, ctx, owner, controller):
    controller.start()
    window = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    assert window.isVisible()
    assert window.principal.email == OWNER_EMAIL
    assert ctx.principal == window.principal
    assert "Signed in as Dana Whitfield" in window.status_label.text()


def test_sign_out_closes_the_window_and_asks_for_a_sign_in_again(qtbot, ctx, owner, controller):
    controller.start()
    window = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    with qtbot.assertNotEmitted(controller.finished):
        window.sign_out_action.trigger()

    assert not window.isVisible()
    assert controller.main_window is None
    assert ctx.principal is None
    assert isinstance(controller.dialog, LoginDialog) and controller.dialog.isVisible()
    assert controller.dialog.email_edit.text() == ""
    assert audit.recent_entries(ctx.uow(), owner, 1)[0].action == audit.Action.SIGN_OUT

    again = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    assert again is not window and again.isVisible()


def test_switch_user_also_ends_the_session_first(qtbot, ctx, owner, controller):
    controller.start()
    window = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    window.switch_user_action.trigger()
    assert not window.isVisible()
    assert isinstance(controller.dialog, LoginDialog)
    assert audit.recent_entries(ctx.uow(), owner, 1)[0].action == audit.Action.SIGN_OUT


def test_cancelling_the_sign_in_ends_the_application(qtbot, ctx, owner, controller):
    controller.start()
    with qtbot.waitSignal(controller.finished, timeout=2000) as finished:
        qtbot.mouseClick(controller.dialog.quit_button, Qt.MouseButton.LeftButton)
    assert finished.args == [0]
    assert controller.main_window is None


def test_quitting_from_the_menu_records_the_sign_out_and_ends(qtbot, ctx, owner, controller):
    controller.start()
    window = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    with qtbot.waitSignal(controller.finished, timeout=2000):
        window.quit_action.trigger()
    assert not window.isVisible()
    assert audit.recent_entries(ctx.uow(), owner, 1)[0].action == audit.Action.SIGN_OUT


def test_run_gui_shows_the_sign_in_and_returns_when_it_is_cancelled(qtbot, ctx, owner):
    seen: list[str] = []

    def cancel_the_sign_in() -> None:
        dialogs = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, LoginDialog) and w.isVisible()
        ]
        seen.extend(d.practice_label.text() for d in dialogs)
        for dialog in dialogs:
            dialog.reject()

    QTimer.singleShot(0, cancel_the_sign_in)
    assert guarded_exec(lambda: run_gui(ctx)) == 0
    assert seen == ["" if on_server(ctx) else PRACTICE_NAME]


def test_the_start_up_window_closes_once_the_first_dialog_is_up(qtbot, ctx, owner):
    from desktop.views.splash import show_splash

    splash = show_splash()
    assert splash.isVisible()
    splash_seen: list[bool] = []

    def cancel_the_sign_in() -> None:
        splash_seen.append(splash.isVisible())
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, LoginDialog) and widget.isVisible():
                widget.reject()

    QTimer.singleShot(0, cancel_the_sign_in)
    assert guarded_exec(lambda: run_gui(ctx, splash=splash)) == 0
    assert splash_seen == [False]
