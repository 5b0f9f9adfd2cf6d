"""Find Availability: open slots for the chosen therapist and client over a date range; choosing
one opens the booking form prefilled; an empty period says so."""

from __future__ import annotations

from datetime import time

from desktop.services import availability
from desktop.views.calendar.booking_dialog import BookingDialog
from desktop.views.calendar.find_availability_dialog import NO_SLOTS, FindAvailabilityDialog

from . import test_calendar_screen as calendar
from .test_calendar_screen import R10_COLLEAGUE, WEDNESDAY, at, book

#: the practice of the calendar tests, and the stand-in for running dialogs (pytest fixtures).
clinic = calendar.clinic
dialogs = calendar.dialogs


def mornings(ctx, principal, provider_id) -> None:
    hours = [(weekday, time(9), time(12)) for weekday in range(5)]
    availability.set_weekly_hours(ctx.uow(), principal, provider_id, hours)


def open_find(qtbot, ctx, principal, **filters) -> FindAvailabilityDialog:
    dialog = FindAvailabilityDialog(ctx, principal, first_day=WEDNESDAY, **filters)
    qtbot.addWidget(dialog)
    return dialog


def test_find_availability_lists_slots_and_choosing_one_prefills_the_booking_form(
    qtbot, ctx, clinic, dialogs
):
    mornings(ctx, clinic.scheduler, clinic.ana.staff_id)
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 9))
    dialog = open_find(
        qtbot,
        ctx,
        clinic.scheduler,
        client=(clinic.lee, "Lee Park"),
        provider_ids=[clinic.ana.staff_id],
    )

    model = dialog.model
    assert model.rowCount() > 0
    assert [model.index(0, column).data() for column in range(3)] == [
        "Wed 5 Mar 2025",
        "10:00–10:50",
        "Ana Castillo",
    ]
    assert dialog.ok_button.isEnabled()
    dialog.choose_row(1)

    dialog.submit()

    [booking] = dialogs.opened
    assert isinstance(booking, BookingDialog)
    assert booking.chosen_provider().name == "Ana Castillo"
    assert booking.starts_at() == at(WEDNESDAY, 10, 15)
    assert booking.duration.value() == 50
    assert booking.client_search.chosen == (clinic.lee, "Lee Park")
    assert "Lee Park is not yet a client of Ana Castillo" in booking.alert.text()


def test_an_empty_period_says_there_are_no_open_slots(qtbot, ctx, clinic):
    dialog = open_find(qtbot, ctx, clinic.scheduler, provider_ids=[clinic.ben.staff_id])
    assert dialog.model.rowCount() == 0
    assert dialog.stack.currentWidget() is dialog.empty
    assert dialog.empty.title.text() == NO_SLOTS == "No open slots in this period"
    assert not dialog.ok_button.isEnabled()


def test_a_provider_finds_a_colleagues_slot_but_cannot_book_it(qtbot, ctx, clinic):
    mornings(ctx, clinic.ben, clinic.ben.staff_id)
    dialog = open_find(qtbot, ctx, clinic.ana, provider_ids=[clinic.ben.staff_id])
    assert dialog.model.rowCount() > 0
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == R10_COLLEAGUE
