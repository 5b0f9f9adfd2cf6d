"""The booking form (R7, R10): the client search starts filtered to the provider's clients, the
alert names a provider new to the client and saving links them, double bookings are refused
in plain words, and a series lists its clashing dates before anything is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QStandardItemModel

from desktop.services import scheduling
from desktop.views.calendar.booking_dialog import CHOOSE_CLIENT, BookingDialog

from . import test_calendar_screen as calendar
from .test_calendar_screen import WEDNESDAY, at, book, booked, choose_client

#: the practice of the calendar tests (a pytest fixture).
clinic = calendar.clinic

TUESDAY = date(2025, 3, 4)


def open_booking(qtbot, ctx, principal, **prefill) -> BookingDialog:
    dialog = BookingDialog(ctx, principal, **prefill)
    qtbot.addWidget(dialog)
    return dialog


def on_list(ctx, principal, provider_id) -> list[str]:
    choices = scheduling.search_clients_for_booking(
        ctx.uow(), principal, provider_id, "", all_clients=False
    )
    return [c.display_name for c in choices]


def test_the_client_search_starts_filtered_and_the_toggle_widens_it(qtbot, ctx, clinic):
    dialog = open_booking(qtbot, ctx, clinic.scheduler, provider_id=clinic.ana.staff_id)

    assert not dialog.client_search.widen.isChecked()
    assert dialog.client_search.names() == ["Kim Chen"]
    assert "Ana Castillo's clients" in dialog.client_search.scope_label.text()
    dialog.client_search.widen.setChecked(True)
    assert dialog.client_search.names() == ["Kim Chen", "Lee Park"]
    assert dialog.client_search.widen.text() == "Show &all clients of the practice"
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == CHOOSE_CLIENT


def test_the_alert_names_the_new_provider_and_saving_links_the_client(qtbot, ctx, clinic):
    dialog = open_booking(
        qtbot, ctx, clinic.scheduler, provider_id=clinic.ana.staff_id, starts_at=at(WEDNESDAY, 14)
    )
    assert dialog.alert.text() == ""
    dialog.client_search.widen.setChecked(True)
    choose_client(dialog, "Park")

    assert not dialog.alert.isHidden()
    assert "Lee Park is not yet a client of Ana Castillo" in dialog.alert.text()
    assert dialog.alert.accessibleDescription() == dialog.alert.text()
    assert "Lee Park" not in on_list(ctx, clinic.scheduler, clinic.ana.staff_id)

    dialog.submit()

    assert dialog.booking is not None
    assert dialog.booking.new_link_provider_name == "Ana Castillo"
    assert "Park, Lee" in on_list(ctx, clinic.scheduler, clinic.ana.staff_id)
    [appointment] = booked(ctx, clinic.scheduler, clinic.ana.staff_id)
    assert appointment.pos_code == "11"


def test_a_client_already_on_the_list_shows_no_alert(qtbot, ctx, clinic):
    dialog = open_booking(qtbot, ctx, clinic.scheduler, provider_id=clinic.ana.staff_id)
    choose_client(dialog, "Chen")
    assert dialog.alert.isHidden()
    assert dialog.ok_button.isEnabled()


def test_a_double_booking_shows_the_clear_message_and_books_nothing(qtbot, ctx, clinic):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 10))
    dialog = open_booking(
        qtbot,
        ctx,
        clinic.scheduler,
        provider_id=clinic.ana.staff_id,
        starts_at=at(WEDNESDAY, 10, 30),
        client=(clinic.kim, "Kim Chen"),
    )

    dialog.submit()

    assert dialog.booking is None
    assert dialog.result() == 0
    assert dialog.message.text() == (
        "Ana Castillo already has an appointment from 10:00 to 10:50 on Wed 5 Mar; "
        "nothing was booked."
    )
    assert "Traceback" not in dialog.message.text()
    assert len(booked(ctx, clinic.scheduler, clinic.ana.staff_id)) == 1


def test_a_weekly_repeat_lists_its_clashing_dates_before_saving(qtbot, ctx, clinic):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.lee, at(date(2025, 3, 11), 10))
    dialog = open_booking(
        qtbot,
        ctx,
        clinic.scheduler,
        provider_id=clinic.ana.staff_id,
        starts_at=at(TUESDAY, 10),
        client=(clinic.kim, "Kim Chen"),
    )
    dialog.repeat.kind.setCurrentText("Every week")
    dialog.repeat.count.setValue(4)
    dialog.refresh_preview()

    model = dialog.repeat.model
    assert model.rowCount() == 4
    assert [model.index(row, 0).data() for row in range(4)] == [
        "Tue 4 Mar 2025, 10:00",
        "Tue 11 Mar 2025, 10:00",
        "Tue 18 Mar 2025, 10:00",
        "Tue 25 Mar 2025, 10:00",
    ]
    assert model.index(0, 1).data() == "Free"
    assert model.index(1, 1).data().startswith("Clash: Ana Castillo already has an appointment")
    assert dialog.repeat.summary.text().startswith("1 of 4 dates clash")

    dialog.submit()  # without skipping: nothing is booked
    assert dialog.booking is None
    assert "1 of 4 dates clash" in dialog.message.text()
    assert len(booked(ctx, clinic.scheduler, clinic.ana.staff_id, TUESDAY, days=28)) == 1

    dialog.repeat.skip.setChecked(True)
    dialog.submit()
    assert len(dialog.booking.appointments) == 3
    assert len(dialog.booking.skipped) == 1
    assert len(booked(ctx, clinic.scheduler, clinic.ana.staff_id, TUESDAY, days=28)) == 4


def test_booking_from_a_client_profile_offers_any_provider(qtbot, ctx, clinic):
    dialog = open_booking(qtbot, ctx, clinic.scheduler, client=(clinic.lee, "Lee Park"))
    model = dialog.provider.model()
    assert isinstance(model, QStandardItemModel)
    assert all(model.item(row).isEnabled() for row in range(model.rowCount()))
    dialog.choose_provider(clinic.ana.staff_id)
    assert "Ana Castillo" in dialog.alert.text()
    assert dialog.client_search.chosen == (clinic.lee, "Lee Park")


def test_a_provider_cannot_choose_a_colleagues_calendar(qtbot, ctx, clinic):
    dialog = open_booking(qtbot, ctx, clinic.ana, client=(clinic.kim, "Kim Chen"))
    model = dialog.provider.model()
    names = {model.item(row).text(): model.item(row) for row in range(model.rowCount())}
    assert names["Ana Castillo"].isEnabled()
    assert not names["Ben Adeyemi"].isEnabled()
    assert "own calendar" in names["Ben Adeyemi"].toolTip()  # R10, in plain words
    assert dialog.chosen_provider().name == "Ana Castillo"


def test_a_client_booked_with_another_provider_at_that_time_is_named_and_booked_only_anyway(
    qtbot, ctx, clinic
):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 10))
    dialog = open_booking(
        qtbot, ctx, clinic.scheduler, provider_id=clinic.ben.staff_id, starts_at=at(WEDNESDAY, 10)
    )
    dialog.client_search.widen.setChecked(True)
    choose_client(dialog, "Chen")
    dialog.update_overlaps()
    assert dialog.overlap.isVisibleTo(dialog)
    assert dialog.overlap.text() == (
        "Kim Chen already has an appointment with Ana Castillo on Wed 5 Mar 2025, 10:00–10:50."
    )
    dialog.submit()
    assert "Book anyway" in dialog.message.text()
    assert booked(ctx, clinic.scheduler, clinic.ben.staff_id) == []

    dialog.overlap.book_anyway.setChecked(True)
    dialog.submit()
    assert dialog.booking is not None
    assert [a.client_name for a in booked(ctx, clinic.scheduler, clinic.ben.staff_id)] == [
        "Kim Chen"
    ]


def test_moving_the_time_away_from_the_other_appointment_clears_the_warning(qtbot, ctx, clinic):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(WEDNESDAY, 10))
    dialog = open_booking(
        qtbot, ctx, clinic.scheduler, provider_id=clinic.ben.staff_id, starts_at=at(WEDNESDAY, 10)
    )
    dialog.client_search.widen.setChecked(True)
    choose_client(dialog, "Chen")
    dialog.update_overlaps()
    assert dialog.overlap.isVisibleTo(dialog)
    dialog.start_time.setTime(dialog.start_time.time().addSecs(3600))
    dialog.update_overlaps()
    assert not dialog.overlap.isVisibleTo(dialog)
