"""Find Availability: open slots for the chosen therapist and client over a date range; choosing
one opens the booking form prefilled; an empty period says so."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt

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
    day = model.index(0, 0)
    assert day.data() == "Wed 5 Mar 2025 · Ana Castillo — 2 open slots"
    # at the appointment's length after the 9:00 booking, inside 9:00-12:00
    assert [model.index(r, 0, day).data() for r in range(2)] == ["09:50–10:40", "10:40–11:30"]
    assert dialog.ok_button.isEnabled()
    dialog.choose_row(1)

    dialog.submit()

    [booking] = dialogs.opened
    assert isinstance(booking, BookingDialog)
    assert booking.chosen_provider().name == "Ana Castillo"
    assert booking.starts_at() == at(WEDNESDAY, 10, 40)
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


def test_slots_are_grouped_by_day_then_therapist_and_do_not_overlap(qtbot, ctx, clinic):
    mornings(ctx, clinic.scheduler, clinic.ana.staff_id)
    mornings(ctx, clinic.scheduler, clinic.ben.staff_id)
    dialog = open_find(
        qtbot, ctx, clinic.scheduler, provider_ids=[clinic.ana.staff_id, clinic.ben.staff_id]
    )
    model = dialog.model
    groups = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert groups[:4] == [
        "Wed 5 Mar 2025 · Ana Castillo — 3 open slots",
        "Wed 5 Mar 2025 · Ben Adeyemi — 3 open slots",
        "Thu 6 Mar 2025 · Ana Castillo — 3 open slots",
        "Thu 6 Mar 2025 · Ben Adeyemi — 3 open slots",
    ]
    for slots in _by_provider_and_day(model.slots).values():
        for earlier, later in zip(slots, slots[1:], strict=False):
            assert earlier.ends_at <= later.starts_at  # one after another, no overlap
    dialog.duration.setValue(30)
    dialog.search()
    assert model.index(0, 0).data() == "Wed 5 Mar 2025 · Ana Castillo — 6 open slots"


def _by_provider_and_day(slots):
    found = {}
    for slot in slots:
        found.setdefault((slot.provider_id, slot.starts_at.date()), []).append(slot)
    return found


def test_choosing_a_client_keeps_the_filters_where_they_are(qtbot, ctx, clinic):
    dialog = open_find(qtbot, ctx, clinic.scheduler)
    dialog.show()
    qtbot.waitExposed(dialog)
    therapists = dialog.therapists
    before = therapists.mapTo(dialog, therapists.rect().topLeft())
    qtbot.keyClicks(dialog.client_filter.search, "Lee")
    dialog.client_filter.refresh()
    assert dialog.client_filter.matches.isVisible()
    qtbot.wait(20)
    assert therapists.mapTo(dialog, therapists.rect().topLeft()) == before  # while choosing
    qtbot.keyClick(dialog.client_filter.search, Qt.Key.Key_Return)  # the first match
    assert dialog.client_filter.chosen == (clinic.lee, "Lee Park")
    qtbot.wait(20)
    assert therapists.mapTo(dialog, therapists.rect().topLeft()) == before  # once chosen
