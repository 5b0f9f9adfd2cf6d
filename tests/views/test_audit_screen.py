"""The Audit screen (R13): entries for the Owner and Record Custodians, the reason for others."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models import audit_model
from desktop.services import auth
from desktop.services.errors import SignInRefused
from desktop.services.principal import Role
from desktop.views.audit_screen import AuditScreen

from .conftest import OWNER_NAME, PRACTICE_ZONE

R13 = "Only the Owner or a Record Custodian can read the audit trail."


def open_audit(qtbot, ctx, principal) -> AuditScreen:
    screen = AuditScreen(ctx, principal, PRACTICE_ZONE)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def rows(screen: AuditScreen) -> list[list[str]]:
    model = screen.model
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_the_owner_sees_the_latest_entries_in_the_practice_time(qtbot, ctx, owner, add_member):
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
    # the test clock says 15:00 UTC on 4 March 2025: 10:00 in Toronto
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
