"""Emergency access (R18): who may open it, the reason it needs, how long it lasts, who is told,
what each read leaves in the audit trail, and that private psychotherapy notes stay closed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop.db.tables import AuditEvent
from desktop.services import (
    charts,
    clients,
    documents,
    emergency,
    emergency_report,
    emergency_settings,
    notifications,
)
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import make_client, make_clinical_document, make_note


@pytest.fixture
def team(add_member, owner):
    return {
        "ana": add_member("Ana Castillo", Role.PROVIDER, records_owner="provider"),
        "ben": add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group"),
        "cal": add_member("Cal Moreno", Role.PROVIDER, records_owner="provider"),
        "rita": add_member("Rita Keeper", Role.RECORD_CUSTODIAN),
        "desk": add_member("Jordan Ellis", Role.SCHEDULER),
        "owner": owner,
    }


@pytest.fixture
def amelia(uow, team):
    """A client of Ana's (who owns her records): a signed progress note, a private
    psychotherapy note, a draft and a clinical document."""
    ana = team["ana"]
    client = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    ids = {
        "progress": make_note(uow(), client, ana.staff_id, body="safety plan agreed"),
        "private": make_note(uow(), client, ana.staff_id, kind="private", body="private"),
        "draft": make_note(uow(), client, ana.staff_id, signed=False, body="unfinished"),
        "document": make_clinical_document(uow(), client, ana.staff_id),
    }
    return client, ids


@dataclass(frozen=True)
class Entry:
    actor_id: int
    details: dict


def _actions(engine, action: str) -> list[Entry]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(AuditEvent.actor_id, AuditEvent.details)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
        return [Entry(actor, json.loads(details)) for actor, details in rows]


def test_R18_a_provider_without_the_client_opens_every_chart_but_private_notes(uow, team, amelia):
    cal = team["cal"]
    client, ids = amelia
    with pytest.raises(PermissionRefused):
        charts.read_records(uow(), cal, client)

    access = emergency.open_emergency_access(uow(), cal, client, "Client in crisis, Ana away")

    assert access.client_name == "Amelia Abbott"
    profile = clients.get_client(uow(), cal, client)
    assert profile.full_name == "Amelia Abbott"
    (chart,) = charts.read_records(uow(), cal, client).charts
    assert chart.provider_id == team["ana"].staff_id
    assert [n.id for n in chart.notes] == [ids["progress"]]  # the draft stays with Ana
    assert chart.private_notes is None  # R4: never through emergency access
    assert [d.id for d in chart.documents] == [ids["document"]]
    assert documents.open_document(uow(), cal, ids["document"]).content == b"plan"
    assert not chart.can_write


def test_R18_each_read_is_audited_as_emergency_access_with_the_reason(engine, uow, team, amelia):
    cal = team["cal"]
    client, ids = amelia
    access = emergency.open_emergency_access(uow(), cal, client, "Client in crisis")
    clients.get_client(uow(), cal, client)
    charts.read_records(uow(), cal, client)
    documents.open_document(uow(), cal, ids["document"])

    opened = _actions(engine, "emergency.opened")
    assert [(a.actor_id, a.details["reason"]) for a in opened] == [
        (cal.staff_id, "Client in crisis")
    ]
    reads = _actions(engine, "emergency.read")
    assert [r.details["what"] for r in reads] == ["profile", "chart", "document"]
    assert {r.details["reason"] for r in reads} == {"Client in crisis"}
    assert {r.details["emergency_id"] for r in reads} == {access.id}


def test_R18_the_authors_the_owner_and_the_record_custodians_are_told_at_once(uow, team, amelia):
    cal = team["cal"]
    client, _ids = amelia
    emergency.open_emergency_access(uow(), cal, client, "Client in crisis")

    for person in ("ana", "owner", "rita"):
        (notice,) = notifications.notices_for(uow(), team[person])
        assert notice.client_id == client
        assert "Cal Moreno opened Amelia Abbott's records" in notice.message
        assert "Client in crisis" in notice.message
    for person in ("ben", "desk", "cal"):
        assert notifications.notices_for(uow(), team[person]) == []


def test_R18_the_access_ends_after_the_practice_time_with_the_clock(uow, clock, team, amelia):
    cal, owner = team["cal"], team["owner"]
    client, _ids = amelia
    emergency_settings.update_emergency_rules(
        uow(), owner, ["owner", "record_custodian", "provider"], [], 30
    )
    access = emergency.open_emergency_access(uow(), cal, client, "Client in crisis")
    assert access.expires_at - access.opened_at == timedelta(minutes=30)

    clock.advance(timedelta(minutes=29))
    assert emergency.current_emergency_access(uow(), cal, client).id == access.id
    assert charts.read_records(uow(), cal, client).charts

    clock.advance(timedelta(minutes=1))
    assert emergency.current_emergency_access(uow(), cal, client) is None
    with pytest.raises(PermissionRefused):
        charts.read_records(uow(), cal, client)
    with pytest.raises(PermissionRefused):
        clients.get_client(uow(), cal, client)


def test_R18_one_hour_by_default_and_the_person_may_end_it_early(engine, uow, clock, team, amelia):
    cal = team["cal"]
    client, _ids = amelia
    access = emergency.open_emergency_access(uow(), cal, client, "Client in crisis")
    assert access.expires_at - access.opened_at == timedelta(hours=1)

    clock.advance(timedelta(minutes=5))
    ended = emergency.end_emergency_access(uow(), cal, access.id)
    assert ended.ended_at == clock.now()
    with pytest.raises(PermissionRefused):
        charts.read_records(uow(), cal, client)
    assert [e.details["by"] for e in _actions(engine, "emergency.ended")] == ["person"]


def test_R18_only_the_person_who_opened_it_ends_it(engine, uow, team, amelia):
    client, _ids = amelia
    access = emergency.open_emergency_access(uow(), team["cal"], client, "Client in crisis")
    before = snapshot(engine)
    with pytest.raises(PermissionRefused):
        emergency.end_emergency_access(uow(), team["owner"], access.id)
    assert snapshot(engine) == before


@pytest.mark.parametrize("reason", ["", "   ", "\t \n "])
def test_R18_a_reason_is_required_and_spaces_are_no_reason(engine, uow, team, amelia, reason):
    client, _ids = amelia
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="reason"):
        emergency.open_emergency_access(uow(), team["cal"], client, reason)
    assert snapshot(engine) == before


def test_R18_by_default_a_scheduler_may_not_use_it(engine, uow, team, amelia):
    client, _ids = amelia
    before = snapshot(engine)
    decision = emergency.emergency_decision(uow(), team["desk"], client)
    assert not decision and "Owner, Record Custodian, Provider" in decision.reason
    with pytest.raises(PermissionRefused):
        emergency.open_emergency_access(uow(), team["desk"], client, "Client called in crisis")
    assert snapshot(engine) == before


def test_R18_the_practice_names_roles_and_people(uow, team, amelia):
    owner, desk, cal = team["owner"], team["desk"], team["cal"]
    client, _ids = amelia
    emergency_settings.update_emergency_rules(
        uow(), owner, ["record_custodian"], [desk.staff_id], 60
    )

    rules = emergency_settings.emergency_rules(uow(), team["rita"])
    assert rules.allowed_roles == frozenset({Role.RECORD_CUSTODIAN})
    assert rules.allowed_staff == ((desk.staff_id, "Jordan Ellis"),)
    assert not emergency.emergency_decision(uow(), cal, client)  # providers no longer
    assert emergency.open_emergency_access(uow(), desk, client, "Called in crisis").id


def test_R18_only_the_owner_changes_who_may_use_it(engine, uow, team):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused):
        emergency_settings.update_emergency_rules(uow(), team["rita"], ["provider"], [], 60)
    with pytest.raises(InvalidInput):
        emergency_settings.update_emergency_rules(uow(), team["owner"], ["provider"], [], 2)
    with pytest.raises(InvalidInput):
        emergency_settings.update_emergency_rules(uow(), team["owner"], ["nobody"], [], 60)
    assert snapshot(engine) == before


def test_R18_refused_for_a_client_the_person_already_reads(engine, uow, team, amelia):
    client, _ids = amelia
    before = snapshot(engine)
    decision = emergency.emergency_decision(uow(), team["ana"], client)
    assert not decision and "already read" in decision.reason
    with pytest.raises(PermissionRefused):
        emergency.open_emergency_access(uow(), team["ana"], client, "Checking")
    assert snapshot(engine) == before


def test_R18_the_owner_may_open_a_chart_whose_author_owns_their_records(uow, team, amelia):
    """The Owner sees the profile (R2) but not Ana's chart (R3): something to open."""
    owner = team["owner"]
    client, ids = amelia
    assert charts.read_records(uow(), owner, client).charts == []
    emergency.open_emergency_access(uow(), owner, client, "Client in crisis")
    (chart,) = charts.read_records(uow(), owner, client).charts
    assert [n.id for n in chart.notes] == [ids["progress"]]
    assert chart.private_notes is None


def test_R18_a_second_access_while_one_is_open_is_refused(uow, team, amelia):
    client, _ids = amelia
    emergency.open_emergency_access(uow(), team["cal"], client, "Client in crisis")
    with pytest.raises(PermissionRefused, match="already open"):
        emergency.open_emergency_access(uow(), team["cal"], client, "Again")


def test_R18_the_report_lists_each_use_with_its_reads_and_marks_it_reviewed(
    engine, uow, team, amelia
):
    cal, rita = team["cal"], team["rita"]
    client, _ids = amelia
    access = emergency.open_emergency_access(uow(), cal, client, "Client in crisis")
    charts.read_records(uow(), cal, client)

    (use,) = emergency_report.emergency_report(uow(), rita)
    assert (use.id, use.staff_name, use.client_name, use.reason) == (
        access.id,
        "Cal Moreno",
        "Amelia Abbott",
        "Client in crisis",
    )
    assert [r.what for r in use.reads] == ["chart"]
    assert use.reviewed_at is None

    reviewed = emergency_report.mark_reviewed(uow(), rita, access.id)
    assert reviewed.reviewed_by == "Rita Keeper"
    assert emergency_report.emergency_report(uow(), rita, unreviewed_only=True) == []
    assert [e.details["emergency_id"] for e in _actions(engine, "emergency.reviewed")] == [
        access.id
    ]


def test_R18_only_the_owner_and_record_custodians_read_the_report(engine, uow, team):
    for person in ("cal", "desk", "ben"):
        with pytest.raises(PermissionRefused):
            emergency_report.emergency_report(uow(), team[person])
    assert emergency_report.emergency_report(uow(), team["owner"]) == []


def test_R18_a_provider_finds_a_client_not_on_their_list_by_name_only(uow, team, amelia):
    client, _ids = amelia
    make_client(uow(), "Amelia", "Zhang")
    found = emergency.find_clients_for_emergency(uow(), team["cal"], "abb ame")
    assert [(c.client_id, c.full_name) for c in found] == [(client, "Amelia Abbott")]
    assert len(emergency.find_clients_for_emergency(uow(), team["cal"], "amelia")) == 2
    assert emergency.find_clients_for_emergency(uow(), team["cal"], "   ") == []


def test_R18_the_name_search_is_refused_to_those_not_allowed(uow, team, amelia):
    with pytest.raises(PermissionRefused):
        emergency.find_clients_for_emergency(uow(), team["desk"], "Amelia")
