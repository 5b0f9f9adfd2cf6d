"""The keyboard after sign-in: the search box has it, Enter opens a lone match, a time is retyped."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop.views.widgets import TimeField

from . import test_calendar_screen as calendar
from .test_booking_dialog import open_booking
from .test_client_profile import new_client
from .test_main_window import open_window

#: the practice of the calendar tests (a pytest fixture).
clinic = calendar.clinic


def test_after_sign_in_typing_a_name_searches_the_clients(qtbot, ctx, owner):
    new_client(ctx, owner, first="Ava", last="Stone")
    window = open_window(qtbot, ctx, owner)
    clients = window.screens["clients"]
    assert QApplication.focusWidget() is clients.search_edit
    qtbot.keyClicks(QApplication.focusWidget(), "Ava")
    assert window.current_screen_key() == "clients"  # not the Audit screen, by its letter "A"
    assert clients.search_edit.text() == "Ava"


def test_enter_on_a_search_with_one_result_opens_that_client(qtbot, ctx, owner):
    ava = new_client(ctx, owner, first="Ava", last="Stone")
    new_client(ctx, owner, first="Bea", last="Stone")
    window = open_window(qtbot, ctx, owner)
    search = window.screens["clients"].search_edit
    qtbot.keyClicks(search, "Stone")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.profile_windows == {}  # two found: Enter only searches
    search.clear()
    qtbot.keyClicks(search, "Ava")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert list(window.profile_windows) == [ava]


def test_typing_over_a_selected_time_replaces_it(qtbot, ctx, clinic):
    booking = open_booking(qtbot, ctx, clinic.scheduler)
    fields = [booking.start_time, TimeField(QTime(9, 0))]
    for field, typed in zip(fields, ("10:30", "1030"), strict=True):
        qtbot.addWidget(field)
        field.show()
        field.setTime(QTime(9, 0))
        field.setFocus()
        field.selectAll()
        assert field.findChild(QLineEdit).selectedText() == "09:00"
        qtbot.keyClicks(field, typed)
        assert field.time() == QTime(10, 30), typed
