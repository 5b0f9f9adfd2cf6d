"""R19 on screen: deactivation or a change of roles reaches an open window at the person's next
action; they are told in plain words, and a note they were writing is offered back first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.db.tables import ChartNote
from desktop.services import password_change, staff
from desktop.services.principal import Role
from desktop.views import session as session_module
from desktop.views.client_profile.note_dialogs import NoteEditorDialog
from desktop.views.login_dialog import LoginDialog

from .conftest import STAFF_PASSWORD
from .test_client_profile import new_client
from .test_session import sign_in

OWN_PASSWORD = "their own passphrase"


def own_password(ctx, principal) -> None:
    """The member replaces the temporary password they were given (R19)."""
    password_change.change_own_password(
        ctx.uow(), principal, ctx.passwords, STAFF_PASSWORD, OWN_PASSWORD, OWN_PASSWORD
    )


@pytest.fixture
def notices(monkeypatch):
    seen: list[tuple[str, list[str]]] = []

    def record(parent, text, kept):
        # The windows and the note are still there while the person reads the message.
        seen.append((text, kept))

    monkeypatch.setattr(session_module, "show_standing_notice", record)
    return seen


def test_a_provider_deactivated_while_writing_a_note_is_told_and_signed_out(
    qtbot, ctx, owner, add_member, controller, notices
):
    member, provider = add_member("Lee Park", Role.PROVIDER)
    own_password(ctx, provider)
    client_id = new_client(ctx, provider)
    controller.start()
    main = sign_in(qtbot, controller, member.email, OWN_PASSWORD)
    window = main.open_client(client_id)
    dialog = NoteEditorDialog(window, None, window)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.body_edit.setPlainText("Client reports better sleep.")

    staff.deactivate_staff(ctx.uow(), owner, member.id)
    dialog.submit()  # the next action

    assert dialog.message.text().startswith("Your account has been deactivated")
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=3000)
    assert notices and "deactivated" in notices[0][0] and "(R" not in notices[0][0]
    assert notices[0][1] == ["Client reports better sleep."]
    assert controller.main_window is None and ctx.principal is None
    assert not window.isVisible()
    with ctx.uow() as unit:  # nothing was written for the deactivated person
        assert unit.session.scalar(select(func.count()).select_from(ChartNote)) == 0


def test_a_manager_whose_role_is_removed_sees_the_screens_the_new_roles_allow(
    qtbot, ctx, owner, add_member, controller, notices
):
    member, manager = add_member("Mo Reyes", Role.MANAGER, Role.SCHEDULER)
    own_password(ctx, manager)
    controller.start()
    first = sign_in(qtbot, controller, member.email, OWN_PASSWORD)
    staff.set_roles(ctx.uow(), owner, member.id, {Role.SCHEDULER})

    first.screens["clients"].refresh()  # the next action reads the list again

    qtbot.waitUntil(
        lambda: controller.main_window is not None and controller.main_window is not first,
        timeout=3000,
    )
    assert "you now hold Scheduler" in notices[0][0]
    assert controller.main_window.principal.roles == frozenset({Role.SCHEDULER})
    assert ctx.principal.roles == frozenset({Role.SCHEDULER})
    assert "Scheduler" in controller.main_window.status_label.text()
    assert not first.isVisible()
