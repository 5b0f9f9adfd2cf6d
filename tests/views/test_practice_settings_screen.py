"""R19 on screen: the Owner's Practice Settings (name, time zone, idle time, second factor),
every problem at once; others see the menu entry disabled with the reason; the new idle time
applies to the open session at once."""

from __future__ import annotations

from datetime import timedelta

from desktop.services import emergency_settings, practice_settings
from desktop.services.practice_settings import PracticeSettings
from desktop.services.principal import Role
from desktop.views.practice_settings_dialog import PracticeSettingsDialog
from desktop.views.session import build_main_window

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_NAME, PRACTICE_ZONE
from .test_session import sign_in


def test_the_owner_changes_the_idle_time_and_second_factor(qtbot, ctx, owner):
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_practice_settings()
    qtbot.waitExposed(dialog)
    assert dialog.name_edit.text() == PRACTICE_NAME
    assert dialog.zone_combo.currentText() == PRACTICE_ZONE
    assert dialog.idle_spin.value() == 15
    assert dialog.emergency_section.isVisible()  # R18: who may use emergency access

    dialog.name_edit.setText("  ")
    dialog.zone_combo.setCurrentText("Nowhere/At all")
    dialog.ok_button.click()
    assert dialog.fields["name"].error.text() and dialog.fields["time_zone"].error.text()
    assert practice_settings.read_settings(ctx.uow()).name == PRACTICE_NAME

    dialog.name_edit.setText("Riverside Counselling")
    dialog.address_edit.setPlainText("220 Harbour Street\nToronto ON")
    dialog.zone_combo.setCurrentText(PRACTICE_ZONE)
    dialog.idle_spin.setValue(5)
    dialog.second_factor_combo.setCurrentIndex(2)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert practice_settings.read_settings(ctx.uow()) == PracticeSettings(
        "Riverside Counselling", PRACTICE_ZONE, 5, "everyone", "220 Harbour Street\nToronto ON"
    )
    assert window.practice_label.text() == "Riverside Counselling"


def test_emergency_access_settings_are_saved_with_the_practice_settings(qtbot, ctx, owner):
    """R18: the Owner names the roles that may use emergency access and how long it lasts."""
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    window.show()
    dialog = window.open_practice_settings()
    qtbot.waitExposed(dialog)
    section = dialog.emergency
    assert section is not None and section.minutes.value() == 60
    section.role_boxes[Role.MANAGER].setChecked(True)
    section.minutes.setValue(30)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    rules = emergency_settings.emergency_rules(ctx.uow(), owner)
    assert Role.MANAGER in rules.allowed_roles and rules.duration_minutes == 30


def test_only_the_owner_may_open_it(qtbot, ctx, owner, add_member):
    _member, manager = add_member("Mo Reyes", Role.MANAGER)
    window = build_main_window(ctx, manager)
    qtbot.addWidget(window)
    assert not window.settings_action.isEnabled()
    assert "Only the Owner" in window.settings_action.toolTip()
    assert "(R" not in window.settings_action.toolTip()


def test_a_shorter_idle_time_applies_at_once(qtbot, ctx, owner, controller):
    controller.start()
    main = sign_in(qtbot, controller, OWNER_EMAIL, OWNER_PASSWORD)
    dialog = main.open_practice_settings()
    assert isinstance(dialog, PracticeSettingsDialog)
    dialog.idle_spin.setValue(2)
    dialog.ok_button.click()
    ctx.clock.advance(timedelta(minutes=2))
    controller.lock.watch.check()
    assert controller.lock.locked
