"""The lazy client list model (R1, R14) without widgets: paging, caching, sorting, searching,
refreshing, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from sqlalchemy import update

from desktop.clock import FixedClock
from desktop.db.tables import Appointment, Client, ClientProviderLink
from desktop.db.uow import UnitOfWork
from desktop.models import client_list_model as clm
from desktop.models import client_pages
from desktop.models.client_list_model import ClientListModel, ClientQuery
from desktop.services import (
    client_list,
    client_rows,
    clients,
    linked_profiles,
    practice,
    provider_links,
    staff,
)
from desktop.services.clients import ClientDraft
from desktop.services.errors import PermissionRefused
from desktop.services.passwords import Passwords
from desktop.services.principal import Principal, Role

NOW = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)
ZONE = "America/Toronto"
PASSWORD = "correct horse battery"


@pytest.fixture
def uow(engine) -> Callable[[], UnitOfWork]:
    clock = FixedClock(NOW)
    return lambda: UnitOfWork(engine, clock)


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def owner(uow, passwords) -> Principal:
    return practice.set_up_practice(
        uow(),
        passwords,
        practice.PracticeSetup(
            practice_name="Harbour Therapy Group",
            time_zone=ZONE,
            owner_name="Dr. Maya Okafor",
            owner_email="owner@harbour.test",
            password=PASSWORD,
            password_again=PASSWORD,
        ),
        workstation="front-desk-1",
    )


def add_provider(uow, passwords, owner, name: str) -> Principal:
    email = name.lower().replace(" ", ".").replace(",", "") + "@harbour.test"
    member = staff.add_staff(
        uow(),
        owner,
        passwords,
        staff.NewStaff(name, email, PASSWORD, frozenset({Role.PROVIDER}), "group"),
    )
    return Principal(member.id, email, name, frozenset({Role.PROVIDER}), "front-desk-1")


@pytest.fixture
def ana(uow, passwords, owner) -> Principal:
    return add_provider(uow, passwords, owner, "Ana Castillo, LCSW")


@pytest.fixture
def lee(uow, passwords, owner) -> Principal:
    return add_provider(uow, passwords, owner, "Dr. Daniel Lee")


def many_clients(uow, count: int, *linked_to: int) -> list[int]:
    """`count` clients named Client0000…, added as ORM rows (so whatever the database keeps in
    step with a client is kept); each linked to `linked_to`."""
    with uow() as work:
        now = work.now()
        made = [
            Client(
                first_name="Pat",
                last_name=f"Client{n:04d}",
                sort_name=f"client{n:04d} pat",
                date_of_birth=date(1950, 1, 1) + timedelta(days=n * 37),
                created_at=now,
                updated_at=now,
            )
            for n in range(count)
        ]
        work.session.add_all(made)
        work.session.flush()
        work.session.add_all(
            ClientProviderLink(
                client_id=client.id, provider_id=provider_id, status="active", created_at=now
            )
            for client in made
            for provider_id in linked_to
        )
        work.commit()
        return [client.id for client in made]


def new_client(uow, actor, first, last, **fields) -> int:
    draft = ClientDraft(first_name=first, last_name=last, **fields)
    return clients.create_client(uow(), actor, draft).id


def link(uow, client_id, provider_id, status="active") -> None:
    with uow() as work:
        work.session.add(
            ClientProviderLink(
                client_id=client_id, provider_id=provider_id, status=status, created_at=work.now()
            )
        )
        work.commit()


def book(uow, client_id, provider_id, starts_at) -> None:
    with uow() as work:
        work.session.add(
            Appointment(
                provider_id=provider_id,
                client_id=client_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=50),
                created_by=provider_id,
                created_at=work.now(),
            )
        )
        work.commit()


class Calls:
    """Counts calls of the list services the model makes (the real services answer)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows: list[list[int]] = []
        self.ids = 0
        self.pages = 0
        rows, ids, pages = client_rows.client_rows, client_list.client_ids, client_list.list_clients

        def counted_rows(uow, principal, wanted):
            self.rows.append(list(wanted))
            return rows(uow, principal, wanted)

        def counted_ids(*args, **kwargs):
            self.ids += 1
            return ids(*args, **kwargs)

        def counted_pages(*args, **kwargs):
            self.pages += 1
            return pages(*args, **kwargs)

        monkeypatch.setattr(client_rows, "client_rows", counted_rows)
        monkeypatch.setattr(client_list, "client_ids", counted_ids)
        monkeypatch.setattr(client_list, "list_clients", counted_pages)


@pytest.fixture
def calls(monkeypatch) -> Calls:
    return Calls(monkeypatch)


def model_for(uow, principal, scope="all", **options) -> ClientListModel:
    return ClientListModel(
        uow, principal, ZONE, ClientQuery(scope=scope, **options), page_size=10, cache_rows=20
    )


def loaded(uow, principal, scope="all", **options) -> ClientListModel:
    model = model_for(uow, principal, scope, **options)
    model.refresh()
    return model


def cell(
    model: ClientListModel, row: int, column: int = clm.NAME, role=Qt.ItemDataRole.DisplayRole
):
    return model.index(row, column).data(role)


def names(model: ClientListModel, count: int | None = None) -> list[str]:
    return [cell(model, row) for row in range(model.rowCount() if count is None else count)]


def settle() -> None:
    QCoreApplication.processEvents()


# -- the table ------------------------------------------------------------------------------


def test_the_table_has_five_columns_and_no_children(uow, owner, qapp):
    new_client(uow, owner, "Amelia", "Chen", date_of_birth=date(1985, 4, 23))
    model = loaded(uow, owner)
    assert model.rowCount() == 1 and model.columnCount() == 5
    assert model.rowCount(model.index(0, 0)) == 0 and model.columnCount(model.index(0, 0)) == 0
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Name", "Date of birth", "Status", "Providers", "Next appointment"]
    assert cell(model, 0) == "Chen, Amelia"
    assert cell(model, 0, clm.DATE_OF_BIRTH) == "23 Apr 1985"
    assert cell(model, 0, clm.DATE_OF_BIRTH, clm.SortRole) == date(1985, 4, 23)
    assert cell(model, 0, clm.PROVIDERS) == "No provider"
    assert cell(model, 0, clm.STATUS) == "—"
    assert model.index(0, 0).data(clm.ClientIdRole) == model.client_id(0)
    assert model.index(1, 0).data() is None and not model.index(0, 0).parent().isValid()


def test_a_new_model_shows_nothing_until_it_is_loaded(uow, owner, calls):
    model = model_for(uow, owner)
    assert model.rowCount() == 0 and calls.pages == 0 and calls.rows == []


# -- paging ---------------------------------------------------------------------------------


def test_only_the_first_page_is_fetched_until_the_view_asks_for_more(uow, owner, calls, qapp):
    ids = many_clients(uow, 35)
    model = loaded(uow, owner)
    assert model.rowCount() == 35 and model.total == 35
    assert calls.pages == 1 and calls.ids == 0 and calls.rows == []
    assert names(model, 10) == [f"Client{n:04d}, Pat" for n in range(10)]
    assert calls.rows == [] and calls.ids == 0, "the first page came with the list"

    assert cell(model, 14) == "Client0014, Pat"
    assert calls.pages == 2, "in name order, the page holding the row, by its offset"
    for row in range(10, 20):
        cell(model, row, clm.STATUS)
    assert calls.pages == 2
    assert cell(model, 34) == "Client0034, Pat"
    assert calls.pages == 3 and calls.ids == 0 and calls.rows == []
    assert model.client_id(34) == ids[34]


@pytest.mark.parametrize("sort", ["date_of_birth", "next_appointment"])
def test_every_order_is_paged_by_offset_without_fetching_every_id(uow, owner, calls, qapp, sort):
    many_clients(uow, 35)
    model = loaded(uow, owner, sort=sort)
    assert calls.pages == 1 and calls.ids == 0
    assert cell(model, 14) == "Client0014, Pat"
    assert calls.pages == 2 and calls.ids == 0, "the page holding the row, by its offset"
    assert cell(model, 34) == "Client0034, Pat"
    assert calls.pages == 3 and calls.ids == 0


@pytest.mark.parametrize("sort", client_list.SORTS)
@pytest.mark.parametrize("descending", [False, True])
def test_a_jump_far_down_reads_from_the_nearest_mark_of_the_walked_list(
    uow, owner, ana, qapp, monkeypatch, sort, descending
):
    """While shown, the list walks itself and keeps every few rows' client; a jump (no row above
    known) then reads from the nearest mark above, skipping the rows between: the same clients
    as the list in full, in every order."""
    monkeypatch.setattr(client_pages, "MARK_EVERY", 7)
    monkeypatch.setattr(client_pages, "WALK_STEP", 9)
    made = many_clients(uow, 60)
    for n, client_id in enumerate(made):
        if n % 3 == 0:
            book(uow, client_id, ana.staff_id, NOW + timedelta(days=1 + (n * 7) % 40))
    expected = client_list.client_ids(uow(), owner, "all", sort=sort, descending=descending)
    model = loaded(uow, owner, sort=sort, descending=descending)
    asked: list = []
    pages = client_list.list_clients

    def recorded(*args, **kwargs):
        asked.append((kwargs["offset"], kwargs.get("after_row"), kwargs.get("after")))
        return pages(*args, **kwargs)

    monkeypatch.setattr(client_list, "list_clients", recorded)
    until = time.monotonic() + 20  # the walk is read on a thread of its own
    while not model.walked and time.monotonic() < until:
        settle()
        time.sleep(0.002)
    assert model.walked
    for row in (55, 33, 47, 12, 59):
        assert model.client_id(row) == expected[row], row
        assert cell(model, row) == cell_name(uow, owner, expected[row])
    jumps = {(offset, after_row) for offset, after_row, _ in asked}
    assert {(50, 49), (30, 28)} <= jumps, "read from the marks at rows 49 and 28"
    assert all(after is not None for _, _, after in asked), "no page read by its offset alone"


def cell_name(uow, owner, client_id: int) -> str:
    (row,) = client_rows.client_rows(uow(), owner, [client_id])
    return row.display_name


def test_a_client_added_while_paging_makes_the_list_fetch_every_id(uow, owner, calls, qapp):
    many_clients(uow, 25)
    model = loaded(uow, owner)
    new_client(uow, owner, "Aaron", "Aaberg")  # sorts first: every later row moves down one
    assert cell(model, 24) == "Client0023, Pat"
    assert calls.ids == 1 and model.rowCount() == 25
    qapp.processEvents()  # the list catches up with the new count
    assert model.rowCount() == 26 and cell(model, 0) == "Aaberg, Aaron"


def test_a_search_is_paged_like_the_whole_list(uow, owner, calls, qapp):
    many_clients(uow, 25)
    model = loaded(uow, owner, search="client00")
    assert model.total == 25 and model.rowCount() == 25
    assert calls.pages == 1 and calls.ids == 0 and calls.rows == []
    assert names(model, 10) == [f"Client{n:04d}, Pat" for n in range(10)]
    assert cell(model, 24) == "Client0024, Pat"
    assert calls.pages == 2 and calls.ids == 0 and calls.rows == []


def test_the_cache_keeps_the_rows_shown_last_and_fetches_the_others_again(uow, owner, calls, qapp):
    ids = many_clients(uow, 40)
    model = loaded(uow, owner, sort="date_of_birth")  # cache of 20 rows, pages of 10
    for row in (15, 25, 35):
        cell(model, row)
    assert calls.pages == 4 and calls.rows == []  # each page came with its rows
    assert not model.is_cached(ids[0]) and not model.is_cached(ids[15])
    assert model.is_cached(ids[25]) and model.is_cached(ids[35])
    assert cell(model, 5) == "Client0005, Pat"
    assert calls.rows[-1] == ids[0:10]


def test_data_for_a_row_past_the_end_fetches_nothing(uow, owner, calls, qapp):
    many_clients(uow, 3)
    model = loaded(uow, owner)
    assert model.client_id(3) is None and model.client_row(-1) is None
    assert calls.rows == [] and calls.ids == 0


# -- sorting and searching -------------------------------------------------------------------


def test_sorting_is_done_by_the_database_and_keeps_undated_clients_last(uow, owner, qapp):
    new_client(uow, owner, "Amelia", "Chen", date_of_birth=date(1985, 4, 23))
    new_client(uow, owner, "Noah", "Abbott", date_of_birth=date(1990, 1, 2))
    new_client(uow, owner, "Élodie", "Dubois")
    model = loaded(uow, owner)
    assert names(model) == ["Abbott, Noah", "Chen, Amelia", "Dubois, Élodie"]
    model.sort(clm.DATE_OF_BIRTH, Qt.SortOrder.DescendingOrder)
    assert model.query.sort == "date_of_birth" and model.query.descending
    assert names(model) == ["Abbott, Noah", "Chen, Amelia", "Dubois, Élodie"]
    model.sort(clm.DATE_OF_BIRTH, Qt.SortOrder.AscendingOrder)
    assert names(model) == ["Chen, Amelia", "Abbott, Noah", "Dubois, Élodie"]
    assert model.sort_column() == clm.DATE_OF_BIRTH
    assert model.sort_order() == Qt.SortOrder.AscendingOrder
    model.sort(clm.NAME, Qt.SortOrder.DescendingOrder)
    assert names(model) == ["Dubois, Élodie", "Chen, Amelia", "Abbott, Noah"]


def test_status_and_providers_cannot_be_sorted_and_say_so(uow, owner, calls, qapp):
    new_client(uow, owner, "Amelia", "Chen")
    model = loaded(uow, owner)
    before = calls.pages
    for column in (clm.STATUS, clm.PROVIDERS):
        model.sort(column, Qt.SortOrder.DescendingOrder)
        assert not model.is_sortable(column)
        assert "cannot be sorted" in model.headerData(
            column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )
    assert calls.pages == before and model.query.sort == "name"
    assert model.is_sortable(clm.NEXT_APPOINTMENT)


def test_sorting_by_next_appointment_puts_clients_without_one_last(uow, owner, ana, qapp):
    soon = new_client(uow, owner, "Amelia", "Chen")
    later = new_client(uow, owner, "Noah", "Abbott")
    new_client(uow, owner, "Élodie", "Dubois")
    for client_id in (soon, later):
        link(uow, client_id, ana.staff_id)
    book(uow, later, ana.staff_id, NOW + timedelta(days=7))
    book(uow, soon, ana.staff_id, NOW + timedelta(days=1))
    model = loaded(uow, owner)
    model.sort(clm.NEXT_APPOINTMENT)
    assert names(model) == ["Chen, Amelia", "Abbott, Noah", "Dubois, Élodie"]
    # 15:00 UTC is 10:00 in Toronto.
    assert cell(model, 0, clm.NEXT_APPOINTMENT) == "Wed 05 Mar 2025, 10:00"
    assert cell(model, 0, clm.NEXT_APPOINTMENT, clm.SortRole) == NOW + timedelta(days=1)
    assert cell(model, 2, clm.NEXT_APPOINTMENT) == ""


def test_searching_narrows_the_list_and_an_empty_search_shows_everyone(uow, owner, qapp):
    for first, last in [("Amelia", "Chen"), ("Grace", "Chenier"), ("Noah", "Abbott")]:
        new_client(uow, owner, first, last)
    model = loaded(uow, owner)
    model.update_query(search="chen")
    assert names(model) == ["Chen, Amelia", "Chenier, Grace"] and model.total == 2
    model.update_query(search="chen am")
    assert names(model) == ["Chen, Amelia"]
    model.update_query(search="zz")
    assert model.rowCount() == 0 and model.total == 0
    model.update_query(search="")
    assert model.total == 3


def test_the_status_filter_keeps_clients_with_that_status(uow, owner, ana, lee, qapp):
    active = new_client(uow, owner, "Amelia", "Chen")
    discharged = new_client(uow, owner, "Noah", "Abbott")
    link(uow, active, ana.staff_id)
    link(uow, discharged, lee.staff_id, status="discharged")
    model = loaded(uow, owner, status="discharged")
    assert names(model) == ["Abbott, Noah"]


# -- R1 and what the cells say ---------------------------------------------------------------


def test_R1_my_clients_shows_a_providers_own_clients_and_all_clients_is_refused(
    uow, owner, ana, lee, qapp
):
    mine = new_client(uow, ana, "Amelia", "Chen")  # a provider who adds a client has them
    new_client(uow, lee, "Noah", "Abbott")
    model = loaded(uow, ana, "mine")
    assert names(model) == ["Chen, Amelia"] and model.client_id(0) == mine
    with pytest.raises(PermissionRefused) as refused:
        model.update_query(scope="all")
    assert refused.value.rule == "R1"
    assert names(model) == ["Chen, Amelia"], "a refused query leaves the list as it was"


def test_status_reads_short_and_in_my_clients_says_the_status_with_me(uow, owner, ana, lee, qapp):
    client_id = new_client(uow, owner, "Amelia", "Chen")
    link(uow, client_id, ana.staff_id)
    link(uow, client_id, lee.staff_id, status="discharged")
    model = loaded(uow, owner)
    assert cell(model, 0, clm.STATUS) == "Active (Castillo), Discharged (Lee)"
    assert cell(model, 0, clm.STATUS, Qt.ItemDataRole.ToolTipRole) == (
        "Active with Ana Castillo, LCSW\nDischarged with Dr. Daniel Lee"
    )
    assert cell(model, 0, clm.PROVIDERS) == "Ana Castillo, LCSW · Dr. Daniel Lee"
    assert cell(model, 0, clm.NAME, Qt.ItemDataRole.ForegroundRole) is None
    assert cell(loaded(uow, lee, "mine"), 0, clm.STATUS) == "Discharged"
    assert cell(loaded(uow, lee, "mine"), 0, role=Qt.ItemDataRole.ForegroundRole) is not None
    assert cell(loaded(uow, ana, "mine"), 0, clm.STATUS) == "Active"


def test_R14_a_client_with_a_linked_profile_is_marked_and_listed_with_it(uow, owner, qapp):
    first = new_client(uow, owner, "Amelia", "Chen")
    new_client(uow, owner, "Noah", "Chen")
    second = linked_profiles.create_linked_profile(uow(), owner, first, "Physiotherapy").id
    model = loaded(uow, owner)
    assert names(model) == ["Chen, Amelia", "Chen, Amelia", "Chen, Noah"]
    assert {model.client_id(0), model.client_id(1)} == {first, second}
    assert [cell(model, r, role=clm.LinkedProfilesRole) for r in range(3)] == [1, 1, 0]
    assert "linked profile" in cell(model, 0, role=Qt.ItemDataRole.ToolTipRole)
    assert cell(model, 2, role=Qt.ItemDataRole.ToolTipRole) == "Chen, Noah"


# -- refreshing after a change ---------------------------------------------------------------


def test_refresh_shows_a_new_client_in_its_place(uow, owner, qapp):
    many_clients(uow, 25)
    model = loaded(uow, owner)
    added = new_client(uow, owner, "Zed", "Client0012b")
    assert model.rowCount() == 25, "nothing moves until the list is refreshed"
    model.refresh()
    assert model.rowCount() == 26 and model.row_of(added) == 13
    assert cell(model, 13) == "Client0012b, Zed"


def test_a_client_whose_link_ended_disappears_from_my_clients_on_refresh(
    uow, owner, ana, calls, qapp
):
    ids = many_clients(uow, 25, ana.staff_id)
    model = loaded(uow, ana, "mine", sort="date_of_birth")
    assert model.total == 25 and model.row_of(ids[24]) == 24  # finding it fetched every id
    provider_links.remove_from_provider_list(uow(), owner, ids[15], ana.staff_id)
    # Not refreshed yet: the row is still counted but its details are no longer given out.
    assert cell(model, 15) == clm.GONE_TEXT
    assert "no longer on this list" in cell(model, 15, role=Qt.ItemDataRole.ToolTipRole)
    assert cell(model, 16) == "Client0016, Pat"
    model.refresh()
    assert model.total == 24 and model.row_of(ids[15]) == -1
    assert cell(model, 15) == "Client0016, Pat"


def test_a_change_between_the_first_page_and_the_rest_is_caught_up(uow, owner, qapp):
    many_clients(uow, 25)
    model = loaded(uow, owner)
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    new_client(uow, owner, "Aaron", "Aardvark")  # sorts first, after the first page was read
    assert cell(model, 20) == "Client0019, Pat", "the ids now include the new client"
    settle()
    assert inserted == [(25, 25)] and model.rowCount() == 26
    assert cell(model, 0) == "Aardvark, Aaron" and cell(model, 25) == "Client0024, Pat"


def test_a_failed_fetch_is_reported_and_data_answers_blank(uow, owner, monkeypatch, qapp):
    many_clients(uow, 25)
    model = loaded(uow, owner, sort="date_of_birth")
    errors = []
    model.fetch_failed.connect(errors.append)

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(client_list, "client_ids", broken)
    new_client(uow, owner, "Aaron", "Aardvark")  # the list changed: every id is needed again
    assert cell(model, 20) == "" and cell(model, 20, clm.STATUS) == ""
    assert [str(e) for e in errors] == ["database went away"]
    assert cell(model, 5) == "Client0005, Pat"
    settle()
    assert model.rowCount() == 10, "only what is known stays"


def test_a_page_that_cannot_be_fetched_stays_blank_until_the_list_is_refreshed(
    uow, owner, monkeypatch, qapp
):
    many_clients(uow, 25)
    model = loaded(uow, owner)
    errors = []
    model.fetch_failed.connect(errors.append)
    working = client_list.list_clients

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(client_list, "list_clients", broken)
    assert cell(model, 20) == "" and cell(model, 21) == ""
    assert [str(e) for e in errors] == ["database went away"], "reported once, not per cell"
    assert cell(model, 5) == "Client0005, Pat" and model.rowCount() == 25
    monkeypatch.setattr(client_list, "list_clients", working)
    model.refresh()
    assert cell(model, 20) == "Client0020, Pat"


def test_linked_and_ended_links_in_the_database_are_read_by_the_services(uow, owner, ana, qapp):
    """A sanity check of the fixtures: an ended link leaves no status."""
    client_id = new_client(uow, owner, "Amelia", "Chen")
    link(uow, client_id, ana.staff_id)
    with uow() as work:
        work.session.execute(
            update(ClientProviderLink)
            .where(ClientProviderLink.client_id == client_id)
            .values(ended_at=NOW)
        )
        work.commit()
    model = loaded(uow, owner)
    assert cell(model, 0, clm.STATUS) == "—"
    assert model.index(0, 0).data(clm.ClientRowRole).statuses == ()
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
