"""The Calendar screen (R10, R7): booking from a free slot, who may book on whose column, the
keyboard, times across a daylight-saving change, and cancelling with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from desktop.services import availability, clients, scheduling
from desktop.services.clients import ClientDraft
from desktop.services.principal import Principal, Role
from desktop.views.calendar import common
from desktop.views.calendar.appointment_dialogs import (
    REASON_NEEDED,
    AppointmentDetailsDialog,
    CancelDialog,
    MoveDialog,
)
from desktop.views.calendar.availability_dialog import AvailabilityDialog
from desktop.views.calendar.booking_dialog import BookingDialog
from desktop.views.calendar.calendar_screen import CalendarScreen
from desktop.views.calendar.find_availability_dialog import FindAvailabilityDialog

from .conftest import PRACTICE_ZONE
from .test_main_window import unnamed_controls

ZONE = ZoneInfo(PRACTICE_ZONE)
#: Wednesday 5 March 2025, the day after the tests' "now"; clocks go forward on Sunday 9 March.
WEDNESDAY = date(2025, 3, 5)
R10_COLLEAGUE = (
    "You can book only on your own calendar. Ask the front desk to book with Ben Adeyemi."
)


@dataclass
class Practice:
    """Dana (Owner, provider), Ana and Ben (providers), Jordan (Scheduler); Kim Chen is on
    Ana's list, Lee Park on Ben's."""

    ana: Principal
    ben: Principal
    scheduler: Principal
    kim: int
    lee: int


@pytest.fixture
def clinic(ctx, add_member) -> Practice:
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    _m, scheduler = add_member("Jordan Ellis", Role.SCHEDULER)
    kim = clients.create_client(ctx.uow(), ana, ClientDraft(first_name="Kim", last_name="Chen"))
    lee = clients.create_client(ctx.uow(), ben, ClientDraft(first_name="Lee", last_name="Park"))
    return Practice(ana, ben, scheduler, kim.id, lee.id)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def book(ctx, principal, provider_id, client_id, start, minutes=50, repeat=None):
    request = scheduling.BookingRequest(provider_id, client_id, start, minutes, repeat=repeat)
    return scheduling.book_appointment(ctx.uow(), principal, request)


def booked(ctx, principal, provider_id, day=WEDNESDAY, days=1):
    return scheduling.appointments_between(
        ctx.uow(), principal, [provider_id], at(day, 0), at(day + timedelta(days=days), 0)
    )


class Dialogs:
    """Stands in for common.run_modal: records each dialog and lets the test drive it."""

    def __init__(self) -> None:
        self.opened: list = []
        self.drive = None


@pytest.fixture
def dialogs(monkeypatch) -> Dialogs:
    runner = Dialogs()
    monkeypatch.setattr(common, "run_modal", lambda dialog: _run(runner, dialog))
    return runner


def _run(runner: Dialogs, dialog) -> int:
    runner.opened.append(dialog)
    if runner.drive is not None:
        runner.drive(dialog)
    return dialog.result()


def choose_client(dialog: BookingDialog, text: str) -> None:
    dialog.client_search.search.setText(text)
    dialog.client_search.refresh()
    dialog.client_search.results.setCurrentRow(0)


def open_calendar(qtbot, ctx, principal, view="Day", day=WEDNESDAY) -> CalendarScreen:
    screen = CalendarScreen(ctx, principal)
    qtbot.addWidget(screen)
    screen.resize(1300, 900)
    screen.show()
    qtbot.waitExposed(screen)
    screen.set_view(view)
    screen.go_to(day)
    screen.grid.scroll_to_hour(8)
    return screen


def column_of(screen: CalendarScreen, provider_id: int, day: date = WEDNESDAY) -> int:
    for column in range(screen.grid.column_count):
        shown_day, provider = screen.grid.column_info(column)
        if provider.id == provider_id and shown_day == day:
            return column
    raise AssertionError("that provider is not shown")


def test_a_scheduler_books_for_a_provider_from_a_click_on_an_empty_slot(
    qtbot, ctx, clinic, dialogs
):
    screen = open_calendar(qtbot, ctx, clinic.scheduler)
    assert {p.name for p in screen.shown_providers()} >= {"Ana Castillo", "Ben Adeyemi"}

    def drive(dialog):
        if isinstance(dialog, BookingDialog):
            assert dialog.chosen_provider().name == "Ana Castillo"
            assert dialog.starts_at() == at(WEDNESDAY, 11)
            assert dialog.place.currentData() == "11"
            choose_client(dialog, "Chen")
            dialog.submit()

    dialogs.drive = drive
    point = screen.grid.slot_point(column_of(screen, clinic.ana.staff_id), 11 * 60)
    qtbot.mouseClick(screen.grid.viewport(), Qt.MouseButton.LeftButton, pos=point)

    assert len(dialogs.opened) == 1
    [appointment] = booked(ctx, clinic.scheduler, clinic.ana.staff_id)
    assert appointment.starts_at.astimezone(ZONE) == at(WEDNESDAY, 11)
    assert appointment.client_name == "Kim Chen"
    assert "Booked an appointment for Kim Chen with Ana Castillo" in screen.notice.text()
    assert screen.grid.appointment_at(column_of(screen, clinic.ana.staff_id), 11 * 60)


def test_a_provider_sees_their_own_calendar_and_book_disabled_on_a_colleagues_column(
    qtbot, ctx, clinic, dialogs
):
    screen = open_calendar(qtbot, ctx, clinic.ana)
    assert [p.name for p in screen.shown_providers()] == ["Ana Castillo"]
    screen.show_providers(None)

    point = screen.grid.slot_point(column_of(screen, clinic.ben.staff_id), 11 * 60)
    qtbot.mouseClick(screen.grid.viewport(), Qt.MouseButton.LeftButton, pos=point)

    assert dialogs.opened == []
    assert not screen.book_button.isEnabled()
    assert screen.book_button.toolTip() == R10_COLLEAGUE
    assert screen.problem.text() == R10_COLLEAGUE
    assert screen.grid.tooltip_at(point.x(), point.y()) == R10_COLLEAGUE
    own = screen.grid.slot_point(column_of(screen, clinic.ana.staff_id), 11 * 60)
    screen.grid.select(column_of(screen, clinic.ana.staff_id), 11 * 60)
    assert screen.book_button.isEnabled(), own


def test_arrow_keys_move_the_selected_slot_and_enter_books_it(qtbot, ctx, clinic, dialogs):
    screen = open_calendar(qtbot, ctx, clinic.scheduler)
    ana = column_of(screen, clinic.ana.staff_id)
    screen.grid.setFocus()
    screen.grid.select(ana, 9 * 60)
    qtbot.keyClick(screen.grid, Qt.Key.Key_Down)
    qtbot.keyClick(screen.grid, Qt.Key.Key_Down)
    qtbot.keyClick(screen.grid, Qt.Key.Key_Right)
    qtbot.keyClick(screen.grid, Qt.Key.Key_Left)
    assert screen.grid.selected == (ana, 9 * 60 + 30)
    assert "Ana Castillo" in screen.grid.accessibleDescription()

    qtbot.keyClick(screen.grid, Qt.Key.Key_Return)

    [dialog] = dialogs.opened
    assert dialog.chosen_provider().id == clinic.ana.staff_id
    assert dialog.starts_at() == at(WEDNESDAY, 9, 30)


def test_a_weekly_session_stays_on_its_row_across_the_change_to_summer_time(qtbot, ctx, clinic):
    rule = scheduling.RepeatRule("weekly", 1, count=2)
    book(ctx, clinic.ana, clinic.ana.staff_id, clinic.kim, at(date(2025, 3, 4), 10), repeat=rule)
    screen = open_calendar(qtbot, ctx, clinic.ana, view="Week", day=date(2025, 3, 4))

    assert screen.grid.appointment_at(column_of(screen, clinic.ana.staff_id, date(2025, 3, 4)), 600)
    screen.step(1)
    after = column_of(screen, clinic.ana.staff_id, date(2025, 3, 11))
    assert screen.grid.appointment_at(after, 10 * 60).client_name == "Kim Chen"
    assert screen.grid.appointment_at(after, 9 * 60) is None
    assert screen.grid.appointment_at(after, 11 * 60) is None


def test_cancelling_asks_for_a_reason(qtbot, ctx, clinic, dialogs):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 10))
    screen = open_calendar(qtbot, ctx, clinic.scheduler)
    seen = {}

    def drive(dialog):
        if isinstance(dialog, AppointmentDetailsDialog):
            assert dialog.cancel_appointment_button.isEnabled()
            dialog.open_cancel()
        elif isinstance(dialog, CancelDialog):
            seen["ok before"] = (dialog.ok_button.isEnabled(), dialog.ok_button.toolTip())
            dialog.submit()  # nothing typed yet: nothing happens
            seen["cancelled before"] = dialog.changed
            dialog.reason.setText("Client is unwell")
            dialog.submit()

    dialogs.drive = drive
    point = screen.grid.slot_point(column_of(screen, clinic.ana.staff_id), 10 * 60)
    qtbot.mouseDClick(screen.grid.viewport(), Qt.MouseButton.LeftButton, pos=point)

    assert seen["ok before"] == (False, REASON_NEEDED)
    assert seen["cancelled before"] == []
    assert booked(ctx, clinic.scheduler, clinic.ana.staff_id) == []
    assert "was cancelled" in screen.notice.text()


def test_a_colleagues_appointment_shows_busy_and_cannot_be_changed(qtbot, ctx, clinic, dialogs):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 10))
    screen = open_calendar(qtbot, ctx, clinic.ben)
    screen.show_providers(None)
    column = column_of(screen, clinic.ana.staff_id)
    assert screen.grid.appointment_at(column, 600).client_name == "Busy"

    def drive(dialog):
        assert not dialog.move_button.isEnabled()
        assert not dialog.cancel_appointment_button.isEnabled()
        assert "record you cannot see" in dialog.cancel_appointment_button.toolTip()  # R2

    dialogs.drive = drive
    screen.grid.select(column, 600)
    screen.grid.activate()
    assert len(dialogs.opened) == 1


def test_time_off_is_shaded_and_named(qtbot, ctx, clinic):
    availability.add_time_off(
        ctx.uow(), clinic.ana, clinic.ana.staff_id, at(WEDNESDAY, 13), at(WEDNESDAY, 15), "Training"
    )
    screen = open_calendar(qtbot, ctx, clinic.scheduler)
    point = screen.grid.slot_point(column_of(screen, clinic.ana.staff_id), 14 * 60)
    assert screen.grid.tooltip_at(point.x(), point.y()) == "Time off: Training"


def test_every_calendar_control_has_an_accessible_name(qtbot, ctx, clinic):
    result = book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 10))
    [appointment] = result.appointments
    tops = [
        CalendarScreen(ctx, clinic.scheduler),
        BookingDialog(ctx, clinic.scheduler),
        FindAvailabilityDialog(ctx, clinic.scheduler),
        AvailabilityDialog(ctx, clinic.scheduler),
        AppointmentDetailsDialog(ctx, clinic.scheduler, appointment, None, ZONE),
        CancelDialog(ctx, clinic.scheduler, appointment, ZONE),
        MoveDialog(ctx, clinic.scheduler, appointment, ZONE),
    ]
    for top in tops:
        qtbot.addWidget(top)
        assert unnamed_controls(top) == [], type(top).__name__
