"""R19 on screen: after the practice's idle time (on the injected clock) every window is covered
and the lock screen names who is signed in; their password unlocks; a note being written
survives the lock; Sign Out and someone else signing in end the session, audited."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.services import audit
from desktop.services.principal import Role
from desktop.views.client_profile.note_dialogs import NoteEditorDialog
from desktop.views.lock_screen import LockCover, LockScreen
from desktop.views.login_dialog import LoginDialog

from .conftest import OWNER_EMAIL, OWNER_PASSWORD
from .test_client_profile import new_client
from .test_session import sign_in


def idle(ctx, controller, minutes=15):
    ctx.clock.advance(timedelta(minutes=minutes))
    controller.lock.watch.check()


def test_the_idle_time_locks_every_window_and_the_password_unlocks(qtbot, ctx, owner, controller):
    client_id = new_client(ctx, owner)
    controller.start()
    main = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    profile = main.open_client(client_id)
    dialog = NoteEditorDialog(profile, None, profile)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.body_edit.setPlainText("Client reports better sleep.")

    idle(ctx, controller, minutes=14)
    assert not controller.lock.locked
    idle(ctx, controller, minutes=1)
    screen = controller.lock.screen
    assert isinstance(screen, LockScreen) and screen.isVisible()
    assert "Dana Whitfield" in screen.who_label.text()
    covered = {cover.parentWidget() for cover in main.findChildren(LockCover)}
    covered |= {c.parentWidget() for c in profile.findChildren(LockCover)}
    covered |= {c.parentWidget() for c in dialog.findChildren(LockCover)}
    assert {main, profile, dialog} <= covered
    assert all(cover.isVisible() for cover in main.findChildren(LockCover))

    qtbot.keyClicks(screen.password_edit, "not the password")
    qtbot.keyClick(screen.password_edit, Qt.Key.Key_Return)
    assert "not your password" in screen.fields["password"].error.text()
    assert controller.lock.locked
    qtbot.keyClicks(screen.password_edit, OWNER_PASSWORD)
    qtbot.keyClick(screen.password_edit, Qt.Key.Key_Return)

    assert not controller.lock.locked and not main.findChildren(LockCover)
    assert dialog.isVisible() and dialog.body_edit.toPlainText() == "Client reports better sleep."
    actions = [e.action for e in audit.recent_entries(ctx.uow(), owner, 3)]
    assert actions == ["session.unlocked", "session.unlock_failed", "session.locked"]
    dialog.reject = lambda: None  # the test's end closes windows as Discard would


def test_input_keeps_the_workstation_unlocked(qtbot, ctx, owner, controller):
    controller.start()
    main = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    ctx.clock.advance(timedelta(minutes=10))
    qtbot.keyClick(main.screens["clients"], Qt.Key.Key_Shift)
    idle(ctx, controller, minutes=10)
    assert not controller.lock.locked


def test_sign_out_from_the_lock_screen_is_audited(qtbot, ctx, owner, controller):
    controller.start()
    main = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    idle(ctx, controller)
    controller.lock.screen.sign_out_button.click()
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=2000)
    assert controller.main_window is None and ctx.principal is None
    assert not main.isVisible()
    entry = audit.recent_entries(ctx.uow(), owner, 1)[0]
    assert entry.action == audit.Action.IDLE_SIGN_OUT and entry.details == {"reason": "sign out"}


def test_someone_else_signing_in_keeps_the_note_as_a_draft_when_asked(
    qtbot, ctx, owner, add_member, controller, monkeypatch
):
    from desktop.services import charts

    client_id = new_client(ctx, owner)
    controller.start()
    main = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    profile = main.open_client(client_id)
    dialog = NoteEditorDialog(profile, None, profile)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.body_edit.setPlainText("Client reports better sleep.")
    idle(ctx, controller)
    asked: list[str] = []

    def answer(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    controller.lock.screen.switch_button.click()
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=2000)
    assert "Dana Whitfield has work open" in asked[0] and "Chen" not in asked[0]
    assert controller.dialog.email_edit.text() == ""
    entry = audit.recent_entries(ctx.uow(), owner, 1)[0]
    assert entry.details == {"reason": "someone else signed in"}
    records = charts.read_records(ctx.uow(), owner, client_id)
    notes = [note for chart in records.charts for note in chart.notes]
    assert [(n.body, n.status) for n in notes] == [("Client reports better sleep.", "draft")]


def test_a_different_person_does_not_unlock_with_their_own_password(
    qtbot, ctx, owner, add_member, controller
):
    add_member("Sam Front", Role.SCHEDULER)
    controller.start()
    sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    idle(ctx, controller)
    screen = controller.lock.screen
    screen.password_edit.setText("temporary-pass-1")
    screen.unlock_button.click()
    assert controller.lock.locked
