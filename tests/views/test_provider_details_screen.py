"""R12 on screen: the Owner keeps a provider's credentials and licence from the Staff screen;
others see the button disabled with the reason."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services import provider_details
from desktop.services.principal import Role

from .test_staff_screen import click_row, open_staff


def test_the_owner_saves_a_providers_licence_by_keyboard(qtbot, ctx, owner, add_member):
    member, _maya = add_member("Dr. Maya Okafor", Role.PROVIDER, records_owner="group")
    add_member("Sam Lee", Role.SCHEDULER)
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, "Sam Lee")
    assert not screen.details_button.isEnabled()
    assert screen.details_button.toolTip() == "Sam Lee is not a provider."

    click_row(qtbot, screen, "Dr. Maya Okafor")
    qtbot.mouseClick(screen.details_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.credentials_edit, "x" * 121)
    dialog.licence_edit.setText("PSY 1234\nNPI")  # pasted with a line break
    dialog.ok_button.click()
    assert dialog.fields["licence_number"].error.text()
    assert dialog.isVisible()

    dialog.credentials_edit.clear()
    qtbot.keyClicks(dialog.credentials_edit, "PhD, CPsych")
    dialog.licence_edit.setText("CPsych 6021 · NPI 1881234567")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.licence_edit, Qt.Key.Key_Return)
    saved = provider_details.provider_details(ctx.uow(), owner, member.id)
    assert (saved.credentials, saved.licence_number) == (
        "PhD, CPsych",
        "CPsych 6021 · NPI 1881234567",
    )
    assert "credentials and licence were saved" in screen.notice.text()


def test_a_manager_sees_the_button_disabled_with_the_owner_only_reason(qtbot, ctx, add_member):
    add_member("Dr. Maya Okafor", Role.PROVIDER)
    _member, manager = add_member("Priya Raman", Role.MANAGER)
    screen = open_staff(qtbot, ctx, manager)
    click_row(qtbot, screen, "Dr. Maya Okafor")
    assert not screen.details_button.isEnabled()
    assert screen.details_button.toolTip() == (
        "Only the Owner can change a provider's credentials and licence."
    )
