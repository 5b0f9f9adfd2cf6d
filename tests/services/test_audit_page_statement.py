"""The Audit screen's page read in one statement (R13) against two references, for random
filters, orders and page sizes: the trail filtered, sorted and paged here in Python from every
row, and the filtered export, which still reads through the earlier statements (the name looked
up first, then the entries, then the names). The pages, followed to the end, hold exactly the
same entries in the same order with the same words; the count of clients a name matches is the
one the name's words give."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from desktop.db.name_index import name_words, search_words
from desktop.db.tables import AuditEvent, Client, Staff
from desktop.services import audit, audit_query
from desktop.services.audit import Action
from desktop.services.audit_query import MAX_CLIENTS, AuditFilter
from desktop.services.audit_words import Names
from desktop.services.principal import Role

from .factories import make_client

WORKSTATIONS = ("desk-a", "desk-b", "room 3")
ACTIONS = (
    Action.CHART_READ,
    Action.SHARE_STARTED,
    Action.CLIENT_UPDATED,
    Action.BILLING_VIEWED,
    Action.SIGN_IN,
)
#: names that share beginnings, accents and apostrophes, so typed words match one or several.
NAMES = [
    ("Amelia", "Abbott"),
    ("Amir", "Abbas"),
    ("Zoë", "O'Brien-Abbott"),
    ("Kim", "Chen"),
    ("Kimberly", "Chen"),
    ("Noah", "Amesbury"),
]
#: more clients than the screen filters by, all called "Zed …".
CROWD = MAX_CLIENTS + 3


@pytest.fixture
def trail(uow, clock, owner, add_member):
    """A practice whose trail has entries about many clients, by several people, at several
    workstations and times; returns the principals and client ids."""
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    people = [owner, ana, ben]
    clients = [make_client(uow(), first, last, ana.staff_id) for first, last in NAMES]
    crowd = [make_client(uow(), f"Zed{number:02d}", "Crowd") for number in range(CROWD)]
    with uow() as work:
        for number in range(120):
            actor = people[number % 3]
            client = (clients + crowd[:4])[number % 10] if number % 4 else None
            action = ACTIONS[number % len(ACTIONS)] if client else Action.SIGN_IN
            details = {"provider_id": ana.staff_id}
            if action == Action.SHARE_STARTED:
                details = {"from": ana.staff_id, "to": ben.staff_id, "include_private": False}
            elif action == Action.CLIENT_UPDATED:
                details = {"fields": ["phone"]}
            audit.record(
                work,
                actor,
                action,
                client_id=client,
                subject=f"chart:{client}:{ana.staff_id}" if client else None,
                details=details,
                workstation=WORKSTATIONS[number % 3],
            )
            if number % 30 == 29:
                work.commit()
                clock.advance(timedelta(days=1))
        work.commit()
    return {"people": people, "owner": owner}


def _reference(uow, wanted: AuditFilter, sort: str, descending: bool) -> tuple[list, int | None]:
    """Every entry `wanted` selects in the order asked, worked out here from all the rows, with
    the words the screen shows; and how many clients the name matches (None: no name)."""
    with uow() as work:
        session = work.session
        events = [audit.to_entry(event) for event in session.scalars(select(AuditEvent))]
        clients = {
            key: (sort_name, f"{first} {last}")
            for key, sort_name, first, last in session.execute(
                select(Client.id, Client.sort_name, Client.first_name, Client.last_name)
            )
        }
        staff = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    matched = None
    if (wanted.client or "").strip():
        typed = search_words(wanted.client)
        found = sorted(
            key
            for key, (sort_name, _name) in clients.items()
            if typed
            and all(
                any(word.startswith(t) for word, _shared in name_words(sort_name)) for t in typed
            )
        )
        matched = len(found[: MAX_CLIENTS + 1])
        chosen = set(found[:MAX_CLIENTS])
        events = [e for e in events if e.client_id in chosen]
    if wanted.start:
        events = [e for e in events if e.occurred_at >= wanted.start]
    if wanted.end:
        events = [e for e in events if e.occurred_at < wanted.end]
    if wanted.actor_id is not None:
        events = [e for e in events if e.actor_id == wanted.actor_id]
    if wanted.actions:
        events = [e for e in events if e.action in wanted.actions]
    if (wanted.workstation or "").strip():
        events = [e for e in events if e.workstation == wanted.workstation.strip()]
    column = {"who": "actor_label", "action": "action", "workstation": "workstation"}.get(sort)
    events.sort(key=lambda e: (getattr(e, column), e.seq) if column else e.seq, reverse=descending)
    names = Names(staff, {key: name for key, (_sort_name, name) in clients.items()})
    return [_words(audit_query.row_for(e, names)) for e in events], matched


def _words(row) -> tuple:
    return (row.entry.seq, row.who, row.action, row.client, row.what)


def _paged(uow, owner, wanted, sort, descending, size) -> tuple[list, list]:
    pages, after = [], None
    while True:
        page = audit_query.audit_page(uow(), owner, wanted, sort, descending, after, size)
        pages.append(page)
        if page.next_mark is None or len(pages) > 400:  # a page that repeats ends it too
            return [_words(row) for p in pages for row in p.rows], pages
        after = page.next_mark


typed_names = st.sampled_from(
    ["", "ab", "abbott", "am ab", "ZOE", "o'b", "obrien", "kim chen", "chen", "zed", "zed0",
     "zed05 crowd", "nobody", "   ", "-", "é"]
)  # fmt: skip


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    client=typed_names,
    actor=st.sampled_from([None, 0, 1, 2]),
    actions=st.lists(st.sampled_from(ACTIONS), max_size=2, unique=True),
    workstation=st.sampled_from([None, "", "desk-a", " room 3 ", "elsewhere"]),
    period=st.sampled_from([None, (0, 1), (1, 3), (2, 2)]),
    sort=st.sampled_from(audit_query.SORTS),
    descending=st.booleans(),
    size=st.sampled_from([1, 4, 13, 50]),
)
def test_R13_the_one_statement_page_shows_what_the_trail_holds_for_any_filter(
    uow, trail, client, actor, actions, workstation, period, sort, descending, size
):
    people = trail["people"]
    start = end = None
    if period is not None:
        with uow() as work:
            first = work.session.scalar(select(AuditEvent.occurred_at).order_by(AuditEvent.seq))
        start = first + timedelta(days=period[0])
        end = first + timedelta(days=period[1] + 1)
    wanted = AuditFilter(
        start=start,
        end=end,
        actor_id=None if actor is None else people[actor].staff_id,
        client=client,
        actions=tuple(actions),
        workstation=workstation,
    )
    shown, pages = _paged(uow, trail["owner"], wanted, sort, descending, size)
    expected, matched = _reference(uow, wanted, sort, descending)
    assert shown == expected
    assert all(len(page.rows) == size for page in pages[:-1])
    for page in pages:
        assert page.clients_matched == (None if matched is None else min(matched, MAX_CLIENTS))
        assert page.too_many_clients == (matched is not None and matched > MAX_CLIENTS)

    # the export still reads the earlier way: the name first, then the entries, then the names
    out = io.StringIO()
    audit_query.export_filtered_csv(uow(), trail["owner"], out, wanted, sort, descending)
    exported = [
        (int(row["entry"]), row["who"], row["action"], row["client"], row["what happened"])
        for row in csv.DictReader(io.StringIO(out.getvalue()))
    ]
    assert shown == exported


def test_R13_a_name_matching_more_clients_than_are_filtered_says_so(uow, trail):
    page = audit_query.audit_page(uow(), trail["owner"], AuditFilter(client="zed"))
    assert page.too_many_clients and page.clients_matched == MAX_CLIENTS
    shown = {row.client for row in page.rows}
    assert shown and all(name.startswith("Zed") for name in shown)
    one = audit_query.audit_page(uow(), trail["owner"], AuditFilter(client="Zed02 crowd"))
    assert one.clients_matched == 1 and not one.too_many_clients
    assert {row.client for row in one.rows} == {"Zed02 Crowd"}


def test_R13_a_page_is_one_statement_with_no_transaction_around_it(uow, engine, trail):
    """The page reads in one statement, which no BEGIN precedes: on a server no transaction
    is open while it runs (autocommit), on the embedded file no write lock is taken."""
    from sqlalchemy import event

    seen = []

    def after(connection, cursor, statement, parameters, context, executemany):
        raw = connection.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            open_ = raw.info.transaction_status != 0  # psycopg: 0 is IDLE, no transaction
        else:
            open_ = raw.in_transaction
        seen.append((statement.split()[0].upper(), open_))

    event.listen(engine, "after_cursor_execute", after)
    try:
        page = audit_query.audit_page(uow(), trail["owner"], AuditFilter(client="kimberly"))
    finally:
        event.remove(engine, "after_cursor_execute", after)
    assert page.rows and page.clients_matched == 1
    assert seen == [("WITH", False)]
