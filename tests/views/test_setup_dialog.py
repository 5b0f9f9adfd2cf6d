"""First run: "Set up your practice" validates in place and creates nothing until all is right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.services import practice
from desktop.services.principal import Role
from desktop.views.setup_dialog import FALLBACK_TIME_ZONE, SetupDialog, default_time_zone

from .conftest import PRACTICE_ZONE


def open_setup(qtbot, ctx) -> SetupDialog:
    dialog = SetupDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill(qtbot, dialog: SetupDialog, *, password: str, again: str) -> None:
    qtbot.keyClicks(dialog.practice_name_edit, "Harbour Street Therapy")
    qtbot.keyClicks(dialog.owner_name_edit, "Ines Carvalho")
    qtbot.keyClicks(dialog.owner_email_edit, "ines@harbour.example")
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClicks(dialog.password_again_edit, again)


def test_mismatched_passwords_show_under_the_second_password_and_create_nothing(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    fill(qtbot, dialog, password="a long password 1", again="a long password 2")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    error = dialog.fields["password_again"].error
    assert error.isVisible()
    assert error.text() == "The two passwords are not the same."
    assert dialog.password_again_edit.property("invalid") is True
    assert not dialog.fields["password"].error.isVisible()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert practice.practice_info(ctx.uow()) is None


def test_a_short_password_is_explained_under_the_password(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    fill(qtbot, dialog, password="short", again="short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "at least 10 characters" in dialog.fields["password"].error.text()
    assert practice.practice_info(ctx.uow()) is None


def test_every_problem_of_the_form_shows_at_once_beside_its_field(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    qtbot.keyClicks(dialog.owner_email_edit, "not-an-email")
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.password_again_edit, "other")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    shown = {name: field.error.text() for name, field in dialog.fields.items()}
    assert shown["practice_name"] == "The practice name is required."
    assert shown["owner_name"] == "Your name is required."
    assert "email" in shown["owner_email"].lower()
    assert "at least 10 characters" in shown["password"]
    assert shown["password_again"] == "The two passwords are not the same."
    assert dialog.focusWidget() is dialog.practice_name_edit
    assert practice.practice_info(ctx.uow()) is None


def test_a_fixed_field_loses_its_message_on_the_next_try(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    fill(qtbot, dialog, password="a long password 1", again="different")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.fields["password_again"].error.isVisible()
    dialog.password_again_edit.clear()
    qtbot.keyClicks(dialog.password_again_edit, "a long password 1")
    dialog.practice_name_edit.clear()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert not dialog.fields["password_again"].error.isVisible()
    assert dialog.fields["practice_name"].error.text() == "The practice name is required."


def test_a_complete_form_creates_the_practice_and_signs_the_owner_in(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    fill(qtbot, dialog, password="a long password 1", again="a long password 1")
    qtbot.mouseClick(dialog.provider_check, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.password_again_edit, Qt.Key.Key_Return)

    assert dialog.principal is not None
    assert dialog.principal.display_name == "Ines Carvalho"
    assert dialog.principal.roles == frozenset({Role.OWNER, Role.PROVIDER})
    info = practice.practice_info(ctx.uow())
    assert info == practice.PracticeInfo("Harbour Street Therapy", PRACTICE_ZONE)


def test_the_time_zone_starts_at_the_configured_zone_and_is_editable(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    combo = dialog.time_zone_combo
    assert combo.currentText() == PRACTICE_ZONE
    assert combo.isEditable() and combo.completer() is not None
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == sorted(names) and "Europe/Lisbon" in names


def test_an_unknown_time_zone_is_explained_under_the_time_zone(qtbot, ctx):
    dialog = open_setup(qtbot, ctx)
    fill(qtbot, dialog, password="a long password 1", again="a long password 1")
    dialog.time_zone_combo.setCurrentText("Mars/Olympus_Mons")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "is not a time zone" in dialog.fields["time_zone"].error.text()
    assert practice.practice_info(ctx.uow()) is None


def test_without_a_configured_zone_the_default_is_a_real_place():
    known = {"America/New_York", "Europe/Paris"}
    assert default_time_zone("Europe/Paris", known) == "Europe/Paris"
    assert default_time_zone("Nowhere/Else", known) in known
    assert default_time_zone(None, {"UTC"}) == FALLBACK_TIME_ZONE


def test_a_database_that_already_has_a_practice_says_sign_in_instead(qtbot, ctx, owner):
    dialog = open_setup(qtbot, ctx)
    fill(qtbot, dialog, password="a long password 1", again="a long password 1")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "This database already holds a practice; sign in instead."
    assert dialog.principal is None
