"""Emergency access from the button to the banner to the report (R18): a provider finds a client
who is not theirs, gives a reason, reads the chart under a red banner with the time left, the
access runs out with the clock, and the Owner reviews the use in the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from desktop.app import AppContext
from desktop.services import emergency, notifications
from desktop.services.principal import Principal, Role
from desktop.views.emergency_report_dialog import EmergencyReportDialog
from desktop.views.emergency_settings_section import EmergencySettingsDialog

from .conftest import on_server
from .people_context import PeopleContext
from .test_client_profile import click, new_client, open_profile, signed_note, tick
from .test_clients_screen import open_clients


def time_passes(ctx: AppContext, delta: timedelta) -> None:
    """The workstation's clock moves on by `delta`. A server keeps its own time, which no test
    moves: there the emergency accesses are made `delta` older instead (as IT), so that the
    server finds an access's time up when the workstation does."""
    ctx.clock.advance(delta)
    if on_server(ctx):
        with ctx.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE emergency_accesses"
                    " SET opened_at = opened_at - :delta, expires_at = expires_at - :delta"
                ),
                {"delta": delta},
            )


def notes_the_server_shows(ctx: PeopleContext, principal: Principal, client_id: int) -> int:
    """How many of the client's chart notes the person's own login reads (the server's rules)."""
    with ctx.person_engines[principal.email].connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM chart_notes WHERE client_id = :client"),
            {"client": client_id},
        ).scalar_one()


@pytest.mark.server_time
def test_R18_from_the_button_to_the_banner_to_the_report(qtbot, ctx, owner, add_member):
    """The whole use, on the workstation's clock; on a server the clock starts at the server's
    time, and the server too opens the chart for the hour and closes it when the hour is up."""
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="provider")
    _m, cal = add_member("Cal Moreno", Role.PROVIDER)
    amelia = new_client(ctx, ana, "Amelia", "Abbott")
    signed_note(ctx, ana, amelia, body="Safety plan: call her sister.")
    signed_note(ctx, ana, amelia, kind="private", body="Private formulation.")

    screen = open_clients(qtbot, ctx, cal)
    assert screen.emergency_button.isVisible()
    opened = []
    screen.client_activated.connect(opened.append)
    click(qtbot, screen.emergency_button)
    dialog = screen.current_dialog
    assert "private psychotherapy notes" in dialog.warning.text()
    assert "one hour" in dialog.warning.text()

    # Nothing typed: every problem at once, nothing opened.
    click(qtbot, dialog.ok_button)
    assert dialog.client_field.error.isVisible()
    assert dialog.reason_field.error.isVisible()
    assert dialog.confirm_field.error.isVisible()
    assert emergency.current_emergency_access(ctx.uow(), cal, amelia) is None

    qtbot.keyClicks(dialog.search, "amel abb")
    dialog.find()
    assert dialog.results.count() == 1
    assert dialog.results.item(0).text() == "Amelia Abbott — born 12 Mar 1984"
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "   ")
    tick(qtbot, dialog.confirm)
    click(qtbot, dialog.ok_button)
    assert "reason" in dialog.reason_field.error.text()
    qtbot.keyClicks(dialog.reason, "Client in crisis, Ana is away")
    click(qtbot, dialog.ok_button)
    assert opened == [amelia]

    window = open_profile(qtbot, ctx, cal, amelia, tab="records")
    banner = window.emergency_banner
    assert banner.isVisible()
    assert banner.text().startswith("Emergency access · 1 hour left")
    assert "Client in crisis, Ana is away" in banner.reason.text()
    shown = {
        key: window.tabs.isTabVisible(window.tabs.indexOf(p)) for key, p in window.pages.items()
    }
    assert shown == {
        "profile": True,
        "appointments": False,
        "records": True,
        "docs": True,
        "billing": False,
    }
    # Read only: the profile cannot be saved, no file can be added (R18 opens reading only).
    window.show_tab("profile")
    assert not window.profile_tab.save_button.isEnabled()
    window.show_tab("docs")
    assert not window.docs_tab.add_button.isEnabled()
    window.show_tab("records")
    (chart,) = window.records_tab.records.charts
    assert [n.body for n in chart.notes] == ["Safety plan: call her sister."]
    assert chart.private_notes is None
    if on_server(ctx):  # the server itself opens the chart to Cal's login, not only the screen
        assert notes_the_server_shows(ctx, cal, amelia) == 1
    (notice,) = notifications.notices_for(ctx.uow(), ana)
    assert "Cal Moreno opened Amelia Abbott's records" in notice.message

    time_passes(ctx, timedelta(minutes=45))
    window.tick_emergency()
    assert banner.text().startswith("Emergency access · 15 minutes left")
    time_passes(ctx, timedelta(minutes=15))
    window.tick_emergency()
    assert not banner.isVisible()
    assert window.stack.currentWidget() is window.unavailable
    if on_server(ctx):  # and the server has closed it again
        assert notes_the_server_shows(ctx, cal, amelia) == 0

    report = EmergencyReportDialog(ctx, owner)
    qtbot.addWidget(report)
    report.show()
    assert report.table.rowCount() == 1
    texts = [report.table.item(0, column).text() for column in range(report.table.columnCount())]
    assert texts[1:4] == ["Cal Moreno", "Amelia Abbott", "Client in crisis, Ana is away"]
    assert texts[4].startswith("Time ran out")
    assert texts[6] == "Not reviewed"
    reads = [report.reads.item(row).text() for row in range(report.reads.count())]
    assert any("Profile" in text for text in reads)
    assert any("Ana Castillo's chart: 1 note, 0 documents" in text for text in reads)
    click(qtbot, report.ok_button)
    assert report.table.item(0, 6).text().startswith("Reviewed by ")
    assert not report.ok_button.isEnabled()
    tick(qtbot, report.unreviewed_only)
    assert report.table.rowCount() == 0


@pytest.mark.server_time
def test_R18_the_person_ends_the_access_from_the_banner(qtbot, ctx, owner, add_member):
    """Ending it from the banner closes the records at once (on a server, opened at its time)."""
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="provider")
    _m, cal = add_member("Cal Moreno", Role.PROVIDER)
    amelia = new_client(ctx, ana, "Amelia", "Abbott")
    emergency.open_emergency_access(ctx.uow(), cal, amelia, "Client in crisis")
    window = open_profile(qtbot, ctx, cal, amelia)
    assert window.emergency_banner.isVisible()
    click(qtbot, window.emergency_banner.end_button)
    assert not window.emergency_banner.isVisible()
    assert window.stack.currentWidget() is window.unavailable
    assert emergency.current_emergency_access(ctx.uow(), cal, amelia) is None


def test_R18_a_scheduler_is_not_offered_emergency_access_by_default(qtbot, ctx, add_member):
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    screen = open_clients(qtbot, ctx, desk)
    assert not screen.emergency_button.isVisibleTo(screen)


def test_R18_the_owner_names_who_may_use_it(qtbot, ctx, owner, add_member):
    member, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    dialog = EmergencySettingsDialog(ctx, owner)
    qtbot.addWidget(dialog)
    dialog.show()
    section = dialog.section
    assert section.role_boxes[Role.PROVIDER].isChecked()
    assert section.minutes.value() == 60
    section.role_boxes[Role.PROVIDER].setChecked(False)
    row = next(
        r for r in range(section.people.count()) if section.people.item(r).text() == "Jordan Ellis"
    )
    section.people.item(row).setCheckState(Qt.CheckState.Checked)
    section.minutes.setValue(30)
    click(qtbot, dialog.ok_button)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert emergency.emergency_allowed(ctx.uow(), desk)
    assert emergency.emergency_minutes(ctx.uow(), desk) == 30
    screen = open_clients(qtbot, ctx, desk)
    assert screen.emergency_button.isVisible()


@pytest.mark.server_time
def test_R18_the_dialog_is_walked_by_keyboard(qtbot, ctx, owner, add_member):
    """Search, Enter, Tab to the reason, the box, Enter: the access opens (on a server, at its
    time)."""
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="provider")
    _m, cal = add_member("Cal Moreno", Role.PROVIDER)
    amelia = new_client(ctx, ana, "Amelia", "Abbott")
    screen = open_clients(qtbot, ctx, cal)
    screen.open_emergency_access()
    dialog = screen.current_dialog
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.search.hasFocus, timeout=2000)
    qtbot.keyClicks(dialog.search, "Amelia")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # finds, and goes to the list
    assert dialog.results.count() == 1
    assert dialog.results.hasFocus()
    assert not dialog.reason_field.error.isVisible()  # Enter did not try to open anything
    qtbot.keyClick(dialog.results, Qt.Key.Key_Tab)
    assert dialog.reason.hasFocus()
    qtbot.keyClicks(dialog.reason, "Client in crisis")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    assert dialog.confirm.hasFocus()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Space)
    assert dialog.confirm.isChecked()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert dialog.access is not None and dialog.access.client_id == amelia
