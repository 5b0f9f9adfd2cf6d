"""The client list (R1): My Clients and All Clients, search, sort, paging, next appointment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.services import client_list, client_rows
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .test_clients import book, link, new_client


def names(page_or_rows) -> list[str]:
    rows = page_or_rows.rows if hasattr(page_or_rows, "rows") else page_or_rows
    return [row.display_name for row in rows]


def listed(uow, actor, scope="all", **options) -> list[str]:
    return names(client_list.list_clients(uow(), actor, scope=scope, **options))


@pytest.fixture
def lee(add_member):
    return add_member("Dr Lee", Role.PROVIDER, records_owner="provider")


@pytest.fixture
def ana(add_member):
    return add_member("Ana Castillo", Role.PROVIDER, records_owner="group")


@pytest.fixture
def people(uow, owner):
    """Six clients added by the Owner, keyed by first name."""
    made = [
        ("Amelia", "Chen", date(1985, 4, 23), "amelia.chen@example.com", "(416) 555-0101"),
        ("Noah", "Abbott", date(1990, 1, 2), None, None),
        ("Élodie", "Dubois", None, None, "613-555-7788"),
        ("Chen", "Garcia", date(1972, 11, 30), None, None),
        ("Liam", "O'Brien", date(1985, 4, 23), "liam@example.com", None),
        ("Grace", "Chenier", date(2001, 6, 15), None, None),
    ]
    return {
        first: new_client(
            uow, owner, first, last, date_of_birth=born, email=email, phone_mobile=phone
        ).id
        for first, last, born, email, phone in made
    }


def test_R1_a_providers_my_clients_shows_exactly_the_clients_linked_to_them(uow, people, lee, ana):
    link(uow, people["Amelia"], lee.staff_id)
    link(uow, people["Noah"], lee.staff_id, status="discharged")
    link(uow, people["Liam"], lee.staff_id, ended=True)
    link(uow, people["Grace"], ana.staff_id)
    page = client_list.list_clients(uow(), lee, scope="mine")
    assert names(page) == ["Abbott, Noah", "Chen, Amelia"] and page.total == 2
    assert listed(uow, ana, "mine") == ["Chenier, Grace"]


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.BILLER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R1_group_wide_roles_see_all_clients(uow, owner, add_member, people, role):
    everyone = [
        "Abbott, Noah",
        "Chen, Amelia",
        "Chenier, Grace",
        "Dubois, Élodie",
        "Garcia, Chen",
        "O'Brien, Liam",
    ]
    assert listed(uow, owner) == everyone
    assert listed(uow, add_member("Some One", role)) == everyone


def test_R1_a_provider_asking_for_all_clients_is_refused_in_plain_words(uow, people, lee):
    for ask in (
        lambda: client_list.list_clients(uow(), lee, scope="all"),
        lambda: client_list.client_ids(uow(), lee, "all"),
    ):
        with pytest.raises(PermissionRefused) as refused:
            ask()
        assert refused.value.rule == "R1"
        assert "My Clients shows the clients on your list" in refused.value.message


def test_R1_a_provider_who_is_also_owner_sees_all_and_their_own(uow, add_member, people):
    both = add_member("Dr Solo", Role.OWNER, Role.PROVIDER, records_owner="provider")
    link(uow, people["Liam"], both.staff_id)
    assert listed(uow, both, "mine") == ["O'Brien, Liam"]
    assert len(listed(uow, both, "all")) == 6


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("chen", ["Chen, Amelia", "Chenier, Grace", "Garcia, Chen"]),
        ("CHEN", ["Chen, Amelia", "Chenier, Grace", "Garcia, Chen"]),
        ("  Chen,   Amelia ", ["Chen, Amelia"]),
        ("chen am", ["Chen, Amelia"]),
        ("amelia ch", ["Chen, Amelia"]),
        ("ameli", ["Chen, Amelia"]),
        ("élo", ["Dubois, Élodie"]),
        ("ÉLODIE DUBOIS", ["Dubois, Élodie"]),
        ("o'b", ["O'Brien, Liam"]),
        ("o’bri", ["O'Brien, Liam"]),
        ("obr", ["O'Brien, Liam"]),
        ("elodie", ["Dubois, Élodie"]),
        ("ch am", ["Chen, Amelia"]),
        ("am,ch", ["Chen, Amelia"]),
        ("gar chen", ["Garcia, Chen"]),
        ("-", []),
        ("hen", []),
        ("%", []),
        ("_oah", []),
        ("1985-04-23", ["Chen, Amelia", "O'Brien, Liam"]),
        ("1985-02-30", []),
        ("liam@example", ["O'Brien, Liam"]),
        ("555-77", ["Dubois, Élodie"]),
        (
            "",
            [
                "Abbott, Noah",
                "Chen, Amelia",
                "Chenier, Grace",
                "Dubois, Élodie",
                "Garcia, Chen",
                "O'Brien, Liam",
            ],
        ),
    ],
)
def test_R1_search_matches_name_prefixes_any_case_a_birth_date_or_contacts(
    uow, owner, people, search, expected
):
    page = client_list.list_clients(uow(), owner, scope="all", search=search)
    assert names(page) == expected and page.total == len(expected)


def test_R1_search_and_status_work_within_my_clients(uow, people, lee, ana):
    for first in ("Amelia", "Grace", "Chen"):
        link(uow, people[first], lee.staff_id, status="active" if first != "Grace" else "inactive")
    link(uow, people["Amelia"], ana.staff_id, status="discharged")
    assert listed(uow, lee, "mine", search="che") == [
        "Chen, Amelia",
        "Chenier, Grace",
        "Garcia, Chen",
    ]
    assert listed(uow, lee, "mine", status="inactive") == ["Chenier, Grace"]
    assert listed(uow, lee, "mine", status="discharged") == []
    assert listed(uow, ana, "mine", status="discharged") == ["Chen, Amelia"]


def test_R1_status_on_all_clients_means_any_of_their_providers(uow, owner, people, lee, ana):
    link(uow, people["Amelia"], lee.staff_id, status="active")
    link(uow, people["Amelia"], ana.staff_id, status="discharged")
    link(uow, people["Noah"], ana.staff_id, status="discharged", ended=True)
    assert listed(uow, owner, status="discharged") == ["Chen, Amelia"]
    assert listed(uow, owner, status="active") == ["Chen, Amelia"]


def test_R1_rows_show_providers_by_name_with_their_statuses(uow, owner, people, lee, ana):
    link(uow, people["Amelia"], lee.staff_id, status="inactive")
    link(uow, people["Amelia"], ana.staff_id)
    link(uow, people["Noah"], ana.staff_id, ended=True)
    rows = {row.first_name: row for row in client_list.list_clients(uow(), owner, scope="all").rows}
    amelia = rows["Amelia"]
    assert amelia.provider_names == "Ana Castillo, Dr Lee"
    assert [(s.provider_name, s.status) for s in amelia.statuses] == [
        ("Ana Castillo", "active"),
        ("Dr Lee", "inactive"),
    ]
    assert amelia.status_with(lee.staff_id) == "inactive"
    assert amelia.date_of_birth == date(1985, 4, 23)
    assert rows["Noah"].provider_names == "" and rows["Noah"].statuses == ()


def test_R1_sorting_and_paging_are_done_by_the_database(uow, owner):
    for n in range(25):
        new_client(uow, owner, f"First{n:02d}", "Same" if n % 5 == 0 else f"Last{n % 7}")
    everything = client_list.client_ids(uow(), owner, "all")
    assert len(everything) == 25
    pages = [
        client_list.list_clients(uow(), owner, scope="all", offset=offset, limit=10)
        for offset in (0, 10, 20)
    ]
    assert [p.total for p in pages] == [25, 25, 25]
    assert [len(p.rows) for p in pages] == [10, 10, 5]
    paged = [row.id for p in pages for row in p.rows]
    assert paged == everything and len(set(paged)) == 25
    rows = client_rows.client_rows(uow(), owner, everything)
    keys = [(r.last_name.lower(), r.first_name.lower(), r.id) for r in rows]
    assert keys == sorted(keys)
    backwards = client_list.client_ids(uow(), owner, "all", descending=True)
    assert backwards == everything[::-1]


def test_R1_sorting_by_birth_date_puts_unknown_dates_last_both_ways(uow, owner, people):
    ascending = listed(uow, owner, sort="date_of_birth")
    assert ascending == [
        "Garcia, Chen",
        "Chen, Amelia",
        "O'Brien, Liam",
        "Abbott, Noah",
        "Chenier, Grace",
        "Dubois, Élodie",
    ]
    descending = listed(uow, owner, sort="date_of_birth", descending=True)
    assert descending == ascending[:-1][::-1] + ["Dubois, Élodie"]


def test_R1_next_appointment_is_the_first_booked_one_from_now(uow, owner, people, lee, clock):
    now = clock.now()
    amelia, noah, grace = people["Amelia"], people["Noah"], people["Grace"]
    book(uow, amelia, lee.staff_id, now - timedelta(days=1))  # past
    book(uow, amelia, lee.staff_id, now + timedelta(hours=1), status="cancelled")
    book(uow, amelia, lee.staff_id, now + timedelta(days=7))
    book(uow, amelia, lee.staff_id, now + timedelta(days=2))
    book(uow, noah, lee.staff_id, now)  # starting now still counts
    book(uow, grace, lee.staff_id, now + timedelta(days=30))
    rows = {r.id: r for r in client_list.list_clients(uow(), owner, scope="all").rows}
    assert rows[amelia].next_appointment == now + timedelta(days=2)
    assert rows[noah].next_appointment == now
    assert rows[people["Liam"]].next_appointment is None
    by_next = listed(uow, owner, sort="next_appointment")
    assert by_next[:3] == ["Abbott, Noah", "Chen, Amelia", "Chenier, Grace"]
    assert by_next[3:] == ["Dubois, Élodie", "Garcia, Chen", "O'Brien, Liam"]
    by_next_desc = listed(uow, owner, sort="next_appointment", descending=True)
    assert by_next_desc[:3] == ["Chenier, Grace", "Chen, Amelia", "Abbott, Noah"]
    clock.advance(timedelta(days=3))
    rows = {r.id: r for r in client_rows.client_rows(uow(), owner, [amelia, noah])}
    assert rows[amelia].next_appointment == now + timedelta(days=7)
    assert rows[noah].next_appointment is None


def test_R1_client_rows_keep_the_order_given_and_drop_what_the_principal_may_not_see(
    uow, people, lee
):
    link(uow, people["Grace"], lee.staff_id)
    link(uow, people["Noah"], lee.staff_id)
    asked = [people["Grace"], people["Amelia"], 9999, people["Noah"]]
    rows = client_rows.client_rows(uow(), lee, asked)
    assert [r.id for r in rows] == [people["Grace"], people["Noah"]]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"scope": "everyone"}, "scope"),
        ({"scope": "all", "sort": "shoe_size"}, "sort"),
        ({"scope": "all", "status": "paused"}, "status"),
    ],
)
def test_R1_an_unknown_list_option_is_invalid_input(uow, owner, options, field):
    with pytest.raises(InvalidInput) as invalid:
        client_list.list_clients(uow(), owner, **options)
    assert invalid.value.field == field


def test_R1_a_role_without_a_list_of_its_own_has_an_empty_my_clients(uow, add_member, people):
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    page = client_list.list_clients(uow(), desk, scope="mine")
    assert page.rows == [] and page.total == 0


def test_R1_search_finds_each_word_of_a_compound_or_hyphenated_name(uow, owner):
    new_client(uow, owner, "Mary Ann", "van der Berg")
    new_client(uow, owner, "Amelia", "Chen-Wu")
    assert listed(uow, owner, search="berg") == ["van der Berg, Mary Ann"]
    assert listed(uow, owner, search="mary ann van") == ["van der Berg, Mary Ann"]
    assert listed(uow, owner, search="van der berg, mary") == ["van der Berg, Mary Ann"]
    assert listed(uow, owner, search="wu") == ["Chen-Wu, Amelia"]
    assert listed(uow, owner, search="amelia chen-") == ["Chen-Wu, Amelia"]


@pytest.mark.parametrize("sort", client_list.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_R1_pages_in_every_order_join_up_to_the_whole_list_with_unknowns_last(
    uow, owner, lee, clock, sort, descending
):
    """Orders read in two parts (birth date known, then unknown; booked, then not) page across
    the seam without a gap or a repeat, whoever asks and whatever the page size."""
    for n in range(23):
        born = None if n % 3 == 0 else date(1960 + n % 4, 1 + n % 12, 1 + n)
        made = new_client(uow, owner, f"First{n:02d}", f"Last{n % 5}", date_of_birth=born).id
        if n % 2 == 0:
            link(uow, made, lee.staff_id)
        if n % 4 == 1:
            book(uow, made, lee.staff_id, clock.now() + timedelta(days=n))
    for actor, scope, search in ((owner, "all", ""), (lee, "mine", ""), (owner, "all", "last")):
        options = {"scope": scope, "search": search, "sort": sort, "descending": descending}
        everything = client_list.client_ids(uow(), actor, **options)
        assert len(everything) == (12 if scope == "mine" else 23)
        for size in (4, 7):
            paged = [
                i
                for offset in range(0, len(everything), size)
                for i in client_list.list_clients(
                    uow(), actor, offset=offset, limit=size, **options
                ).ids
            ]
            assert paged == everything, (scope, search, size)
        rows = client_rows.client_rows(uow(), actor, everything)
        if sort == "date_of_birth":
            known = [r.date_of_birth for r in rows if r.date_of_birth is not None]
            assert known == sorted(known, reverse=descending)
            assert all(r.date_of_birth is None for r in rows[len(known) :])
        if sort == "next_appointment":
            booked = [r.next_appointment for r in rows if r.next_appointment is not None]
            assert booked == sorted(booked, reverse=descending)
            assert all(r.next_appointment is None for r in rows[len(booked) :])


def test_R1_a_search_of_one_or_two_letters_lists_each_client_once_in_order(uow, owner):
    """The first keystrokes are read from the index of the words' first letters: a client with
    several words starting with the letters is listed once, in list order, page after page."""
    for first, last in (("Cole", "Carter"), ("Ana", "Cohen"), ("Cy", "Abbott"), ("Bo", "Smith")):
        new_client(uow, owner, first, last)
    assert listed(uow, owner, search="c") == ["Abbott, Cy", "Carter, Cole", "Cohen, Ana"]
    assert listed(uow, owner, search="C", descending=True) == [
        "Cohen, Ana",
        "Carter, Cole",
        "Abbott, Cy",
    ]
    assert listed(uow, owner, search="co") == ["Carter, Cole", "Cohen, Ana"]
    assert listed(uow, owner, search="ca") == ["Carter, Cole"]
    assert listed(uow, owner, search="c a") == ["Abbott, Cy", "Cohen, Ana"]
    pages = [listed(uow, owner, search="c", offset=n, limit=1) for n in range(4)]
    assert pages == [["Abbott, Cy"], ["Carter, Cole"], ["Cohen, Ana"], []]
    page = client_list.list_clients(uow(), owner, scope="all", search="c", limit=2)
    assert page.total == 3


@pytest.mark.parametrize("sort", client_list.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_R1_a_page_read_from_just_past_the_row_before_it_is_the_page_at_its_offset(
    uow, owner, lee, clock, sort, descending
):
    """Scrolling on reads the next page by the keys of the last row shown (quick however far
    down): the same rows as by offset, across the seam of the two-part orders, for each list
    and search; a client that is not in the list positions nothing (the page is by offset)."""
    outsider = new_client(uow, owner, "Zed", "Aaron", date_of_birth=date(1950, 1, 1)).id
    book(uow, outsider, lee.staff_id, clock.now() + timedelta(days=1, hours=6))
    for n in range(17):
        born = None if n % 3 == 0 else date(1960 + n % 4, 1 + n % 12, 1 + n)
        made = new_client(uow, owner, f"First{n:02d}", f"Last{n % 5}", date_of_birth=born).id
        if n % 2 == 0:
            link(uow, made, lee.staff_id)
        if n % 4 == 1:
            book(uow, made, lee.staff_id, clock.now() + timedelta(days=n))
        if n % 5 == 2:  # two upcoming appointments: listed once, at the first
            book(uow, made, lee.staff_id, clock.now() + timedelta(days=n, hours=3))
            book(uow, made, lee.staff_id, clock.now() + timedelta(days=n, hours=5))
    for actor, scope, search in ((owner, "all", ""), (lee, "mine", ""), (owner, "all", "l")):
        options = {"scope": scope, "search": search, "sort": sort, "descending": descending}
        everything = client_list.client_ids(uow(), actor, **options)
        for size in (1, 4):
            for offset in range(size, len(everything), size):
                page = client_list.list_clients(
                    uow(), actor, offset=offset, limit=size, after=everything[offset - 1], **options
                )
                assert page.ids == everything[offset : offset + size], (scope, offset)
                assert page.total >= offset + len(page.ids)
            # a jump: read past a client further up (a mark), skipping the rows between
            for offset in range(size, len(everything), size):
                for mark in {0, offset // 2, offset - 1}:
                    page = client_list.list_clients(
                        uow(), actor, offset=offset, limit=size, after=everything[mark],
                        after_row=mark, **options,
                    )  # fmt: skip
                    assert page.ids == everything[offset : offset + size], (scope, offset, mark)
        # walking the list a step at a time gives every id in order
        walked = client_list.ids_after(uow(), actor, limit=3, **options)
        while len(walked) < len(everything):
            step = client_list.ids_after(uow(), actor, after=walked[-1], limit=3, **options)
            assert step, (scope, len(walked))
            walked += step
        assert walked == everything
        # the page follows the client named, wherever the offset says it starts
        page = client_list.list_clients(
            uow(), actor, offset=5, limit=2, after=everything[0], **options
        )
        assert page.ids == everything[1:3]
        if scope == "mine":  # Zed is not on Dr Lee's list: the page is the one at the offset
            page = client_list.list_clients(
                uow(), actor, offset=2, limit=3, after=outsider, **options
            )
            assert page.ids == everything[2:5]


@pytest.mark.parametrize("sort", client_list.SORTS)
def test_R1_a_page_deep_in_the_list_reads_its_rows_after_skipping_by_the_index_alike(
    uow, owner, lee, clock, monkeypatch, sort
):
    """Far down, a page by offset skips its rows by the index alone and joins the details after:
    the same lines as near the top, for each list and direction."""
    for n in range(9):
        born = None if n % 3 == 0 else date(1970 + n, 1, 1)
        made = new_client(uow, owner, f"Deep{n}", f"Row{n % 4}", date_of_birth=born).id
        if n % 2 == 0:
            link(uow, made, lee.staff_id)
        if n % 3 == 1:
            book(uow, made, lee.staff_id, clock.now() + timedelta(days=n))
    for actor, scope in ((owner, "all"), (lee, "mine")):
        for descending in (False, True):
            options = {"scope": scope, "sort": sort, "descending": descending}
            near = client_list.list_clients(uow(), actor, limit=100, **options).rows
            monkeypatch.setattr(client_list, "SHALLOW_OFFSET", 0)
            deep = [
                row
                for offset in range(0, len(near), 2)
                for row in client_list.list_clients(
                    uow(), actor, offset=offset, limit=2, **options
                ).rows
            ]
            monkeypatch.setattr(client_list, "SHALLOW_OFFSET", 1000)
            assert deep == near, (scope, descending)


def test_R1_a_position_that_is_not_a_client_id_is_invalid_input(uow, owner):
    with pytest.raises(InvalidInput) as invalid:
        client_list.list_clients(uow(), owner, scope="all", offset=50, after="Smith")  # type: ignore[arg-type]
    assert invalid.value.field == "after"
    for row in (50, -1, "2"):
        with pytest.raises(InvalidInput) as invalid:
            client_list.list_clients(uow(), owner, scope="all", offset=50, after=1, after_row=row)  # type: ignore[arg-type]
        assert invalid.value.field == "after_row"
