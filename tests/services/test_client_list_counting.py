"""The client list's first page without a full count (R1): the page comes at once, the count
after it, and both agree with the counted list."""

from __future__ import annotations

import pytest

from desktop.services import client_list
from desktop.services.errors import PermissionRefused
from desktop.services.principal import Role

from .test_clients import link, new_client


@pytest.fixture
def many(uow, owner):
    """Twelve clients, four of them named Smith."""
    return [
        new_client(uow, owner, f"First{n:02d}", "Smith" if n % 3 == 0 else f"Last{n:02d}").id
        for n in range(12)
    ]


@pytest.mark.parametrize("sort", client_list.SORTS)
def test_R1_a_first_page_without_a_count_holds_the_same_rows_and_a_lower_bound(
    uow, owner, many, sort
):
    counted = client_list.list_clients(uow(), owner, scope="all", sort=sort, limit=5)
    quick = client_list.list_clients(uow(), owner, scope="all", sort=sort, limit=5, count=False)
    assert quick.ids == counted.ids and len(quick.ids) == 5
    assert counted.counted and counted.total == 12
    assert not quick.counted and quick.total == 6  # the page and at least one more
    assert client_list.count_clients(uow(), owner, scope="all") == 12


def test_R1_a_page_that_ends_the_list_gives_the_exact_total_without_a_count(uow, owner, many):
    last = client_list.list_clients(uow(), owner, scope="all", offset=10, limit=5, count=False)
    assert last.counted and last.total == 12 and len(last.ids) == 2
    smiths = client_list.list_clients(uow(), owner, scope="all", search="smith", count=False)
    assert smiths.counted and smiths.total == 4
    assert client_list.count_clients(uow(), owner, scope="all", search="smith") == 4
    nobody = client_list.list_clients(uow(), owner, scope="all", search="zz", count=False)
    assert nobody.counted and nobody.total == 0 and nobody.rows == []


def test_R1_counting_my_clients_counts_only_the_providers_own(uow, owner, add_member, many):
    lee = add_member("Dr Lee", Role.PROVIDER, records_owner="provider")
    for client_id in many[:7]:
        link(uow, client_id, lee.staff_id)
    page = client_list.list_clients(uow(), lee, scope="mine", limit=3, count=False)
    assert not page.counted and len(page.ids) == 3
    assert client_list.count_clients(uow(), lee, scope="mine") == 7
    assert client_list.count_clients(uow(), lee, scope="mine", search="smith") == 3


def test_R1_a_provider_may_not_count_all_clients(uow, owner, add_member, many):
    lee = add_member("Dr Lee", Role.PROVIDER, records_owner="provider")
    with pytest.raises(PermissionRefused) as refused:
        client_list.count_clients(uow(), lee, scope="all")
    assert "All Clients" in str(refused.value)
