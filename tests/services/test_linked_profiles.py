"""Linked profiles (R14): a second profile of the same person, linked as "Self"."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.services import audit, client_list, clients, linked_profiles
from desktop.services.errors import InvalidInput, NotFound, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .test_clients import audit_actions, link, new_client

REASON = "Physiotherapy kept apart from counselling"


@pytest.fixture
def lee(add_member):
    return add_member("Dr Lee", Role.PROVIDER, records_owner="provider")


@pytest.fixture
def amelia(uow, owner, lee):
    client = new_client(
        uow, owner, date_of_birth=date(1985, 4, 23), phone_mobile="(416) 555-0101", city="Toronto"
    )
    link(uow, client.id, lee.staff_id)
    clients.update_billing_notes(uow(), owner, client.id, "Insurer: Sun Life", client.version)
    return client


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R14_owner_manager_or_custodian_creates_a_linked_profile_with_no_links(
    uow, owner, add_member, amelia, role
):
    actor = owner if role is Role.OWNER else add_member("Some One", role)
    second = linked_profiles.create_linked_profile(uow(), actor, amelia.id, REASON)
    assert second.id != amelia.id
    assert (second.first_name, second.last_name, second.date_of_birth) == (
        "Amelia",
        "Chen",
        date(1985, 4, 23),
    )
    assert (second.phone_mobile, second.city) == ("(416) 555-0101", "Toronto")
    assert second.providers == ()
    assert clients.billing_details(uow(), owner, second.id).billing_notes == ""
    assert len(clients.get_client(uow(), owner, amelia.id).providers) == 1


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.SCHEDULER, Role.BILLER])
def test_R14_other_roles_cannot_create_a_linked_profile_and_nothing_changes(
    uow, add_member, lee, amelia, role
):
    actor = lee if role is Role.PROVIDER else add_member("Some One", role)
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        linked_profiles.create_linked_profile(uow(), actor, amelia.id, REASON)
    assert refused.value.rule == "R14"
    assert "Owner, a Manager or a Record Custodian" in refused.value.message
    assert snapshot(uow().engine) == before


@pytest.mark.parametrize("reason", ["", "x" * 201], ids=["missing", "too-long"])
def test_R14_a_linked_profile_needs_a_short_reason(uow, owner, amelia, reason):
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput) as invalid:
        linked_profiles.create_linked_profile(uow(), owner, amelia.id, reason)
    assert invalid.value.field == "reason"
    assert snapshot(uow().engine) == before


def test_R14_a_missing_client_cannot_get_a_linked_profile(uow, owner):
    with pytest.raises(NotFound):
        linked_profiles.create_linked_profile(uow(), owner, 9999, REASON)


def test_R14_both_profiles_list_each_other_as_self(uow, owner, amelia):
    second = linked_profiles.create_linked_profile(uow(), owner, amelia.id, REASON)
    (from_first,) = linked_profiles.linked_profiles(uow(), owner, amelia.id)
    (from_second,) = linked_profiles.linked_profiles(uow(), owner, second.id)
    assert (from_first.client_id, from_first.relationship, from_first.reason) == (
        second.id,
        "Self",
        REASON,
    )
    assert (from_second.client_id, from_second.display_name) == (amelia.id, "Chen, Amelia")


def test_R14_creating_is_audited_on_both_profiles(uow, owner, amelia):
    second = linked_profiles.create_linked_profile(uow(), owner, amelia.id, REASON)
    linked = [
        (c, d["linked_to"]) for a, c, d in audit_actions(uow) if a == audit.Action.PROFILES_LINKED
    ]
    assert sorted(linked) == sorted([(second.id, [amelia.id]), (amelia.id, [second.id])])
    created = [c for a, c, _ in audit_actions(uow) if a == audit.Action.CLIENT_CREATED]
    assert created[-1] == second.id


def test_R14_search_shows_linked_profiles_together(uow, owner, add_member, amelia):
    chenier = new_client(uow, owner, "Amelia", "Chenier")
    second = linked_profiles.create_linked_profile(uow(), owner, amelia.id, REASON)
    page = client_list.list_clients(uow(), owner, scope="all", search="chen amelia")
    # Both profiles of Amelia Chen, side by side; Amelia Chenier matches the words too, after.
    assert [(r.id, r.linked_profile_ids) for r in page.rows] == [
        (amelia.id, (second.id,)),
        (second.id, (amelia.id,)),
        (chenier.id, ()),
    ]


def test_R14_a_third_profile_is_linked_to_every_other_profile_of_the_person(uow, owner, amelia):
    second = linked_profiles.create_linked_profile(uow(), owner, amelia.id, REASON)
    third = linked_profiles.create_linked_profile(uow(), owner, second.id, "Group programme")
    for profile, others in (
        (amelia.id, [second.id, third.id]),
        (second.id, [amelia.id, third.id]),
        (third.id, [amelia.id, second.id]),
    ):
        rows = linked_profiles.linked_profiles(uow(), owner, profile)
        assert [r.client_id for r in rows] == others


def test_R14_each_profile_has_its_own_links_and_a_provider_sees_only_what_is_on_their_list(
    uow, owner, add_member, lee, amelia
):
    second = linked_profiles.create_linked_profile(uow(), owner, amelia.id, REASON)
    assert linked_profiles.linked_profiles(uow(), lee, amelia.id) == []
    (row,) = client_list.list_clients(uow(), lee, scope="mine").rows
    assert (row.id, row.linked_profile_ids) == (amelia.id, ())
    with pytest.raises(PermissionRefused) as refused:
        linked_profiles.linked_profiles(uow(), lee, second.id)
    assert refused.value.rule == "R2"
    physio = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    link(uow, second.id, physio.staff_id)
    assert [r.id for r in client_list.list_clients(uow(), physio, scope="mine").rows] == [second.id]
    assert [r.client_id for r in linked_profiles.linked_profiles(uow(), physio, second.id)] == []
    assert [p.provider_id for p in clients.get_client(uow(), owner, amelia.id).providers] == [
        lee.staff_id
    ]
