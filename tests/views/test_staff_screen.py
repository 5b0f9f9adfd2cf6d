"""The Staff screen (R12): who may use which control and why, and changes made by clicking."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox

from desktop.models import staff_model
from desktop.services import staff
from desktop.services.principal import Role
from desktop.views.staff_dialogs import AddStaffDialog, EditRolesDialog
from desktop.views.staff_fields import UNANSWERED
from desktop.views.staff_screen import CHOOSE_FIRST, StaffScreen

from .conftest import OWNER_NAME

R12_ADMIN = "Only the Owner or a Manager can add staff, change roles or deactivate staff."
R12_OWNER_ONLY = "Only the Owner can change who owns an existing provider's records."


def open_staff(qtbot, ctx, principal) -> StaffScreen:
    screen = StaffScreen(ctx, principal)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def tick(qtbot, box: QAbstractButton) -> None:
    """Click a checkbox or radio button on its box, where a person clicks."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(9, box.height() // 2))


def cell(screen: StaffScreen, name: str, column: int) -> str:
    for row in range(screen.model.rowCount()):
        if screen.model.index(row, staff_model.NAME).data() == name:
            return screen.model.index(row, column).data()
    raise AssertionError(f"{name} is not in the staff table")


def click_row(qtbot, screen: StaffScreen, name: str) -> None:
    for row in range(screen.model.rowCount()):
        index = screen.model.index(row, staff_model.NAME)
        if index.data() == name:
            rect = screen.table.visualRect(index)
            qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{name} is not in the staff table")


def test_a_scheduler_sees_add_staff_disabled_with_the_r12_reason(qtbot, ctx, add_member):
    _member, scheduler = add_member("Sam Lee", Role.SCHEDULER)
    screen = open_staff(qtbot, ctx, scheduler)

    assert not screen.add_button.isEnabled()
    assert screen.add_button.toolTip() == R12_ADMIN
    click_row(qtbot, screen, OWNER_NAME)
    for control in (screen.edit_button, screen.deactivate_button, screen.reactivate_button):
        assert not control.isEnabled()
        assert control.toolTip() == R12_ADMIN
    assert R12_ADMIN in screen.read_only_note.text()
    assert screen.model.rowCount() == 2  # a scheduler still sees who works here


def test_actions_on_a_row_wait_for_a_choice(qtbot, ctx, owner, add_member):
    add_member("Dr. Maya Okafor", Role.PROVIDER)
    screen = open_staff(qtbot, ctx, owner)
    assert screen.add_button.isEnabled()
    for control in (screen.edit_button, screen.ownership_button, screen.deactivate_button):
        assert not control.isEnabled()
        assert control.toolTip() == CHOOSE_FIRST

    click_row(qtbot, screen, "Dr. Maya Okafor")
    assert screen.edit_button.isEnabled() and screen.edit_button.toolTip() == ""
    assert screen.ownership_button.isEnabled()
    assert screen.deactivate_button.isEnabled()
    assert not screen.reactivate_button.isEnabled()
    assert screen.reactivate_button.toolTip() == "Dr. Maya Okafor is active."


def test_nobody_deactivates_themselves_from_the_screen(qtbot, ctx, owner):
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, OWNER_NAME)
    assert not screen.deactivate_button.isEnabled()
    assert screen.deactivate_button.toolTip() == "You cannot deactivate your own account."


def test_the_owner_adds_a_provider_only_after_answering_who_owns_the_records(qtbot, ctx, owner):
    screen = open_staff(qtbot, ctx, owner)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    assert isinstance(dialog, AddStaffDialog) and dialog.isVisible()

    qtbot.keyClicks(dialog.name_edit, "Dr. Maya Okafor")
    qtbot.keyClicks(dialog.email_edit, "maya@riverside.example")
    qtbot.keyClicks(dialog.password_edit, "temporary-pass-1")
    assert not dialog.ownership.isVisible()
    tick(qtbot, dialog.role_checks.boxes[Role.PROVIDER])

    assert dialog.ownership.isVisible()
    assert dialog.ownership.answer() is None
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == UNANSWERED

    tick(qtbot, dialog.ownership.provider_radio)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert cell(screen, "Dr. Maya Okafor", staff_model.RECORDS_OWNER) == "The provider"
    assert cell(screen, "Dr. Maya Okafor", staff_model.ROLES) == "Provider"
    assert screen.selected_member().email == "maya@riverside.example"
    assert screen.notice.text() == "Dr. Maya Okafor was added to the staff."


def test_unticking_provider_hides_the_question_and_opens_ok(qtbot, ctx, owner):
    screen = open_staff(qtbot, ctx, owner)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    provider = dialog.role_checks.boxes[Role.PROVIDER]
    tick(qtbot, provider)
    assert not dialog.ok_button.isEnabled()
    tick(qtbot, provider)
    assert not dialog.ownership.isVisible()
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == "Choose at least one role."
    tick(qtbot, dialog.role_checks.boxes[Role.SCHEDULER])
    assert dialog.ok_button.isEnabled()


def test_a_taken_email_is_shown_under_the_email_and_adds_nobody(qtbot, ctx, owner, add_member):
    add_member("Sam Lee", Role.SCHEDULER)
    screen = open_staff(qtbot, ctx, owner)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    qtbot.keyClicks(dialog.name_edit, "Samuel Lee")
    qtbot.keyClicks(dialog.email_edit, "sam.lee@riverside.example")
    qtbot.keyClicks(dialog.password_edit, "temporary-pass-1")
    tick(qtbot, dialog.role_checks.boxes[Role.BILLER])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.fields["email"].error.text() == (
        "Someone on the staff already signs in as sam.lee@riverside.example."
    )
    assert len(staff.list_staff(ctx.uow(), owner)) == 2


def test_add_staff_shows_every_problem_at_once_and_adds_nobody(qtbot, ctx, owner):
    screen = open_staff(qtbot, ctx, owner)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    qtbot.keyClicks(dialog.email_edit, "not-an-email")
    qtbot.keyClicks(dialog.password_edit, "short")
    tick(qtbot, dialog.role_checks.boxes[Role.BILLER])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    shown = {name: field.error.text() for name, field in dialog.fields.items()}
    assert shown["display_name"] == "The name is required."
    assert "email" in shown["email"].lower()
    assert shown["password"].startswith("The password")
    assert shown["roles"] == ""
    assert dialog.focusWidget() is dialog.name_edit  # the first field at fault has the keyboard
    assert len(staff.list_staff(ctx.uow(), owner)) == 1


def test_a_manager_cannot_give_the_owner_role(qtbot, ctx, add_member):
    _member, manager = add_member("Priya Raman", Role.MANAGER)
    screen = open_staff(qtbot, ctx, manager)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    owner_box = screen.current_dialog.role_checks.boxes[Role.OWNER]
    assert not owner_box.isEnabled()
    assert owner_box.toolTip() == "Only the Owner can give someone the Owner role."


def test_deactivating_asks_first_naming_the_person_and_their_shares(
    qtbot, ctx, owner, add_member, message_boxes
):
    add_member("Dr. Maya Okafor", Role.PROVIDER)
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, "Dr. Maya Okafor")
    qtbot.mouseClick(screen.deactivate_button, Qt.MouseButton.LeftButton)

    [question] = message_boxes.of("question")
    assert question.startswith("Deactivate Dr. Maya Okafor?")
    assert "chart share" in question
    assert cell(screen, "Dr. Maya Okafor", staff_model.STATUS) == "Deactivated"
    row = screen.model.row_of(screen.selected_member().id)
    assert screen.model.index(row, staff_model.NAME).data(Qt.ItemDataRole.ForegroundRole)
    assert screen.reactivate_button.isEnabled()
    assert not screen.deactivate_button.isEnabled()


def test_cancelling_the_question_deactivates_nobody(qtbot, ctx, owner, add_member, message_boxes):
    add_member("Dr. Maya Okafor", Role.PROVIDER)
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, "Dr. Maya Okafor")
    qtbot.mouseClick(screen.deactivate_button, Qt.MouseButton.LeftButton)
    assert len(message_boxes.of("question")) == 1
    assert cell(screen, "Dr. Maya Okafor", staff_model.STATUS) == "Active"


def test_reactivating_lets_them_back(qtbot, ctx, owner, add_member, message_boxes):
    member, _ = add_member("Chris Novak", Role.BILLER)
    staff.deactivate_staff(ctx.uow(), owner, member.id)
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, "Chris Novak")
    assert cell(screen, "Chris Novak", staff_model.STATUS) == "Deactivated"
    qtbot.mouseClick(screen.reactivate_button, Qt.MouseButton.LeftButton)
    assert cell(screen, "Chris Novak", staff_model.STATUS) == "Active"


def test_someone_elses_change_in_between_is_explained_and_the_table_refreshed(
    qtbot, ctx, owner, add_member, message_boxes
):
    member, _ = add_member("Sam Lee", Role.SCHEDULER)
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, "Sam Lee")
    staff.set_roles(ctx.uow(), owner, member.id, {Role.SCHEDULER, Role.BILLER})  # elsewhere
    qtbot.mouseClick(screen.deactivate_button, Qt.MouseButton.LeftButton)

    [warning] = message_boxes.of("warning")
    assert "changed by someone else" in warning
    assert cell(screen, "Sam Lee", staff_model.STATUS) == "Active"
    assert cell(screen, "Sam Lee", staff_model.ROLES) == "Scheduler, Biller"


def test_a_manager_sees_change_record_ownership_disabled_with_the_owner_only_reason(
    qtbot, ctx, add_member
):
    add_member("Dr. Maya Okafor", Role.PROVIDER)
    _member, manager = add_member("Priya Raman", Role.MANAGER)
    screen = open_staff(qtbot, ctx, manager)
    click_row(qtbot, screen, "Dr. Maya Okafor")
    assert screen.edit_button.isEnabled()
    assert not screen.ownership_button.isEnabled()
    assert screen.ownership_button.toolTip() == R12_OWNER_ONLY


def test_the_owner_changes_an_existing_providers_record_ownership(qtbot, ctx, owner, add_member):
    add_member("Dr. Maya Okafor", Role.PROVIDER, records_owner="group")
    add_member("Sam Lee", Role.SCHEDULER)
    screen = open_staff(qtbot, ctx, owner)
    click_row(qtbot, screen, "Sam Lee")
    assert not screen.ownership_button.isEnabled()
    assert screen.ownership_button.toolTip() == "Sam Lee is not a provider."

    click_row(qtbot, screen, "Dr. Maya Okafor")
    qtbot.mouseClick(screen.ownership_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    assert dialog.ownership.answer() == "group"
    assert not dialog.ok_button.isEnabled()
    tick(qtbot, dialog.ownership.provider_radio)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert cell(screen, "Dr. Maya Okafor", staff_model.RECORDS_OWNER) == "The provider"


def test_edit_roles_asks_about_records_only_for_a_first_time_provider(
    qtbot, ctx, owner, add_member, message_boxes
):
    add_member("Sam Lee", Role.SCHEDULER)
    add_member("Dr. Maya Okafor", Role.PROVIDER)
    screen = open_staff(qtbot, ctx, owner)

    click_row(qtbot, screen, "Dr. Maya Okafor")
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    existing = screen.current_dialog
    assert isinstance(existing, EditRolesDialog)
    assert existing.role_checks.boxes[Role.PROVIDER].isChecked()
    tick(qtbot, existing.role_checks.boxes[Role.BILLER])
    assert not existing.ownership.isVisible()
    assert existing.ok_button.isEnabled()
    message_boxes.answer = QMessageBox.StandardButton.Discard
    existing.reject()  # a changed form asks first; the roles change is discarded
    assert message_boxes.of("question")[-1].startswith("The changes in this form are not saved")
    assert not existing.isVisible()

    click_row(qtbot, screen, "Sam Lee")
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == "Nothing has changed yet."
    tick(qtbot, dialog.role_checks.boxes[Role.PROVIDER])
    assert dialog.ownership.isVisible()
    assert dialog.ok_button.toolTip() == UNANSWERED
    tick(qtbot, dialog.ownership.group_radio)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert cell(screen, "Sam Lee", staff_model.ROLES) == "Provider, Scheduler"
    assert cell(screen, "Sam Lee", staff_model.RECORDS_OWNER) == "The group"
