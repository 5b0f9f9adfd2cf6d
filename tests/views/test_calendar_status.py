"""Appointment status on the Calendar (R10): the status menu from a right-click and from the
keyboard, the badge each status wears, and who may record it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from desktop.views.calendar.status_menu import StatusMenu

from . import test_calendar_screen
from .test_calendar_screen import at, book, column_of, open_calendar
from .test_client_profile import open_profile

#: Dana (Owner), Ana and Ben (providers), Jordan (Scheduler); Kim Chen on Ana's list.
clinic = test_calendar_screen.clinic

#: the tests' "now" is Tuesday 4 March 2025, 10:00 at the practice.
TUESDAY = date(2025, 3, 4)


@pytest.fixture
def menus(monkeypatch) -> list[StatusMenu]:
    """Each status menu the screen opens, instead of showing it."""
    opened: list[StatusMenu] = []
    monkeypatch.setattr(StatusMenu, "exec", lambda menu, *_args: opened.append(menu))
    return opened


def test_the_front_desk_marks_a_session_attended_with_a_right_click(qtbot, ctx, clinic, menus):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(TUESDAY, 9))
    screen = open_calendar(qtbot, ctx, clinic.scheduler, day=TUESDAY)
    column = column_of(screen, clinic.ana.staff_id, TUESDAY)
    point = screen.grid.slot_point(column, 9 * 60)

    global_point = screen.grid.viewport().mapToGlobal(point)
    right_click = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, global_point)
    QApplication.sendEvent(screen.grid.viewport(), right_click)
    [menu] = menus
    assert menu.entries["scheduled"].isChecked()
    menu.entries["attended"].trigger()

    assert "marked Attended" in screen.notice.text()
    block = screen.grid.appointment_at(column, 9 * 60)
    assert block.visit_status == "attended"
    assert "Attended" in screen.grid.tooltip_at(point.x(), point.y())


def test_the_menu_key_opens_the_status_menu_of_the_selected_session(qtbot, ctx, clinic, menus):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(TUESDAY, 9))
    screen = open_calendar(qtbot, ctx, clinic.ana, day=TUESDAY)
    column = column_of(screen, clinic.ana.staff_id, TUESDAY)
    screen.grid.setFocus()
    screen.grid.select(column, 9 * 60)

    qtbot.keyClick(screen.grid, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    [menu] = menus
    menu.entries["no_show"].trigger()

    assert screen.grid.appointment_at(column, 9 * 60).visit_status == "no_show"
    assert "No-show" in screen.grid.accessibleDescription()
    qtbot.keyClick(screen.grid, Qt.Key.Key_Menu)
    assert len(menus) == 2 and menus[1].entries["no_show"].isChecked()


def test_a_session_that_has_not_begun_cannot_be_marked_attended(qtbot, ctx, clinic, menus):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(TUESDAY, 11))
    screen = open_calendar(qtbot, ctx, clinic.scheduler, day=TUESDAY)
    column = column_of(screen, clinic.ana.staff_id, TUESDAY)
    screen.grid.select(column, 11 * 60)
    screen.grid.request_menu(None)
    menus[0].entries["attended"].trigger()

    assert "has not started yet" in screen.problem.text()
    assert screen.grid.appointment_at(column, 11 * 60).visit_status == "scheduled"


def test_a_provider_cannot_record_the_status_of_a_colleagues_session(qtbot, ctx, clinic, menus):
    book(ctx, clinic.scheduler, clinic.ben.staff_id, clinic.lee, at(TUESDAY, 9))
    screen = open_calendar(qtbot, ctx, clinic.ana, day=TUESDAY)
    screen.show_providers(None)
    column = column_of(screen, clinic.ben.staff_id, TUESDAY)
    screen.grid.select(column, 9 * 60)
    screen.grid.request_menu(None)

    [menu] = menus
    assert not any(action.isEnabled() for action in menu.entries.values())
    assert "record you cannot see" in menu.entries["attended"].toolTip()


def test_the_appointments_tab_records_a_status_and_counts_missed_sessions(
    qtbot, ctx, clinic, menus
):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(TUESDAY, 9))
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(date(2025, 3, 6), 9))
    window = open_profile(qtbot, ctx, clinic.scheduler, clinic.kim, tab="appointments")
    tab = window.appointments_tab
    tab.load()
    assert tab.counts.text() == "No missed sessions."
    assert not tab.status_button.isEnabled()  # nothing selected yet

    tab.table.setFocus()
    tab.table.selectRow(0)
    assert tab.status_button.isEnabled()
    qtbot.keyClick(tab.status_button, Qt.Key.Key_Space)
    menus[0].entries["no_show"].trigger()
    tab = window.appointments_tab
    if tab.stale:
        tab.load()
    assert tab.model.text(tab.model.appointment(0), 4) == "No-show"
    assert tab.counts.text() == "Missed sessions: 1 no-show · 0 late cancels."

    tab.table.selectRow(1)
    tab.open_status_menu(None)
    menus[1].entries["late_cancel"].trigger()
    if tab.stale:
        tab.load()
    assert tab.model.text(tab.model.appointment(1), 4) == "Late cancel"
    assert tab.counts.text() == "Missed sessions: 1 no-show · 1 late cancel."
    assert window.facts_label.text().endswith("· 1 no-show · 1 late cancel")
