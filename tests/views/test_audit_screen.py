"""The Audit screen (R13): entries for the Owner and Record Custodians, the reason for others."""

from __future__ import annotations

import csv
import stat
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select, text

from desktop.app import AppContext
from desktop.db.tables import AuditEvent
from desktop.models import audit_model
from desktop.services import audit, audit_query, auth, sharing
from desktop.services.audit import Action
from desktop.services.errors import SignInRefused
from desktop.services.principal import Role
from desktop.views.audit_screen import AuditScreen
from tests.services.factories import make_client

from .conftest import OWNER_NAME, PRACTICE_ZONE, on_server, server_now

R13 = "Only the Owner or a Record Custodian can read the audit trail."


def open_audit(qtbot, ctx, principal) -> AuditScreen:
    screen = AuditScreen(ctx, principal, PRACTICE_ZONE)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def stamped(ctx: AppContext, seq: int) -> str:
    """When entry `seq` was stamped, read as IT and written as the screen shows it (the practice's
    time): the test's clock on the embedded file; on a server, the server's own time."""
    with ctx.engine.connect() as connection:
        when = connection.execute(
            select(AuditEvent.occurred_at).where(AuditEvent.seq == seq)
        ).scalar_one()
    if on_server(ctx):  # the server stamps its own time, whatever the workstation's clock says
        assert abs(server_now(ctx.engine) - when) < timedelta(minutes=5)
    else:
        assert when == ctx.clock.now()
    return when.astimezone(ZoneInfo(PRACTICE_ZONE)).strftime("%Y-%m-%d %H:%M:%S")


def rows(screen: AuditScreen) -> list[list[str]]:
    model = screen.model
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_the_owner_sees_the_latest_entries_in_the_practice_time(qtbot, ctx, owner, add_member):
    """Newest first, in the practice's time zone: at the test's clock on the embedded file, at
    the time the server stamped on a server (IT set the practice up there: no one signed in)."""
    add_member("Dr. Maya Okafor", Role.PROVIDER, records_owner="provider")
    screen = open_audit(qtbot, ctx, owner)

    assert screen.table.isVisible() and not screen.refusal.isVisible()
    table = rows(screen)
    # newest first: Maya's sign-in, her addition, the Owner's sign-in, the practice set up
    assert [row[audit_model.ACTION] for row in table] == [
        "Signed in",
        "Staff added",
        "Signed in",
        "Practice set up",
    ]
    added = table[1]
    assert added[audit_model.WHO] == OWNER_NAME
    assert added[audit_model.DETAILS] == (
        "Dr. Maya Okafor: Provider; records owned by the provider"
    )
    assert added[audit_model.WORKSTATION] == "FRONT-DESK-1"
    assert added[audit_model.TIME] == stamped(ctx, screen.model.row(1).entry.seq)
    if not on_server(ctx):  # the test clock says 15:00 UTC on 4 March 2025: 10:00 in Toronto
        assert added[audit_model.TIME] == "2025-03-04 10:00:00"
    assert "America/Toronto" in screen.count_label.text()


def test_a_refused_sign_in_names_the_typed_email(qtbot, ctx, owner):
    try:
        auth.sign_in(ctx.uow(), ctx.passwords, "nobody@riverside.example", "guess", "KIOSK")
    except SignInRefused:
        pass
    screen = open_audit(qtbot, ctx, owner)
    newest = rows(screen)[0]
    assert newest[audit_model.ACTION] == "Sign-in refused"
    assert newest[audit_model.WHO] == "nobody@riverside.example"
    assert newest[audit_model.DETAILS] == "Unknown email"
    assert newest[audit_model.WORKSTATION] == "KIOSK"


def test_refresh_shows_what_happened_since(qtbot, ctx, owner, add_member):
    screen = open_audit(qtbot, ctx, owner)
    before = screen.model.rowCount()
    add_member("Sam Lee", Role.SCHEDULER)
    qtbot.mouseClick(screen.refresh_button, Qt.MouseButton.LeftButton)
    assert screen.model.rowCount() == before + 2


def test_a_record_custodian_reads_the_audit_trail(qtbot, ctx, add_member):
    _member, custodian = add_member("Priya Raman", Role.RECORD_CUSTODIAN)
    screen = open_audit(qtbot, ctx, custodian)
    assert screen.allowed
    assert screen.model.rowCount() > 0


def test_a_scheduler_is_told_why_and_reads_nothing(qtbot, ctx, add_member):
    _member, scheduler = add_member("Sam Lee", Role.SCHEDULER)
    screen = open_audit(qtbot, ctx, scheduler)

    assert not screen.allowed
    assert screen.refusal.isVisible()
    assert not screen.table.isVisible()
    assert R13 in screen.refusal.text.text()
    assert screen.model.rowCount() == 0
    screen.refresh()
    assert screen.model.rowCount() == 0


# -- filters, sorting, paging, details, export, verify ------------------------------------------


@pytest.fixture
def shared_world(ctx, owner, add_member):
    """Ana shared her chart of Amelia Abbott with Ben, and of Kim Chen too."""
    _a, ana = add_member("Ana Castillo", Role.PROVIDER)
    _b, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    amelia = make_client(ctx.uow(), "Amelia", "Abbott", ana.staff_id)
    kim = make_client(ctx.uow(), "Kim", "Chen", ana.staff_id)
    sharing.start_chart_share(ctx.uow(), ana, amelia, ana.staff_id, ben.staff_id)
    sharing.start_chart_share(ctx.uow(), ana, kim, ana.staff_id, ben.staff_id)
    return {"ana": ana, "ben": ben, "amelia": amelia, "kim": kim}


def type_into(qtbot, field, words: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, words)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def column(screen: AuditScreen, which: int) -> list[str]:
    return [row[which] for row in rows(screen)]


def test_a_client_typed_by_name_shows_only_their_entries_in_plain_words(
    qtbot, ctx, owner, shared_world
):
    screen = open_audit(qtbot, ctx, owner)
    type_into(qtbot, screen.filters.client, "Abbott")

    assert set(column(screen, audit_model.CLIENT)) == {"Amelia Abbott"}
    assert column(screen, audit_model.ACTION) == [
        "Chart share started",
        "Added to a provider's list",
    ]
    assert column(screen, audit_model.WHAT)[0] == (
        "Ana Castillo shared their chart of Amelia Abbott with Ben Adeyemi, without private notes."
    )
    assert screen.count_label.text().startswith("2 entries.")
    type_into(qtbot, screen.filters.client, "Nobody Here")
    assert rows(screen) == []
    assert "No client's name matches" in screen.count_label.text()


def test_person_action_and_workstation_filters_combine(qtbot, ctx, owner, shared_world):
    screen = open_audit(qtbot, ctx, owner)
    filters = screen.filters
    filters.person.setCurrentIndex(filters.person.findText("Ana Castillo"))
    assert set(column(screen, audit_model.WHO)) == {"Ana Castillo"}
    assert "Signed in" in column(screen, audit_model.ACTION)
    filters.action.setCurrentIndex(filters.action.findText("Chart share started"))
    assert column(screen, audit_model.CLIENT) == ["Kim Chen", "Amelia Abbott"]
    type_into(qtbot, filters.workstation, "ELSEWHERE")
    assert rows(screen) == [] and "No entries match" in screen.count_label.text()
    qtbot.mouseClick(filters.clear, Qt.MouseButton.LeftButton)
    assert len(rows(screen)) > 5 and filters.person.currentText() == "Anyone"


@pytest.mark.server_time
def test_a_period_in_the_practice_time_zone(qtbot, ctx, owner, shared_world):
    """The period is of days in the practice's time zone, up to today by the workstation's
    clock (on a server, the server's time: what it stamped is today's)."""
    screen = open_audit(qtbot, ctx, owner)
    filters = screen.filters
    every = len(rows(screen))
    filters.period.setChecked(True)  # the last 30 days up to today: everything so far
    assert len(rows(screen)) == every
    filters.start.setDate(filters.end.date().addDays(1))
    filters.end.setDate(filters.end.date().addDays(5))
    filters.end.editingFinished.emit()
    assert rows(screen) == []


def test_clicking_a_column_title_sorts_by_it_in_the_database(qtbot, ctx, owner, shared_world):
    with ctx.uow() as work:
        for place in ("ZED-9", "ALPHA-1"):
            audit.record(work, owner, Action.BILLING_VIEWED, workstation=place)
        work.commit()
    screen = open_audit(qtbot, ctx, owner)
    header = screen.table.horizontalHeader()
    header.setSortIndicator(audit_model.WORKSTATION, Qt.SortOrder.AscendingOrder)
    places = column(screen, audit_model.WORKSTATION)
    assert places == sorted(places) and places[0] == "ALPHA-1"
    header.setSortIndicator(audit_model.WORKSTATION, Qt.SortOrder.DescendingOrder)
    assert column(screen, audit_model.WORKSTATION)[0] == "ZED-9"
    header.setSortIndicator(audit_model.TIME, Qt.SortOrder.AscendingOrder)
    assert column(screen, audit_model.ACTION)[0] == "Practice set up"
    before = rows(screen)
    header.setSortIndicator(audit_model.CLIENT, Qt.SortOrder.AscendingOrder)
    assert rows(screen) == before
    assert "type their name in Client" in screen.result.text()


def test_scrolling_down_reads_the_next_page(qtbot, ctx, owner):
    """Entries come a page at a time; scrolling to the end reads each entry once."""
    with ctx.uow() as work:
        for _ in range(230):
            audit.record(work, owner, Action.BILLING_VIEWED)
        work.commit()
    screen = open_audit(qtbot, ctx, owner)
    assert screen.model.rowCount() == audit_query.PAGE_SIZE and screen.model.has_more
    assert "scroll down for more" in screen.count_label.text()
    seen = set()
    while screen.model.canFetchMore():
        screen.table.scrollToBottom()
        screen.model.fetchMore()
    for row in range(screen.model.rowCount()):
        seen.add(screen.model.row(row).entry.seq)
    assert len(seen) == screen.model.rowCount() == 232  # and the Owner's sign-in, the set-up
    assert screen.count_label.text().startswith("232 entries.")


def test_the_chosen_entry_shows_its_details_and_keys_move_between_entries(
    qtbot, ctx, owner, shared_world
):
    """The chosen entry's details, its time in the practice's time zone (as stamped: by the test's
    clock on the embedded file, by the server on a server); Down moves to the next entry."""
    screen = open_audit(qtbot, ctx, owner)
    assert screen.details.text("What happened") == "Choose an entry to see its details."
    assert not screen.details.labels["Client"].isVisible()
    screen.table.setFocus()
    screen.table.selectionModel().setCurrentIndex(
        screen.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert screen.details.text("Client") == "Kim Chen"
    details = screen.details.text("Details").splitlines()
    assert "Private notes included: no" in details
    assert "From: Ana Castillo" in details and "To: Ben Adeyemi" in details
    when = stamped(ctx, screen.model.row(0).entry.seq)
    assert screen.details.text("When") == f"{when} ({PRACTICE_ZONE})"
    qtbot.keyClick(screen.table, Qt.Key.Key_Down)
    assert screen.details.text("Action") == "Added to a provider's list"
    assert screen.details.text("What happened") == (
        "Ana Castillo added Kim Chen to Ben Adeyemi's list."
    )


def test_export_writes_the_filtered_entries_to_an_owner_only_file(
    qtbot, ctx, owner, shared_world, tmp_path, monkeypatch
):
    screen = open_audit(qtbot, ctx, owner)
    type_into(qtbot, screen.filters.client, "Kim")
    target = tmp_path / "kim.csv"
    monkeypatch.setattr(screen, "choose_export_path", lambda: target)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert [row["what happened"] for row in exported] == column(screen, audit_model.WHAT)
    assert {row["client"] for row in exported} == {"Kim Chen"}
    assert "2 entries exported to kim.csv" in screen.result.text()


def tamper(ctx: AppContext, seq: int) -> None:
    """Change one entry the way someone with the database's own keys could."""
    with ctx.engine.begin() as connection:
        if ctx.engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        connection.execute(
            text("UPDATE audit_events SET workstation = 'ELSEWHERE' WHERE seq = :seq"),
            {"seq": seq},
        )


def test_verify_says_intact_then_names_the_first_bad_entry(qtbot, ctx, owner, shared_world):
    screen = open_audit(qtbot, ctx, owner)
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    assert not screen.verify_button.isEnabled()  # checked on a pool thread; the screen stays usable
    qtbot.waitUntil(lambda: screen.verify_button.isEnabled(), timeout=10_000)
    assert screen.result.text().startswith("The trail is intact: all ")
    tamper(ctx, 3)
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.verify_button.isEnabled(), timeout=10_000)
    assert "The first bad entry is number 3" in screen.problem.text()
    assert screen.last_verify is not None and screen.last_verify.first_bad_seq == 3
