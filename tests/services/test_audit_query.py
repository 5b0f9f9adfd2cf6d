"""The Audit screen's reading of the trail (R13): filters, orders and keyset pages that neither
skip nor repeat an entry, the filtered export, and who may read it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from desktop.services import audit, audit_query, sharing, transfers
from desktop.services.audit import Action
from desktop.services.audit_query import AuditFilter
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .factories import make_client


@pytest.fixture
def team(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    return {"ana": ana, "ben": ben, "owner": owner}


def all_rows(uow, principal, wanted, sort="time", descending=True, size=7):
    rows, after = [], None
    while True:
        page = audit_query.audit_page(uow(), principal, wanted, sort, descending, after, size)
        rows.extend(page.rows)
        if page.next_mark is None:
            return rows
        after = page.next_mark


def add_entries(uow, principal, count, workstations=("desk-a", "desk-b", "desk-c")):
    with uow() as work:
        for number in range(count):
            audit.record(
                work,
                principal,
                Action.BILLING_VIEWED,
                workstation=workstations[number % len(workstations)],
            )
        work.commit()


def test_R13_a_client_filter_by_name_shows_only_that_clients_entries_in_words(uow, team):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    sharing.start_chart_share(uow(), ana, amelia, ana.staff_id, ben.staff_id)
    sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)

    page = audit_query.audit_page(uow(), owner, AuditFilter(client="abb"))
    assert page.clients_matched == 1
    assert {row.entry.client_id for row in page.rows} == {amelia}
    assert [row.action for row in page.rows] == [
        "Chart share started",
        "Added to a provider's list",
    ]
    assert page.rows[0].what == (
        "Ana Castillo shared their chart of Amelia Abbott with Ben Adeyemi, without private notes."
    )
    assert page.rows[0].client == "Amelia Abbott" and page.rows[0].who == "Ana Castillo"
    nobody = audit_query.audit_page(uow(), owner, AuditFilter(client="Zephyrine"))
    assert nobody.rows == [] and nobody.clients_matched == 0


def test_R13_the_client_is_found_as_the_client_search_finds_them(uow, team):
    """Every typed word begins a word of the name, in any order, accents and case folded."""
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    zoe = make_client(uow(), "Zoë", "O'Brien-Abbott", ana.staff_id)
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    for client in (zoe, amelia):
        sharing.start_chart_share(uow(), ana, client, ana.staff_id, ben.staff_id)

    def clients(text: str) -> set[int]:
        page = audit_query.audit_page(uow(), owner, AuditFilter(client=text))
        return {row.entry.client_id for row in page.rows}

    assert clients("ABBOTT") == {zoe, amelia}
    assert clients("abbott zoe") == {zoe}
    assert clients("obrien") == {zoe}
    assert clients("am ab") == {amelia}
    assert clients("bott") == set()  # a word's middle is not its beginning
    assert clients("   ") == clients("") and len(clients("")) > 0  # no words: no client filter


def test_R13_filters_by_person_action_workstation_and_period(uow, clock, team):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    add_entries(uow, owner, 3)
    clock.advance(timedelta(days=2))
    share = sharing.start_chart_share(uow(), ana, kim, ana.staff_id, ben.staff_id)
    sharing.end_chart_share(uow(), ana, share.id)

    by_ana = all_rows(uow, owner, AuditFilter(actor_id=ana.staff_id))
    assert {row.entry.actor_id for row in by_ana} == {ana.staff_id}
    assert [row.entry.action for row in by_ana] == [
        Action.SHARE_ENDED,
        Action.SHARE_STARTED,
        Action.LINK_ADDED,
    ]
    ended = all_rows(uow, owner, AuditFilter(actions=(Action.SHARE_ENDED,)))
    assert [row.entry.subject for row in ended] == [f"share:{share.id}"]
    at_b = all_rows(uow, owner, AuditFilter(workstation="desk-b"))
    assert [row.entry.workstation for row in at_b] == ["desk-b"]
    recent = all_rows(uow, owner, AuditFilter(start=clock.now() - timedelta(days=1)))
    assert {row.entry.action for row in recent} == {
        Action.SHARE_STARTED,
        Action.SHARE_ENDED,
        Action.LINK_ADDED,
    }
    with pytest.raises(InvalidInput, match="end of the period must come after"):
        audit_query.audit_page(uow(), owner, AuditFilter(start=clock.now(), end=clock.now()))


def test_R13_pages_in_every_order_neither_skip_nor_repeat_an_entry(uow, team):
    owner = team["owner"]
    add_entries(uow, owner, 30)
    everything = all_rows(uow, owner, AuditFilter(), size=1000)
    seqs = [row.entry.seq for row in everything]
    assert seqs == sorted(seqs, reverse=True)

    paged = all_rows(uow, owner, AuditFilter(), size=7)
    assert [row.entry.seq for row in paged] == seqs
    oldest_first = all_rows(uow, owner, AuditFilter(), descending=False, size=4)
    assert [row.entry.seq for row in oldest_first] == sorted(seqs)

    by_place = all_rows(uow, owner, AuditFilter(), sort="workstation", descending=False, size=4)
    keys = [(row.entry.workstation, row.entry.seq) for row in by_place]
    assert keys == sorted(keys) and len(keys) == len(seqs)
    by_place_desc = all_rows(uow, owner, AuditFilter(), sort="workstation", size=5)
    assert [(r.entry.workstation, r.entry.seq) for r in by_place_desc] == sorted(keys, reverse=True)
    with pytest.raises(InvalidInput):
        audit_query.audit_page(uow(), owner, AuditFilter(), sort="hash")


def test_R13_the_filtered_export_writes_those_entries_in_words_and_is_audited(uow, team):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    kim = make_client(uow(), "Kim", "Chen", ana.staff_id)
    transfers.transfer_client(
        uow(), owner, kim, ana.staff_id, ben.staff_id, purpose="Ana is on leave"
    )
    add_entries(uow, owner, 5)
    out = io.StringIO()
    count = audit_query.export_filtered_csv(uow(), owner, out, AuditFilter(client="Kim Chen"))
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) > 0
    assert {row["client"] for row in rows} == {"Kim Chen"}
    moved = next(row for row in rows if row["action code"] == Action.CLIENT_TRANSFERRED)
    assert moved["what happened"] == (
        "Dr. Maya Okafor transferred Kim Chen from Ana Castillo to Ben Adeyemi, without private "
        "notes. Purpose: Ana is on leave"
    )
    newest = audit_query.audit_page(uow(), owner, AuditFilter(actions=(Action.AUDIT_EXPORTED,)))
    assert newest.rows[0].entry.details["entries"] == count
    assert newest.rows[0].entry.details["filter"]["client"] == "Kim Chen"


def test_R13_only_the_owner_and_record_custodians_read_the_trail(uow, team, add_member, engine):
    from .conftest import row_counts

    scheduler = add_member("Sam Lee", Role.SCHEDULER)
    custodian = add_member("Priya Raman", Role.RECORD_CUSTODIAN)
    assert audit_query.audit_page(uow(), custodian, AuditFilter()).rows
    before = row_counts(engine)
    with pytest.raises(PermissionRefused, match="Only the Owner or a Record Custodian"):
        audit_query.audit_page(uow(), scheduler, AuditFilter())
    with pytest.raises(PermissionRefused):
        audit_query.export_filtered_csv(uow(), team["ana"], io.StringIO(), AuditFilter())
    assert row_counts(engine) == before
