"""Who can see this chart, and why (B1); the Chart Sharing panel's state (R5)."""

from __future__ import annotations

import pytest

from desktop.services import access_report, sharing
from desktop.services.errors import PermissionRefused
from desktop.services.principal import Role

from .factories import make_client, make_note


@pytest.fixture
def world(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    lee = add_member("Dr Lee", Role.PROVIDER, records_owner="provider")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id, lee.staff_id)
    make_note(uow(), kim, ana.staff_id)
    make_note(uow(), kim, lee.staff_id)
    sharing.start_chart_share(uow(), lee, kim, lee.staff_id, ben.staff_id, include_private=True)
    return {"ana": ana, "lee": lee, "ben": ben, "desk": desk, "kim": kim, "owner": owner}


def test_B1_lists_everyone_with_access_what_they_see_and_the_rule(uow, world):
    rows = {row.name: row for row in access_report.who_can_see(uow(), world["owner"], world["kim"])}
    assert set(rows) == {"Ana Castillo", "Ben Adeyemi", "Dr Lee", "Dr. Maya Okafor", "Jordan Ellis"}
    owner_charts = {c.provider_name: c for c in rows["Dr. Maya Okafor"].charts}
    # Ben has a chart too now (Kim is on his list); both are group-owned. Never Dr Lee's.
    assert set(owner_charts) == {"Ana Castillo", "Ben Adeyemi"}
    assert not owner_charts["Ana Castillo"].private_notes
    assert "records the group owns (R3)" in owner_charts["Ana Castillo"].reason
    ben_charts = {c.provider_name: c for c in rows["Ben Adeyemi"].charts}
    assert ben_charts["Dr Lee"].private_notes
    assert ben_charts["Dr Lee"].reason.startswith(
        "Shared by Dr Lee on 02 Mar 2026, private notes included"
    )
    assert rows["Jordan Ellis"].profile and rows["Jordan Ellis"].charts == []
    assert "Scheduler" in rows["Jordan Ellis"].profile_reason


def test_B1_is_not_shown_to_someone_who_cannot_see_the_client(uow, add_member, world):
    stranger = add_member("Rosa", Role.PROVIDER, records_owner="provider")
    with pytest.raises(PermissionRefused):
        access_report.who_can_see(uow(), stranger, world["kim"])


def test_the_sharing_panel_puts_the_viewers_chart_first_with_the_state_of_each_colleague(
    uow, world
):
    sections = access_report.sharing_overview(uow(), world["lee"], world["kim"])
    assert [s.provider.name for s in sections] == ["Dr Lee", "Ana Castillo", "Ben Adeyemi"]
    own = sections[0]
    assert own.is_viewers_own and own.can_share
    shared = {row.provider_name: row for row in own.rows}
    assert shared["Ben Adeyemi"].share.include_private and shared["Ben Adeyemi"].on_list
    assert shared["Ana Castillo"].share is None
    anas = sections[1]
    assert not anas.can_share and anas.can_share.rule == "R5"
