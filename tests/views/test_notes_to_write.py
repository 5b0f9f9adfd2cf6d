"""Notes from sessions on screen: "Write note…" from the calendar opens the session's note,
and the Notes to write screen lists sessions waiting for their note, with a count on the
navigation, for the provider and (per provider) for the Owner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop.services import appointment_status, session_notes
from desktop.views.calendar import common
from desktop.views.calendar.status_menu import StatusMenu
from desktop.views.client_profile.note_dialogs import NoteEditorDialog
from desktop.views.client_profile.session_note import open_session_note
from desktop.views.notes_to_write_screen import NotesToWriteScreen

from . import test_calendar_screen
from .conftest import PRACTICE_ZONE
from .test_calendar_screen import at, book, column_of, open_calendar
from .test_main_window import open_window

#: the tests' "now" is Tuesday 4 March 2025, 10:00 at the practice.
MONDAY, TUESDAY = date(2025, 3, 3), date(2025, 3, 4)
clinic = test_calendar_screen.clinic


def attended(ctx, clinic, start, provider=None, client=None) -> int:
    provider = provider or clinic.ana
    result = book(ctx, clinic.scheduler, provider.staff_id, client or clinic.kim, start)
    appointment = result.appointments[0].id
    appointment_status.set_appointment_status(ctx.uow(), clinic.scheduler, appointment, "attended")
    return appointment


@pytest.fixture
def editors(monkeypatch) -> list[NoteEditorDialog]:
    """Each note editor opened, filled in and signed instead of shown."""
    opened: list[NoteEditorDialog] = []

    def run(dialog):
        if isinstance(dialog, NoteEditorDialog):
            opened.append(dialog)
            dialog.body_edit.setPlainText("S: better week. O: calm. A: progressing. P: continue.")
            dialog.save(sign=True)
        return dialog.result()

    monkeypatch.setattr(common, "run_modal", run)
    return opened


@pytest.fixture
def menus(monkeypatch) -> list[StatusMenu]:
    opened: list[StatusMenu] = []
    monkeypatch.setattr(StatusMenu, "exec", lambda menu, *_args: opened.append(menu))
    return opened


def test_write_note_from_an_attended_session_on_the_calendar(qtbot, ctx, clinic, menus, editors):
    attended(ctx, clinic, at(TUESDAY, 9))
    screen = open_calendar(qtbot, ctx, clinic.ana, day=TUESDAY)
    screen.note_opener = open_session_note  # as the main window hands it over
    column = column_of(screen, clinic.ana.staff_id, TUESDAY)
    screen.grid.select(column, 9 * 60)
    screen.grid.request_menu(None)
    assert menus[0].write_note.isEnabled()

    menus[0].write_note.trigger()

    [editor] = editors
    assert editor.windowTitle() == "Session note"
    assert editor.title_edit.text() == "Session · 09:00–09:50 (50 min) · 11 Office"
    assert editor.session_date.date().toPython() == TUESDAY
    assert screen.notice.text() == "The session note was signed."
    assert screen.grid.appointment_at(column, 9 * 60).has_note
    assert "note signed" in screen.grid.accessibleDescription()
    point = screen.grid.slot_point(column, 9 * 60)
    assert "Session note signed" in screen.grid.tooltip_at(point.x(), point.y())


def test_write_note_waits_for_attended_and_is_the_providers_alone(qtbot, ctx, clinic, menus):
    book(ctx, clinic.scheduler, clinic.ana.staff_id, clinic.kim, at(TUESDAY, 9))
    screen = open_calendar(qtbot, ctx, clinic.scheduler, day=TUESDAY)
    screen.note_opener = lambda *args: ("", False)
    screen.grid.select(column_of(screen, clinic.ana.staff_id, TUESDAY), 9 * 60)
    screen.grid.request_menu(None)
    assert not menus[0].write_note.isEnabled()
    assert menus[0].write_note.toolTip() == "Only Ana Castillo writes the note of this session."


def open_notes(qtbot, ctx, principal) -> NotesToWriteScreen:
    screen = NotesToWriteScreen(ctx, principal, PRACTICE_ZONE)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    return screen


def test_a_provider_sees_the_sessions_waiting_and_writes_one_with_enter(
    qtbot, ctx, clinic, editors
):
    attended(ctx, clinic, at(MONDAY, 8))  # ended 25 hours ago, more than the 24 hours given
    attended(ctx, clinic, at(TUESDAY, 9))  # this morning: not due yet
    screen = open_notes(qtbot, ctx, clinic.ana)
    assert screen.model.rowCount() == 1
    assert screen.model.text(screen.model.row_item(0), 1) == "Kim Chen"
    assert "24 hours after they ended" in screen.header.subtitle.text()
    assert not screen.provider.isVisible()  # a provider sees their own list only

    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)

    assert len(editors) == 1
    assert screen.model.rowCount() == 0
    assert screen.empty.title.text() == "Every session has its note"


def test_the_owner_chooses_a_provider_and_cannot_write_for_them(qtbot, ctx, clinic, owner):
    attended(ctx, clinic, at(MONDAY, 8))
    attended(ctx, clinic, at(MONDAY, 8), provider=clinic.ben, client=clinic.lee)
    screen = open_notes(qtbot, ctx, owner)
    assert screen.model.rowCount() == 2
    screen.provider.setCurrentIndex(screen.provider.findText("Ben Adeyemi"))
    assert [screen.model.text(r, 1) for r in screen.model._rows] == ["Lee Park"]
    assert not screen.write_button.isEnabled()
    assert screen.write_button.toolTip() == "Only Ben Adeyemi writes this session's note."


def test_a_scheduler_is_told_the_list_is_not_theirs(qtbot, ctx, clinic):
    screen = open_notes(qtbot, ctx, clinic.scheduler)
    assert screen.empty.title.text() == "Notes to write are not yours to see"
    assert "providers, the Owner and Managers" in screen.empty.text.text()
    assert "R3" not in screen.empty.text.text()


def test_the_navigation_counts_the_notes_to_write(qtbot, ctx, clinic):
    attended(ctx, clinic, at(MONDAY, 8))
    window = open_window(qtbot, ctx, clinic.ana)
    item = window.navigation.item(5)  # after Notes to review
    assert item.text() == "Notes to write · 1"
    ctx.clock.advance(timedelta(hours=24))  # this is where the second one would come due
    attended(ctx, clinic, at(TUESDAY, 8))
    window.show_screen("notes")
    assert item.text() == "Notes to write · 2"
    assert session_notes.notes_to_write(ctx.uow(), clinic.ana)[0].client_name == "Kim Chen"
