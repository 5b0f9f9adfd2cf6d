"""The main window: who is signed in, the four screens, keyboard shortcuts, accessible names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QWidget,
)

from desktop.services.principal import Role
from desktop.views.audit_screen import AuditScreen
from desktop.views.calendar import CalendarScreen
from desktop.views.clients_screen import ClientsScreen
from desktop.views.login_dialog import LoginDialog
from desktop.views.main_window import MINIMUM_SIZE, MainWindow
from desktop.views.notes_to_write_screen import NotesToWriteScreen
from desktop.views.session import build_main_window
from desktop.views.setup_dialog import SetupDialog
from desktop.views.staff_dialogs import AddStaffDialog, EditRolesDialog, RecordsOwnerDialog
from desktop.views.staff_screen import StaffScreen

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_NAME


def open_window(qtbot, ctx, principal) -> MainWindow:
    window = build_main_window(ctx, principal)
    qtbot.addWidget(window)
    assert not window.isVisible()  # built, not shown
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def test_signing_in_leads_to_a_window_naming_the_person_and_roles(qtbot, ctx, owner):
    dialog = LoginDialog(ctx, PRACTICE_NAME)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL)
    qtbot.keyClicks(dialog.password_edit, OWNER_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.principal is not None

    window = open_window(qtbot, ctx, dialog.principal)
    assert window.status_label.text() == (
        f"Signed in as Dana Whitfield · Owner, Provider · Database: {ctx.database_label}"
    )
    assert window.windowTitle() == f"Clinic Desk — {PRACTICE_NAME}"
    width, height = MINIMUM_SIZE  # what the screens need; fits 1366x768 with task and title bars
    assert width >= 1100 and height <= 768 - 48 - 32


def test_a_demo_practice_says_so(qtbot, ctx, owner):
    ctx.demo = True
    window = open_window(qtbot, ctx, owner)
    assert window.status_label.text().endswith(" · Demo practice")


def test_the_five_screens_in_order_with_clients_first(qtbot, ctx, owner):
    window = open_window(qtbot, ctx, owner)
    labels = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert labels == [
        "Clients", "Calendar", "Staff", "Audit", "Notes to review", "Notes to write"
    ]  # fmt: skip
    assert window.current_screen_key() == "clients"
    assert isinstance(window.stack.currentWidget(), ClientsScreen)
    assert isinstance(window.screens["calendar"], CalendarScreen)
    assert isinstance(window.screens["staff"], StaffScreen)
    assert isinstance(window.screens["audit"], AuditScreen)
    assert isinstance(window.screens["notes"], NotesToWriteScreen)


def test_ctrl_and_a_number_jump_to_a_screen(qtbot, ctx, owner):
    window = open_window(qtbot, ctx, owner)
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == "staff"
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == "audit"
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == "calendar"
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == "clients"


def test_clicking_the_navigation_changes_the_screen(qtbot, ctx, owner):
    window = open_window(qtbot, ctx, owner)
    item = window.navigation.item(2)
    rect = window.navigation.visualItemRect(item)
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_screen_key() == "staff"
    assert window.stack.currentWidget() is window.screens["staff"]


def test_the_file_and_help_menus(qtbot, ctx, owner, message_boxes):
    window = open_window(qtbot, ctx, owner)
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert list(menus) == ["&File", "&View", "&Help"]
    file_items = [a.text() for a in menus["&File"].actions() if not a.isSeparator()]
    assert file_items == [
        "&Back Up Now",
        "Practice &Settings…",
        "Note &Templates…",
        "Change &Password…",
        "Set Up Second &Factor…",
        "S&witch User…",
        "Sign &Out",
        "&Quit",
    ]
    view_items = [a.text() for a in menus["&View"].actions() if not a.isSeparator()]
    assert view_items[-2:] == ["&Notifications…", "&Emergency Access Report…"]
    assert "Go to Clients" in view_items
    window.about_action.trigger()
    [(kind, title, text)] = message_boxes.calls
    assert (kind, title) == ("about", "About Clinic Desk")
    assert ctx.database_label in text


def test_showing_the_audit_screen_reloads_it(qtbot, ctx, owner, add_member):
    window = open_window(qtbot, ctx, owner)
    audit_screen = window.screens["audit"]
    before = audit_screen.model.rowCount()
    add_member("Sam Lee", Role.SCHEDULER)
    window.show_screen("audit")
    assert audit_screen.model.rowCount() == before + 2


INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)


def unnamed_controls(top: QWidget) -> list[str]:
    """Every control a keyboard can reach that has no accessible name."""
    missing = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} {widget!r}")
    return missing


def test_every_control_has_an_accessible_name(qtbot, ctx, owner, add_member):
    member, _ = add_member("Dr. Maya Okafor", Role.PROVIDER)
    tops = [
        build_main_window(ctx, owner),
        LoginDialog(ctx, PRACTICE_NAME),
        SetupDialog(ctx),
        AddStaffDialog(ctx, owner),
        EditRolesDialog(ctx, owner, member),
        RecordsOwnerDialog(ctx, owner, member),
    ]
    for top in tops:
        qtbot.addWidget(top)
        assert unnamed_controls(top) == [], type(top).__name__


def test_tab_walks_the_add_staff_form_in_reading_order(qtbot, ctx, owner):
    dialog = AddStaffDialog(ctx, owner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.name_edit.hasFocus(), timeout=2000)
    visited = []
    for _ in range(4):
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        visited.append(dialog.focusWidget())
    assert visited[:3] == [
        dialog.email_edit,
        dialog.password_edit,
        dialog.role_checks.boxes[Role.OWNER],
    ]


def test_long_names_end_in_an_ellipsis_instead_of_widening_the_window(qtbot, ctx, add_member):
    long_name = "Dr. " + "Alexandrina-Maximiliana " * 4 + "Okafor-Beaumont"
    _member, provider = add_member(long_name.strip(), Role.PROVIDER)
    window = build_main_window(ctx, provider)
    qtbot.addWidget(window)
    window.resize(window.minimumSize())
    window.show()
    qtbot.waitExposed(window)
    assert window.width() == window.minimumWidth()
    assert window.status_label.text().startswith(f"Signed in as {long_name.strip()}")
    assert window.status_label.toolTip() == window.status_label.text()
    assert window.centralWidget().minimumSizeHint().width() <= MINIMUM_SIZE[0]

    long_practice = "The " + "Very Long Practice Name " * 8
    dialog = LoginDialog(ctx, long_practice)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() < 500
    label = dialog.practice_label
    drawn = label.lines_for(label.contentsRect().width())
    assert len(drawn) == 2 and drawn[-1].endswith("…")
    assert label.text() == label.toolTip() == long_practice
