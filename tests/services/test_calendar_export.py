"""Reading the calendar: the week grid shows a client's name only to those who may see the client
(R2), "Busy" to everyone else; a client's Appointments tab; a provider's schedule as .ics."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from desktop.db.tables import AuditEvent
from desktop.services import calendar_export, scheduling
from desktop.services.errors import InvalidInput, PermissionRefused

from .test_scheduling import Practice, at, request, set_up_calendar


@pytest.fixture
def cal(uow, owner, add_member) -> Practice:
    """Ben sees Lou at 10:00 in his office, and Kim (Ana's client, now on his list) at 11:00 by
    video at home; a 12:00 session is cancelled. Ana sees Kim at 10:00."""
    practice = set_up_calendar(uow, owner, add_member)
    book = scheduling.book_appointment
    book(uow(), practice.scheduler, request(practice.ben, practice.lou, at(3, 3, 10)))
    book(
        uow(),
        practice.scheduler,
        request(practice.ben, practice.kim, at(3, 3, 11), pos_code="10", note="Door code 4411"),
    )
    cancelled = book(uow(), practice.scheduler, request(practice.ben, practice.lou, at(3, 3, 12)))
    scheduling.cancel_appointment(
        uow(), practice.scheduler, cancelled.appointments[0].id, "Client asked"
    )
    book(uow(), practice.scheduler, request(practice.ana, practice.kim, at(3, 3, 10)))
    return practice


def grid(uow, principal, cal, **options):
    views = calendar_export.appointments_between(
        uow(), principal, [cal.ben.staff_id, cal.ana.staff_id], at(3, 2, 0), at(3, 9, 0), **options
    )
    return [
        (v.provider_name, v.starts_at.astimezone(at(3, 3, 0).tzinfo).hour, v.client_name)
        for v in views
    ]


def test_R2_the_week_grid_names_clients_only_for_those_who_may_see_them(uow, cal):
    assert grid(uow, cal.scheduler, cal) == [
        ("Ana Castillo", 10, "Kim Chen"),
        ("Ben Adeyemi", 10, "Lou Park"),
        ("Ben Adeyemi", 11, "Kim Chen"),
    ]
    # Ana has Kim on her list, not Lou: Ben's 10:00 is "Busy" to her.
    assert grid(uow, cal.ana, cal) == [
        ("Ana Castillo", 10, "Kim Chen"),
        ("Ben Adeyemi", 10, "Busy"),
        ("Ben Adeyemi", 11, "Kim Chen"),
    ]


def test_R2_a_busy_slot_tells_nothing_about_the_client(uow, cal):
    views = calendar_export.appointments_between(
        uow(), cal.ana, [cal.ben.staff_id], at(3, 3, 0), at(3, 4, 0)
    )
    busy = next(v for v in views if v.is_busy)
    assert (busy.client_id, busy.appointment_type, busy.note) == (None, None, None)
    seen = next(v for v in views if not v.is_busy)
    assert (seen.client_name, seen.note, seen.pos_name) == (
        "Kim Chen",
        "Door code 4411",
        "Telehealth Provided in Patient's Home",
    )


def test_the_week_grid_leaves_cancelled_appointments_out_unless_asked(uow, cal):
    with_cancelled = grid(uow, cal.scheduler, cal, include_cancelled=True)
    assert ("Ben Adeyemi", 12, "Lou Park") in with_cancelled
    assert ("Ben Adeyemi", 12, "Lou Park") not in grid(uow, cal.scheduler, cal)


def test_R2_a_clients_appointments_tab(uow, cal):
    views = calendar_export.appointments_of_client(uow(), cal.ana, cal.kim)
    assert [(v.provider_name, v.status) for v in views] == [
        ("Ana Castillo", "booked"),
        ("Ben Adeyemi", "booked"),
    ]
    lou = calendar_export.appointments_of_client(uow(), cal.scheduler, cal.lou)
    assert [(v.status, v.cancel_reason) for v in lou] == [
        ("booked", None),
        ("cancelled", "Client asked"),
    ]
    with pytest.raises(PermissionRefused) as refused:
        calendar_export.appointments_of_client(uow(), cal.ana, cal.lou)
    assert refused.value.rule == "R2"


def _events(ics: bytes) -> dict[str, dict]:
    parsed = Calendar.from_ical(ics)
    return {
        str(event["UID"]): {
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "location": str(event["LOCATION"]),
            "raw_start": event["DTSTART"].to_ical().decode(),
        }
        for event in parsed.walk("VEVENT")
    }


def test_a_providers_schedule_exports_as_ics_and_parses_back(uow, cal):
    ics = calendar_export.export_ics(
        uow(), cal.scheduler, cal.ben.staff_id, at(3, 2, 0), at(3, 9, 0)
    )
    events = _events(ics)
    assert len(events) == 2  # the cancelled session is not exported
    by_summary = {event["summary"]: event for event in events.values()}
    lou = by_summary["Lou Park - Session"]
    assert (lou["start"], lou["end"]) == (at(3, 3, 10), at(3, 3, 10, 50))
    assert lou["start"].tzinfo is not None and lou["start"].utcoffset() == timedelta(0)
    assert lou["raw_start"] == "20260303T150000Z"
    assert lou["location"] == "Office"
    assert by_summary["Kim Chen - Session"]["location"] == "Telehealth Provided in Patient's Home"
    assert all(uid.startswith("appointment-") for uid in events)


def test_ics_uids_are_stable_and_clients_hidden_from_those_who_may_not_see_them(uow, cal):
    first = _events(
        calendar_export.export_ics(uow(), cal.scheduler, cal.ben.staff_id, at(3, 2, 0), at(3, 9, 0))
    )
    seen_by_ana = _events(
        calendar_export.export_ics(uow(), cal.ana, cal.ben.staff_id, at(3, 2, 0), at(3, 9, 0))
    )
    assert set(first) == set(seen_by_ana)
    assert sorted(e["summary"] for e in seen_by_ana.values()) == ["Busy", "Kim Chen - Session"]
    # Moving an appointment keeps its UID, so calendars that imported it update it.
    uid = next(uid for uid, e in first.items() if e["summary"] == "Lou Park - Session")
    scheduling.move_appointment(
        uow(), cal.scheduler, int(uid.split("-")[1].split("@")[0]), at(3, 4, 9), 50
    )
    moved = _events(
        calendar_export.export_ics(uow(), cal.scheduler, cal.ben.staff_id, at(3, 2, 0), at(3, 9, 0))
    )
    assert moved[uid]["start"] == at(3, 4, 9).astimezone(UTC)


def test_an_ics_export_is_audited(uow, cal):
    calendar_export.export_ics(uow(), cal.ana, cal.ben.staff_id, at(3, 2, 0), at(3, 9, 0))
    with uow() as work:
        action, details = work.session.execute(
            select(AuditEvent.action, AuditEvent.details).order_by(AuditEvent.seq.desc()).limit(1)
        ).one()
    assert action == calendar_export.CALENDAR_EXPORTED
    assert json.loads(details)["appointments"] == 2
    assert json.loads(details)["named_clients"] == 1


def test_a_period_must_make_sense(uow, cal):
    with pytest.raises(InvalidInput):
        calendar_export.export_ics(uow(), cal.scheduler, cal.ben.staff_id, at(3, 9, 0), at(3, 2, 0))
