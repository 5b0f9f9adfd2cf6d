"""Restricted clients (R17): for the people named the client does not exist (lists, searches,
the calendar, notices, charts, opening by any path); who may restrict whom; lifting; audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from desktop.db.tables import AuditEvent, Notification
from desktop.services import (
    access_report,
    calendar_export,
    charts,
    client_list,
    clients,
    notifications,
    restrictions,
    scheduling,
    sharing,
    supervision,
)
from desktop.services.availability import find_availability
from desktop.services.errors import InvalidInput, NotFound, PermissionRefused

from .conftest import snapshot
from .factories import make_note, readable_note_ids, share, visible_client_ids
from .test_scheduling import at, request, set_up_calendar

REASON = "Staff member is a relative of the client."


@pytest.fixture
def cal(uow, owner, add_member):
    practice = set_up_calendar(uow, owner, add_member)
    scheduling.book_appointment(
        uow(), practice.scheduler, request(practice.ben, practice.lou, at(3, 3, 10))
    )
    return practice


def names(page) -> list[str]:
    return [f"{row.first_name} {row.last_name}" for row in page.rows]


def test_R17_the_client_does_not_exist_for_the_restricted_person(uow, engine, cal):
    restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.scheduler.staff_id, REASON)
    who = cal.scheduler
    assert cal.lou not in visible_client_ids(uow(), who)
    assert "Lou Park" not in names(client_list.list_clients(uow(), who, scope="all"))
    assert client_list.list_clients(uow(), who, scope="all", search="Lou").rows == []
    assert (
        scheduling.search_clients_for_booking(uow(), who, cal.ben.staff_id, "Lou", all_clients=True)
        == []
    )
    grid = calendar_export.appointments_between(
        uow(), who, [cal.ben.staff_id], at(3, 2, 0), at(3, 9, 0)
    )
    assert [v.client_name for v in grid] == ["Busy"]
    for opening in (
        lambda: clients.get_client(uow(), who, cal.lou),
        lambda: calendar_export.appointments_of_client(uow(), who, cal.lou),
        lambda: scheduling.booking_alert(uow(), who, cal.ana.staff_id, cal.lou),
        lambda: find_availability(
            uow(),
            who,
            provider_ids=None,
            client_id=cal.lou,
            start_date=date(2026, 3, 3),
            end_date=date(2026, 3, 3),
            duration_minutes=50,
        ),
    ):
        with pytest.raises(NotFound, match="no longer exists"):
            opening()
    # Everyone else still sees Lou.
    assert "Lou Park" in names(client_list.list_clients(uow(), cal.manager, scope="all"))
    assert [e for e in _actions(engine) if e == "client.restricted"] == ["client.restricted"]


def _actions(engine):
    with engine.connect() as connection:
        return list(connection.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_R17_notices_about_the_client_are_hidden_from_the_restricted_person(uow, cal):
    with uow() as work:
        work.session.add(
            Notification(
                recipient_id=cal.manager.staff_id,
                client_id=cal.lou,
                message="About Lou",
                created_at=work.now(),
            )
        )
        work.commit()
    assert [n.message for n in notifications.notices_for(uow(), cal.manager)] == ["About Lou"]
    restrictions.restrict_client(uow(), cal.custodian, cal.lou, cal.manager.staff_id, REASON)
    assert notifications.notices_for(uow(), cal.manager) == []


def test_R17_a_restricted_record_keeper_reads_no_chart_of_the_client(uow, cal):
    note = make_note(uow(), cal.lou, cal.ben.staff_id)  # Ben's records are group-owned
    assert note in readable_note_ids(uow(), cal.manager)
    restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.manager.staff_id, REASON)
    assert note not in readable_note_ids(uow(), cal.manager)
    with pytest.raises(NotFound):
        charts.read_records(uow(), cal.manager, cal.lou)


def test_R17_only_owner_or_custodian_restricts_and_never_oneself_a_provider_or_a_recipient(
    uow, clock, engine, cal
):
    before = snapshot(engine)
    for who in (cal.manager, cal.scheduler, cal.ben):
        with pytest.raises(PermissionRefused, match="Owner or a Record Custodian"):
            restrictions.restrict_client(uow(), who, cal.lou, cal.biller.staff_id, REASON)
    refusals = {
        cal.owner.staff_id: "yourself",
        cal.ben.staff_id: "on Ben Adeyemi's list",
    }
    for staff_id, words in refusals.items():
        with pytest.raises(PermissionRefused, match=words):
            restrictions.restrict_client(uow(), cal.owner, cal.lou, staff_id, REASON)
    with pytest.raises(InvalidInput):
        restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.biller.staff_id, "  ")
    assert snapshot(engine) == before

    share(uow, clock, cal.lou, cal.ben, cal.ana)
    with pytest.raises(PermissionRefused, match="shared with Ana Castillo"):
        restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.ana.staff_id, REASON)


def test_R17_the_supervisor_of_the_clients_provider_cannot_be_restricted(uow, cal):
    supervision.set_supervision(uow(), cal.owner, cal.ben.staff_id, cal.ana.staff_id, "read")
    with pytest.raises(PermissionRefused, match="supervises"):
        restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.ana.staff_id, REASON)


def test_R17_who_can_see_lists_the_restriction_for_those_allowed_and_lifting_restores(
    uow, engine, cal
):
    made = restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.scheduler.staff_id, REASON)
    rows = {r.name: r for r in access_report.who_can_see(uow(), cal.custodian, cal.lou)}
    assert REASON in rows[cal.scheduler.display_name].profile_reason
    assert cal.scheduler.display_name not in {
        r.name for r in access_report.who_can_see(uow(), cal.manager, cal.lou)
    }
    assert restrictions.restrictions_of(uow(), cal.manager, cal.lou) == []
    assert [r.id for r in restrictions.restrictions_of(uow(), cal.owner, cal.lou)] == [made.id]

    with pytest.raises(PermissionRefused):
        restrictions.lift_restriction(uow(), cal.manager, made.id)
    restrictions.lift_restriction(uow(), cal.custodian, made.id)
    assert cal.lou in visible_client_ids(uow(), cal.scheduler)
    assert clients.get_client(uow(), cal.scheduler, cal.lou).id == cal.lou
    with pytest.raises(NotFound):
        restrictions.lift_restriction(uow(), cal.owner, made.id)
    assert "client.restriction_lifted" in _actions(engine)


def test_R17_sharing_to_a_restricted_person_is_refused_as_not_found(uow, cal):
    restrictions.restrict_client(uow(), cal.owner, cal.lou, cal.ana.staff_id, REASON)
    with pytest.raises((NotFound, PermissionRefused)):
        sharing.start_chart_share(
            uow(), cal.ben, cal.lou, cal.ben.staff_id, cal.ana.staff_id, include_private=False
        )
