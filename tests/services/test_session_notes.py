"""Notes written from sessions (R3, R4): "Write note" on an attended session, the note's link
to it, who writes it, and the Notes to write list as the clock moves on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.services import appointment_status, charts, scheduling, session_notes
from desktop.services.errors import InvalidInput, PermissionRefused

from .conftest import snapshot
from .factories import make_note
from .test_scheduling import actions, at, request, set_up_calendar

# The test clock stands at Mon 2 Mar 2026, 09:30 in Toronto.


@pytest.fixture
def cal(uow, owner, add_member):
    return set_up_calendar(uow, owner, add_member)


def attended(uow, cal, start, provider=None, client=None) -> int:
    provider = provider or cal.ben
    booking = scheduling.book_appointment(
        uow(), cal.scheduler, request(provider, client or cal.lou, start)
    )
    appointment = booking.appointments[0].id
    appointment_status.set_appointment_status(uow(), cal.scheduler, appointment, "attended")
    return appointment


def waiting(uow, principal, provider_id=None) -> list[tuple[str, str]]:
    return [
        (w.client_name, f"{w.starts_at.astimezone(at(1, 1, 0).tzinfo):%d %b %H:%M}")
        for w in session_notes.notes_to_write(uow(), principal, provider_id)
    ]


def test_R3_write_note_starts_a_draft_with_the_sessions_facts(uow, cal):
    appointment = attended(uow, cal, at(2, 27, 10))
    note = session_notes.write_session_note(uow(), cal.ben, appointment)

    assert (note.kind, note.status, note.author_id) == ("progress", "draft", cal.ben.staff_id)
    assert note.appointment_id == appointment
    assert note.session_date == date(2026, 2, 27)
    assert note.title == "Session · 10:00–10:50 (50 min) · 11 Office"
    # asking again opens the same draft
    assert session_notes.write_session_note(uow(), cal.ben, appointment).id == note.id
    created = [d for a, _c, d in actions(uow) if a == "chart.note_created"]
    assert created == [{"kind": "progress", "status": "draft", "appointment": appointment}]


@pytest.mark.parametrize("who", ["scheduler", "owner", "ana"])
def test_R3_only_the_sessions_provider_writes_its_note(uow, cal, engine, who):
    appointment = attended(uow, cal, at(2, 27, 10))
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refusal:
        session_notes.write_session_note(uow(), getattr(cal, who), appointment)
    assert refusal.value.rule == "R3"
    assert snapshot(engine) == before


def test_R3_a_session_not_attended_gets_no_session_note(uow, cal, engine):
    booking = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10))
    )
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="marked Attended"):
        session_notes.write_session_note(uow(), cal.ben, booking.appointments[0].id)
    assert snapshot(engine) == before


def test_notes_to_write_lists_attended_sessions_past_the_practice_hours(uow, cal, clock):
    friday = attended(uow, cal, at(2, 27, 10))
    this_morning = attended(uow, cal, at(3, 2, 8))
    attended(uow, cal, at(2, 27, 11), provider=cal.ana, client=cal.kim)

    # 24 hours by default: Friday's session is overdue, this morning's not yet
    assert waiting(uow, cal.ben) == [("Lou Park", "27 Feb 10:00")]
    clock.advance(timedelta(hours=24))
    assert waiting(uow, cal.ben) == [("Lou Park", "27 Feb 10:00"), ("Lou Park", "02 Mar 08:00")]

    # a draft does not take a session off the list; signing it does
    note = session_notes.write_session_note(uow(), cal.ben, friday)
    [first, _second] = session_notes.notes_to_write(uow(), cal.ben)
    assert first.draft_note_id == note.id
    note = charts.update_draft(
        uow(), cal.ben, note.id, note.title, "Met; plan agreed.", note.session_date, note.version
    )
    charts.sign_note(uow(), cal.ben, note.id, note.version)
    assert waiting(uow, cal.ben) == [("Lou Park", "02 Mar 08:00")]
    assert this_morning


def test_R4_a_private_note_never_counts_as_the_sessions_note(uow, cal, clock):
    attended(uow, cal, at(2, 27, 10))
    make_note(uow(), cal.lou, cal.ben.staff_id, kind="private", signed=True)
    make_note(uow(), cal.lou, cal.ben.staff_id, kind="progress", signed=True)  # not linked
    assert waiting(uow, cal.ben) == [("Lou Park", "27 Feb 10:00")]


def test_owner_and_manager_see_each_providers_list_others_are_refused(uow, cal):
    attended(uow, cal, at(2, 27, 10))
    attended(uow, cal, at(2, 27, 11), provider=cal.ana, client=cal.kim)
    everyone = session_notes.notes_to_write(uow(), cal.manager)
    assert [(w.provider_name, w.client_name) for w in everyone] == [
        ("Ana Castillo", "Kim Chen"),
        ("Ben Adeyemi", "Lou Park"),
    ]
    assert waiting(uow, cal.owner, cal.ana.staff_id) == [("Kim Chen", "27 Feb 11:00")]
    assert waiting(uow, cal.ana) == [("Kim Chen", "27 Feb 11:00")]
    for who, provider in ((cal.ben, cal.ana.staff_id), (cal.scheduler, None), (cal.biller, None)):
        with pytest.raises(PermissionRefused):
            session_notes.notes_to_write(uow(), who, provider)


def test_the_owner_sets_the_hours_a_note_may_wait(uow, cal, engine, clock):
    attended(uow, cal, at(3, 2, 8))
    assert waiting(uow, cal.ben) == []
    before = snapshot(engine)
    with pytest.raises(PermissionRefused):
        session_notes.set_note_due_hours(uow(), cal.manager, 1)
    with pytest.raises(InvalidInput, match="between 1 and 720"):
        session_notes.set_note_due_hours(uow(), cal.owner, 0)
    assert snapshot(engine) == before
    session_notes.set_note_due_hours(uow(), cal.owner, 1)
    assert session_notes.note_due_hours(uow(), cal.ben) == 1
    assert waiting(uow, cal.ben) == []  # it ended at 08:50: 40 minutes ago
    clock.advance(timedelta(minutes=20))
    assert waiting(uow, cal.ben) == [("Lou Park", "02 Mar 08:00")]
    changes = [d for a, _c, d in actions(uow) if a == "practice.note_due_hours_changed"]
    assert changes == [{"from": 24, "to": 1}]


def test_the_calendar_marks_a_session_that_has_its_signed_note(uow, cal):
    appointment = attended(uow, cal, at(2, 27, 10))
    week = (at(2, 23, 0), at(3, 2, 0))

    def noted(principal):
        return [
            v.has_note
            for v in scheduling.appointments_between(uow(), principal, [cal.ben.staff_id], *week)
        ]

    note = session_notes.write_session_note(uow(), cal.ben, appointment)
    assert noted(cal.scheduler) == [False]  # a draft is not the session's note yet
    note = charts.update_draft(
        uow(), cal.ben, note.id, note.title, "Seen.", note.session_date, note.version
    )
    charts.sign_note(uow(), cal.ben, note.id, note.version)
    assert noted(cal.scheduler) == [True]
    assert noted(cal.ana) == [False]  # "Busy" for Ana, who cannot see Lou
