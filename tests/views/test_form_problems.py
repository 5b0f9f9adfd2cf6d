"""A form shows every problem at once, each under its field, and its buttons stay where they are."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from desktop.services import clients
from desktop.views.new_client_dialog import NewClientDialog

from .test_client_profile import new_client, open_profile
from .test_clients_screen import count_clients


def open_new_client(qtbot, ctx, principal) -> NewClientDialog:
    dialog = NewClientDialog(ctx, principal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def problems_shown(fields) -> dict[str, str]:
    return {name: f.error.text() for name, f in fields.items() if f.error.isVisibleTo(f)}


def test_every_problem_of_a_new_client_shows_at_once_beside_its_field(qtbot, ctx, owner):
    dialog = open_new_client(qtbot, ctx, owner)
    qtbot.keyClicks(dialog.first_name, "Liam")
    qtbot.keyClicks(dialog.email, "liam-at-example")
    qtbot.keyClicks(dialog.date_of_birth, "2099-01-01")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    shown = problems_shown(dialog.fields)
    assert set(shown) == {"last_name", "email", "date_of_birth"}, shown
    assert shown["date_of_birth"] == "The date of birth cannot be in the future."
    assert count_clients(ctx, owner) == 0


def test_a_malformed_date_is_shown_with_the_other_problems(qtbot, ctx, owner):
    dialog = open_new_client(qtbot, ctx, owner)
    qtbot.keyClicks(dialog.first_name, "Liam")
    qtbot.keyClicks(dialog.date_of_birth, "23/04/1985")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert set(problems_shown(dialog.fields)) == {"last_name", "date_of_birth"}


def test_the_buttons_stay_under_the_pointer_when_problems_appear(qtbot, ctx, owner):
    dialog = open_new_client(qtbot, ctx, owner)
    before = dialog.ok_button.mapToGlobal(QPoint(0, 0))
    height = dialog.height()
    qtbot.keyClicks(dialog.email, "liam-at-example")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.wait(20)
    assert dialog.height() > height  # the problems took room…
    assert dialog.ok_button.mapToGlobal(QPoint(0, 0)) == before  # …above the buttons


def test_the_profile_tab_marks_every_field_at_fault(qtbot, ctx, owner):
    client_id = new_client(ctx, owner)
    window = open_profile(qtbot, ctx, owner, client_id)
    tab = window.profile_tab
    tab.edits["first_name"].clear()
    tab.edits["email"].setText("kim-at-example")
    tab.save()
    assert set(problems_shown(tab.fields)) == {"first_name", "email"}
    assert clients.get_client(ctx.uow(), owner, client_id).first_name == "Kim"
