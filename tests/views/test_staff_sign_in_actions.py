"""R19 on the Staff screen: Owner or Manager gives a colleague a temporary password (only an
Owner for an Owner); the Owner resets a colleague's second factor; each says why when not."""

from __future__ import annotations

import pyotp

from desktop.services import auth, second_factor
from desktop.services.principal import Role
from desktop.views.staff_sign_in import ResetPasswordDialog

from .conftest import OWNER_EMAIL, STAFF_PASSWORD, WORKSTATION
from .test_staff_screen import open_staff

TEMPORARY = "given at the front desk"


def test_a_manager_resets_a_colleagues_password_to_a_temporary_one(qtbot, ctx, owner, add_member):
    member, _ = add_member("Sam Front", Role.SCHEDULER)
    _m, manager = add_member("Mo Reyes", Role.MANAGER)
    screen = open_staff(qtbot, ctx, manager)
    actions = screen.sign_in_actions
    assert screen.select_email(OWNER_EMAIL)
    assert not actions.reset_password_button.isEnabled()
    assert "Only an Owner can reset an Owner" in actions.reset_password_button.toolTip()
    assert not actions.reset_factor_button.isEnabled()

    assert screen.select_email(member.email)
    assert actions.reset_password_button.isEnabled()
    actions.reset_password_button.click()
    dialog = screen.current_dialog
    assert isinstance(dialog, ResetPasswordDialog)
    dialog.password_edit.setText("short")
    dialog.again_edit.setText("other")
    dialog.ok_button.click()
    assert dialog.fields["temporary_password"].error.text()
    assert dialog.fields["again"].error.text()
    dialog.password_edit.setText(TEMPORARY)
    dialog.again_edit.setText(TEMPORARY)
    dialog.ok_button.click()
    assert "temporary password" in screen.notice.text()
    signed_in = auth.sign_in(ctx.uow(), ctx.passwords, member.email, TEMPORARY, WORKSTATION)
    assert signed_in.must_change_password


def test_the_owner_resets_a_colleagues_second_factor(qtbot, ctx, owner, add_member, message_boxes):
    member, scheduler = add_member("Sam Front", Role.SCHEDULER)
    offer = second_factor.new_secret(scheduler)
    second_factor.enrol(ctx.uow(), scheduler, ctx.passwords, STAFF_PASSWORD, offer.secret,
                        pyotp.TOTP(offer.secret).at(ctx.clock.now()))  # fmt: skip
    screen = open_staff(qtbot, ctx, owner)
    assert screen.select_email(member.email)
    screen.sign_in_actions.reset_factor_button.click()
    assert "Remove Sam Front's second factor" in message_boxes.of("question")[0]
    assert not second_factor.second_factor_state(ctx.uow(), scheduler).enrolled
    assert "second factor was removed" in screen.notice.text()
