"""A provider never loses their own chart (R3): after their link ends (Manage access) or after a
transfer they still read it and finish their drafts; who may end a colleague's link (R6); what
ending the treating provider's link ends, said before it is done."""

from __future__ import annotations

import pytest

from desktop.services import charts, own_charts, provider_links, sharing, transfers
from desktop.services.errors import PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import linked_provider_ids, make_client, make_note


@pytest.fixture
def team(add_member, owner):
    return {
        "ana": add_member("Ana Castillo", Role.PROVIDER, records_owner="provider"),
        "ben": add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group"),
        "desk": add_member("Jordan Ellis", Role.SCHEDULER),
        "owner": owner,
    }


def _own_chart(records, provider_id):
    return next(c for c in records.charts if c.provider_id == provider_id)


def test_R3_after_manage_access_ends_her_link_the_author_reads_and_finishes_her_chart(uow, team):
    ana, owner = team["ana"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    signed = make_note(uow(), amelia, ana.staff_id)
    draft = make_note(uow(), amelia, ana.staff_id, signed=False, body="today's session")
    provider_links.set_providers_with_access(uow(), owner, amelia, [])

    records = charts.read_records(uow(), ana, amelia)
    chart = _own_chart(records, ana.staff_id)
    assert {n.id for n in chart.notes} == {signed, draft}
    assert not chart.can_write  # no new notes while the client is off her list
    version = next(n.version for n in chart.notes if n.id == draft)
    finished = charts.sign_note(uow(), ana, draft, version)
    assert finished.status == "signed"
    assert own_charts.past_clients(uow(), ana) == [
        own_charts.PastClient(amelia, "Amelia Abbott", 0)
    ]


def test_R3_after_a_transfer_the_author_opens_her_unsigned_draft_of_today(uow, team):
    ana, ben = team["ana"], team["ben"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    draft = make_note(uow(), amelia, ana.staff_id, signed=False)
    transfers.transfer_client(uow(), ana, amelia, ana.staff_id, ben.staff_id)

    header = own_charts.past_client(uow(), ana, amelia)
    assert header == own_charts.PastClient(amelia, "Amelia Abbott", 1)
    chart = _own_chart(charts.read_records(uow(), ana, amelia), ana.staff_id)
    assert [n.id for n in chart.notes] == [draft]


def test_R2_a_provider_who_never_wrote_in_the_chart_is_still_refused_after_the_link_ends(uow, team):
    ana, owner = team["ana"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    provider_links.set_providers_with_access(uow(), owner, amelia, [])
    with pytest.raises(PermissionRefused) as refused:
        charts.read_records(uow(), ana, amelia)
    assert refused.value.rule == "R2"
    assert own_charts.past_clients(uow(), ana) == []


def test_R5_a_provider_owned_chart_is_shared_again_only_once_its_author_is_back_on_the_list(
    uow, team
):
    ana, ben, desk, owner = team["ana"], team["ben"], team["desk"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id, ben.staff_id)
    make_note(uow(), amelia, ana.staff_id)
    provider_links.remove_from_provider_list(uow(), desk, amelia, ana.staff_id)
    for actor in (ana, owner):
        with pytest.raises(PermissionRefused) as refused:
            sharing.start_chart_share(uow(), actor, amelia, ana.staff_id, ben.staff_id)
        assert refused.value.rule == "R5"
    provider_links.add_to_provider_list(uow(), desk, amelia, ana.staff_id)
    sharing.start_chart_share(uow(), ana, amelia, ana.staff_id, ben.staff_id)


def test_R5_a_group_owned_chart_stays_shareable_by_the_record_keepers_after_the_link_ends(
    uow, team
):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id, ben.staff_id)
    make_note(uow(), amelia, ben.staff_id)
    provider_links.set_providers_with_access(uow(), owner, amelia, [ana.staff_id])
    shared = sharing.start_chart_share(uow(), owner, amelia, ben.staff_id, ana.staff_id)
    assert shared.to_provider_id == ana.staff_id


def test_R6_a_provider_takes_herself_off_a_list_but_not_a_colleague(uow, team, engine):
    ana, ben = team["ana"], team["ben"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id, ben.staff_id)
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        provider_links.set_providers_with_access(uow(), ana, amelia, [ana.staff_id])
    assert refused.value.rule == "R6"
    assert "not a colleague" in refused.value.reason
    with pytest.raises(PermissionRefused):
        provider_links.remove_from_provider_list(uow(), ana, amelia, ben.staff_id)
    assert snapshot(engine) == before
    provider_links.remove_from_provider_list(uow(), ana, amelia, ana.staff_id)
    assert linked_provider_ids(uow(), amelia) == {ben.staff_id}


def test_R6_the_front_desk_ends_any_providers_link(uow, team):
    ana, ben, desk = team["ana"], team["ben"], team["desk"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id, ben.staff_id)
    provider_links.set_providers_with_access(uow(), desk, amelia, [ben.staff_id])
    assert linked_provider_ids(uow(), amelia) == {ben.staff_id}


def test_ending_the_treating_providers_link_says_what_it_ends_before_anything_changes(
    uow, team, engine
):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    transfers.transfer_client(uow(), ana, amelia, ana.staff_id, ben.staff_id)
    make_note(uow(), amelia, ben.staff_id)
    before = snapshot(engine)
    (effect,) = provider_links.removal_effects(uow(), owner, amelia, [ben.staff_id])
    assert snapshot(engine) == before
    assert effect.is_treating and effect.shares_to_them == 1 and effect.keeps_own_chart
    assert effect.sentence("Amelia Abbott") == (
        "Ben Adeyemi is Amelia Abbott's treating provider; Amelia Abbott will have no treating "
        "provider until one is chosen. The chart share made to Ben Adeyemi for Amelia Abbott "
        "ends. Ben Adeyemi keeps reading their own chart of Amelia Abbott."
    )
