"""Every control a screen reader reaches on the main screens has a name; fields have a label."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.services.principal import Role
from desktop.views.client_profile import ClientProfileWindow

from .test_client_profile import new_client
from .test_main_window import open_window

R = QAccessible.Role
#: what a person operates: each must be named.
INTERACTIVE = {
    R.PushButton,
    R.Button,
    R.CheckBox,
    R.RadioButton,
    R.ComboBox,
    R.EditableText,
    R.SpinBox,
    R.Slider,
    R.Table,
    R.Tree,
    R.List,
    R.PageTabList,
    R.ButtonMenu,
    R.ButtonDropDown,
}
#: fields: each also needs a label relation (a visible label read with it).
FIELDS = {R.ComboBox, R.EditableText, R.SpinBox}


def describe(node) -> str:
    widget = node.object()
    kind = widget.metaObject().className() if widget is not None else "?"
    name = widget.objectName() if widget is not None else ""
    parent = widget.parent() if widget is not None else None
    owner = parent.metaObject().className() if parent is not None else ""
    return f"{node.role().name} {kind}#{name} in {owner}"


def show_clear_buttons(root: QWidget) -> list[QLineEdit]:
    """Type into every empty search field, so its clear button shows (and is read)."""
    typed = []
    for edit in root.findChildren(QLineEdit):
        if edit.isClearButtonEnabled() and not edit.text():
            edit.setText("a")
            typed.append(edit)
    return typed


def unnamed_controls(root: QWidget) -> list[str]:
    """Walk the accessible tree under `root` as a screen reader does; list what has no name
    (or, for a field, no label relation). Hidden parts are not read, so they are skipped."""
    problems: list[str] = []
    typed = show_clear_buttons(root)

    def walk(node) -> None:
        state = node.state()
        if state.invisible or state.offscreen and node.role() != R.Client:
            return
        role = node.role()
        if role in INTERACTIVE:
            if not node.text(QAccessible.Text.Name).strip():
                problems.append(f"no name: {describe(node)}")
            elif role in FIELDS:
                labels = [r for r in node.relations() if r[1] & QAccessible.RelationFlag.Label]
                if not labels:
                    problems.append(
                        f"no label: {describe(node)} ({node.text(QAccessible.Text.Value)!r})"
                    )
            if role == R.ComboBox:
                return  # its own list of choices is read through it
        for index in range(node.childCount()):
            child = node.child(index)
            if child is not None:
                walk(child)

    walk(QAccessible.queryAccessibleInterface(root))
    for edit in typed:
        edit.clear()
    return problems


def test_each_main_screen_names_every_control(qtbot, ctx, owner):
    new_client(ctx, owner)
    window = open_window(qtbot, ctx, owner)
    found = {}
    for key in ("clients", "calendar", "staff", "audit"):
        window.show_screen(key)
        qtbot.wait(10)
        found[key] = unnamed_controls(window)
    assert found == {key: [] for key in found}


def test_the_client_window_is_a_window_and_names_every_control(qtbot, ctx, owner, add_member):
    client_id = new_client(ctx, owner)
    window = ClientProfileWindow(ctx, owner, client_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert QAccessible.queryAccessibleInterface(window).role() == R.Window
    found = {}
    for key in ("profile", "appointments", "records", "docs", "billing"):
        window.show_tab(key)
        qtbot.wait(10)
        found[key] = unnamed_controls(window)
    assert found == {key: [] for key in found}


def test_a_scheduler_hears_a_name_for_every_control(qtbot, ctx, owner, add_member):
    _member, scheduler = add_member("Sam Ortiz", Role.SCHEDULER)
    window = open_window(qtbot, ctx, scheduler)
    window.show_screen("calendar")
    assert unnamed_controls(window) == []


def test_the_forms_name_every_control(qtbot, ctx, owner):
    from desktop.views.calendar import BookingDialog, FindAvailabilityDialog
    from desktop.views.new_client_dialog import NewClientDialog

    dialogs = {
        "new client": NewClientDialog(ctx, owner),
        "booking": BookingDialog(ctx, owner),
        "find availability": FindAvailabilityDialog(ctx, owner),
    }
    found = {}
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        found[name] = unnamed_controls(dialog)
    assert found == {name: [] for name in found}
