"""R19 on screen: setting up a second factor (QR code, key as text, one code, recovery codes) and
signing in with a code after the password; a practice that requires it asks at sign-in."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from PySide6.QtCore import Qt

from desktop.services import practice_settings, second_factor
from desktop.services.practice_settings import PracticeSettings
from desktop.views.login_dialog import LoginDialog
from desktop.views.second_factor_dialogs import EnrolmentDialog, SignInCodeDialog
from desktop.views.session import build_main_window

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_NAME, PRACTICE_ZONE


def type_password(qtbot, controller):
    dialog = controller.dialog
    assert isinstance(dialog, LoginDialog)
    qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL)
    qtbot.keyClicks(dialog.password_edit, OWNER_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)


def test_setting_up_from_the_menu_shows_the_key_and_gives_recovery_codes(qtbot, ctx, owner):
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    window.show()
    dialog = window.set_up_second_factor()
    qtbot.waitExposed(dialog)
    secret = dialog.offer.secret
    assert dialog.secret_label.text().replace(" ", "") == secret
    assert not dialog.qr_label.pixmap().isNull()

    dialog.code_edit.setText("123456")
    dialog.password_edit.setText(OWNER_PASSWORD)
    dialog.ok_button.click()
    assert "not right" in dialog.fields["code"].error.text()

    dialog.code_edit.setText(pyotp.TOTP(secret).at(ctx.clock.now()))
    dialog.ok_button.click()
    codes = dialog.codes_view.toPlainText().splitlines()
    assert len(codes) == 10
    assert second_factor.second_factor_state(ctx.uow(), owner).enrolled
    dialog.ok_button.click()
    assert not dialog.isVisible()


def test_signing_in_asks_for_the_code_after_the_password(qtbot, ctx, owner, controller):
    offer = second_factor.new_secret(owner)
    totp = pyotp.TOTP(offer.secret)
    second_factor.enrol(
        ctx.uow(), owner, ctx.passwords, OWNER_PASSWORD, offer.secret, totp.at(ctx.clock.now())
    )
    ctx.clock.advance(timedelta(minutes=1))
    controller.start()
    type_password(qtbot, controller)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, SignInCodeDialog), timeout=2000)
    step = controller.dialog
    assert controller.main_window is None

    qtbot.keyClicks(step.code_edit, "000000")
    qtbot.keyClick(step.code_edit, Qt.Key.Key_Return)
    assert "not right" in step.fields["code"].error.text()
    assert controller.main_window is None

    step.code_edit.setText(totp.at(ctx.clock.now()))
    qtbot.keyClick(step.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=2000)


def test_a_practice_that_requires_it_sets_it_up_at_sign_in(qtbot, ctx, owner, controller):
    practice_settings.update_settings(
        ctx.uow(), owner, PracticeSettings(PRACTICE_NAME, PRACTICE_ZONE, 15, "record_keepers")
    )
    controller.start()
    type_password(qtbot, controller)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, EnrolmentDialog), timeout=2000)
    step = controller.dialog
    assert "password" not in step.fields  # typed a moment ago at sign-in
    assert step.cancel_button.text() == "Sign Out"
    step.cancel_button.click()
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=2000)
    assert controller.main_window is None and ctx.principal is None
