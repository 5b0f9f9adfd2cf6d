"""Demographics-only sharing and Manage Access (R6, R2): a client on a provider's list, no chart."""

from __future__ import annotations

import pytest

from desktop.services import provider_links, sharing
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import (
    linked_provider_ids,
    make_client,
    make_note,
    readable_note_ids,
    visible_client_ids,
)


@pytest.fixture
def team(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    rosa = add_member("Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    note = make_note(uow(), kim, ana.staff_id)
    return {"ana": ana, "ben": ben, "rosa": rosa, "kim": kim, "note": note}


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER])
def test_R6_group_roles_add_a_client_to_a_providers_list_without_chart_access(
    uow, owner, add_member, team, role
):
    actor = owner if role is Role.OWNER else add_member("Actor", role)
    link = provider_links.add_to_provider_list(uow(), actor, team["kim"], team["ben"].staff_id)
    assert link.provider_name == "Ben Adeyemi" and link.status == "active"
    assert team["kim"] in visible_client_ids(uow(), team["ben"])  # R2: the profile
    assert team["note"] not in readable_note_ids(uow(), team["ben"])  # nothing of R3


def test_R6_a_provider_linked_to_the_client_may_add_a_colleague(uow, team):
    provider_links.add_to_provider_list(uow(), team["ana"], team["kim"], team["ben"].staff_id)
    assert linked_provider_ids(uow(), team["kim"]) == {team["ana"].staff_id, team["ben"].staff_id}


def test_R6_a_biller_or_an_unlinked_provider_may_not_and_nothing_changes(
    uow, add_member, team, engine
):
    biller = add_member("Chris Novak", Role.BILLER)
    for actor in (biller, team["rosa"]):
        before = snapshot(engine)
        with pytest.raises(PermissionRefused) as refused:
            provider_links.add_to_provider_list(uow(), actor, team["kim"], team["ben"].staff_id)
        assert refused.value.rule == "R6"
        assert snapshot(engine) == before


def test_R6_adding_twice_says_so(uow, team):
    with pytest.raises(InvalidInput, match="already on Ana Castillo's list"):
        provider_links.add_to_provider_list(uow(), team["ana"], team["kim"], team["ana"].staff_id)


def test_R6_share_then_end_at_once_leaves_demographics_only(uow, team):
    ana, ben, kim = team["ana"], team["ben"], team["kim"]
    share = sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    sharing.end_chart_share(uow(), ana, share.id)
    assert kim in visible_client_ids(uow(), ben)
    assert team["note"] not in readable_note_ids(uow(), ben)


def test_removing_a_provider_from_the_list_ends_the_shares_made_to_them(uow, owner, team):
    ana, ben, kim = team["ana"], team["ben"], team["kim"]
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    provider_links.remove_from_provider_list(uow(), owner, kim, ben.staff_id)
    assert kim not in visible_client_ids(uow(), ben)
    assert team["note"] not in readable_note_ids(uow(), ben)
    with pytest.raises(InvalidInput, match="not on Ben Adeyemi's list"):
        provider_links.remove_from_provider_list(uow(), owner, kim, ben.staff_id)


def test_manage_access_sets_exactly_the_chosen_providers(uow, owner, team):
    ana, ben, rosa, kim = team["ana"], team["ben"], team["rosa"], team["kim"]
    links = provider_links.set_providers_with_access(
        uow(), owner, kim, {ben.staff_id, rosa.staff_id}
    )
    assert {link.provider_id for link in links} == {ben.staff_id, rosa.staff_id}
    assert ana.staff_id not in linked_provider_ids(uow(), kim)


def test_manage_access_refused_changes_nothing(uow, add_member, team, engine):
    biller = add_member("Chris Novak", Role.BILLER)
    before = snapshot(engine)
    with pytest.raises(PermissionRefused):
        provider_links.set_providers_with_access(uow(), biller, team["kim"], {team["ben"].staff_id})
    with pytest.raises(InvalidInput, match="providers of this practice"):
        provider_links.set_providers_with_access(uow(), team["ana"], team["kim"], {biller.staff_id})
    assert snapshot(engine) == before
