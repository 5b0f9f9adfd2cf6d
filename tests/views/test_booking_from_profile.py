"""Booking from a client's Appointments tab (seed 001, option 4): the form starts with the
client's treating provider (or the signed-in provider) at their next open slot in working
hours; Enter does not book before the person has looked; the profile header shows the
booking's effect at once."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt

from desktop.services import clients, scheduling
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.calendar import common as calendar_common

from .test_client_profile import open_profile


def test_the_form_starts_with_the_treating_provider_at_their_next_open_slot(
    qtbot, ctx, owner, add_member, monkeypatch
):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    _m, _ben = add_member("Aaron Abel", Role.PROVIDER)  # first by name: not the default
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    scheduling.set_weekly_hours(ctx.uow(), owner, ana.staff_id, [(2, time(13), time(17))])
    felix = clients.create_client(
        ctx.uow(),
        desk,
        ClientDraft(first_name="Felix", last_name="Moreau"),
        treating_provider_id=ana.staff_id,
    ).id
    window = open_profile(qtbot, ctx, desk, felix, tab="appointments")
    tab = window.appointments_tab
    tab.load()
    dialog = tab.open_booking()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.provider.currentText() == "Ana Castillo"
    # Tuesday 10:00 now; Ana works on Wednesdays from 13:00.
    assert dialog.starts_at().strftime("%a %d %b %H:%M") == "Wed 05 Mar 13:00"
    assert dialog.focusWidget() is dialog.provider

    qtbot.keyClick(dialog.provider, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.day, Qt.Key.Key_Enter)
    assert dialog.booking is None and dialog.isVisible()  # Enter did not book


def test_a_provider_booking_a_client_without_a_treating_provider_is_chosen_first(
    qtbot, ctx, add_member
):
    _m, lee = add_member("Lee Zhang", Role.PROVIDER)
    _m, _abel = add_member("Aaron Abel", Role.PROVIDER)
    kim = clients.create_client(ctx.uow(), lee, ClientDraft(first_name="Kim", last_name="Chen"))
    window = open_profile(qtbot, ctx, lee, kim.id, tab="appointments")
    window.appointments_tab.load()
    dialog = window.appointments_tab.open_booking()
    qtbot.addWidget(dialog)
    assert dialog.provider.currentData() == lee.staff_id
    # No working hours: the next quarter hour of a usual working day (Tuesday 10:00 now).
    assert dialog.starts_at().strftime("%a %H:%M") == "Tue 10:15"


def test_after_booking_the_header_names_the_new_provider(
    qtbot, ctx, add_member, owner, monkeypatch
):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    felix = clients.create_client(
        ctx.uow(), desk, ClientDraft(first_name="Felix", last_name="Moreau")
    ).id
    window = open_profile(qtbot, ctx, desk, felix, tab="appointments")
    assert "Providers: none yet" in window.facts_label.text()

    def drive(dialog):
        dialog.choose_provider(ana.staff_id)
        dialog.submit()
        return dialog.result()

    monkeypatch.setattr(calendar_common, "run_modal", drive)
    window.appointments_tab.book_button.click()
    assert "Providers: Ana Castillo" in window.facts_label.text()
    assert window.banner.text().startswith("Booked an appointment for Felix Moreau with Ana")
    assert window.appointments_tab.model.rowCount() == 1
