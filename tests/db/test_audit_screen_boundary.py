"""R13 and B7 on PostgreSQL as the person: the Owner and a Record Custodian, connected with their
own logins through row-level security, page and filter the trail, export it and read a client's
accounting of disclosures; the database itself gives anyone else no entry to read."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import URL, Engine, text

from desktop.db.engine import create_database_engine
from desktop.db.uow import UnitOfWork
from desktop.services import audit_query, disclosures, sharing
from desktop.services.audit import Action
from desktop.services.audit_query import AuditFilter
from tests.db.boundary_world import PASSWORD, World, build_world
from tests.services import worlds


@pytest.fixture
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        world = build_world(engine, postgres_server.host, postgres_server.port)
        people = world.people
        # Gale (records owned by the group) shares her chart of "Client Grp" with Rhea, saying why
        sharing.start_chart_share(
            world.uow(),
            people["grp"],
            world.clients["grp"],
            people["grp"].staff_id,
            people["recv"].staff_id,
            purpose="Second opinion",
        )
        yield world


@pytest.fixture
def as_person(world: World) -> Iterator:
    engines: list[Engine] = []

    def make(who: str):
        url = URL.create(
            "postgresql+psycopg",
            username=world.login(who),
            password=PASSWORD,
            host=world.host,
            port=world.port,
            database=world.database,
        )
        engine = create_database_engine(url)
        engines.append(engine)
        return lambda: UnitOfWork(engine)

    yield make
    for engine in engines:
        engine.dispose()


@pytest.mark.parametrize("who", ["owner", "custodian"])
def test_R13_the_record_keepers_page_filter_and_export_as_themselves(world, as_person, who):
    uow = as_person(who)
    me = world.people[who]
    page = audit_query.audit_page(uow(), me, AuditFilter(client="Grp"))
    assert page.clients_matched == 1
    started = [row for row in page.rows if row.entry.action == Action.SHARE_STARTED]
    assert [row.what for row in started] == [
        "Gale Group shared their chart of Client Grp with Rhea Receiver, without private notes. "
        "Purpose: Second opinion"
    ]
    everything, after = [], None
    while True:
        page = audit_query.audit_page(uow(), me, AuditFilter(), "workstation", False, after, 1)
        everything.extend(page.rows)
        if page.next_mark is None:
            break
        after = page.next_mark
    with world.engine.connect() as connection:  # as the superuser: every entry
        total = connection.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    assert len(everything) == total
    out = io.StringIO()
    count = audit_query.export_filtered_csv(uow(), me, out, AuditFilter(client="Client Grp"))
    assert count == len(out.getvalue().splitlines()) - 1 >= 2
    newest = audit_query.audit_page(uow(), me, AuditFilter(actions=(Action.AUDIT_EXPORTED,)))
    assert newest.rows[0].who == me.display_name  # appended in the person's own name


@pytest.mark.parametrize("who", ["owner", "custodian"])
def test_B7_the_accounting_of_disclosures_as_the_person(world, as_person, who):
    uow = as_person(who)
    me = world.people[who]
    client = world.clients["grp"]
    account = disclosures.disclosures_of(uow(), me, client)
    # the world's share to Nell had passed its end date: starting Rhea's recorded its end (B2)
    assert [(r.kind, r.to_whom, r.why) for r in account.rows] == [
        ("Share ended", "Nell Noshare", "Its end date was reached"),
        ("Chart shared", "Rhea Receiver", "Second opinion"),
    ]
    disclosures.record_disclosures_given(uow(), me, client, "csv", len(account.rows))
    again = disclosures.disclosures_of(uow(), me, client)
    assert [r.kind for r in again.rows][-1] == "Disclosures listed"
    assert again.rows[-1].by_whom == me.display_name


def test_R13_a_manager_connected_as_themselves_reads_no_entry(world, as_person):
    uow = as_person("manager")
    with uow() as work:
        seen = work.session.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    assert seen == 0
