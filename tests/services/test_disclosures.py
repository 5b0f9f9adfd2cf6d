"""The accounting of disclosures (B7): for one client, every share started or ended, transfer,
emergency access and export of the last six years: when, to whom, what, why and by whom."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from desktop.db.tables import ChartShare
from desktop.services import audit, disclosures, sharing, transfers
from desktop.services.errors import InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .factories import make_client


@pytest.fixture
def team(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    cy = add_member("Cy Okoro", Role.PROVIDER, records_owner="group")
    return {"ana": ana, "ben": ben, "cy": cy, "owner": owner}


def described(account) -> list[tuple[str, str, str, str, str]]:
    return [(r.kind, r.to_whom, r.what, r.why, r.by_whom) for r in account.rows]


def test_B7_a_share_an_end_a_transfer_and_an_export_are_accounted_for(uow, clock, team):
    ana, ben, cy, owner = team["ana"], team["ben"], team["cy"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    other = make_client(uow(), "Kim", "Chen", ana.staff_id)
    share = sharing.start_chart_share(
        uow(),
        ana,
        amelia,
        ana.staff_id,
        ben.staff_id,
        include_private=True,
        purpose="Second opinion",
    )
    sharing.start_chart_share(uow(), ana, other, ana.staff_id, ben.staff_id)  # another client
    clock.advance(timedelta(days=3))
    sharing.end_chart_share(uow(), ana, share.id)
    transfers.transfer_client(uow(), owner, amelia, ana.staff_id, cy.staff_id, purpose="Ana leaves")
    account = disclosures.disclosures_of(uow(), owner, amelia)
    disclosures.record_disclosures_given(uow(), owner, amelia, "pdf", len(account.rows))

    account = disclosures.disclosures_of(uow(), owner, amelia)
    assert account.client_name == "Amelia Abbott"
    assert described(account) == [
        (
            "Chart shared",
            "Ben Adeyemi",
            "Ana Castillo's chart, with private notes",
            "Second opinion",
            "Ana Castillo",
        ),
        (
            "Share ended",
            "Ben Adeyemi",
            "Ana Castillo's chart, with private notes",
            "Ended by hand",
            "Ana Castillo",
        ),
        (
            "Chart shared",
            "Cy Okoro",
            "Ana Castillo's chart, without private notes",
            "Ana leaves",
            "Dr. Maya Okafor",
        ),
        (
            "Transferred",
            "Cy Okoro",
            "Ana Castillo's chart, without private notes; the client moved",
            "Ana leaves",
            "Dr. Maya Okafor",
        ),
        (
            "Disclosures listed",
            "Not recorded",
            "This accounting of disclosures (PDF)",
            "",
            "Dr. Maya Okafor",
        ),
    ]
    assert account.rows[0].occurred_at + timedelta(days=3) == account.rows[1].occurred_at
    with uow() as work:  # the purpose is kept with the share itself too
        assert work.session.get(ChartShare, share.id).purpose == "Second opinion"


def test_B7_only_the_last_six_years_and_emergency_access_by_its_name(uow, clock, team):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    sharing.start_chart_share(uow(), ana, amelia, ana.staff_id, ben.staff_id)
    clock.advance(timedelta(days=6 * 366))
    with uow() as work:
        audit.record(
            work,
            ben,
            "emergency.opened",
            client_id=amelia,
            subject=f"chart:{amelia}:{ana.staff_id}",
            details={"provider_id": ana.staff_id, "reason": "Client in crisis at the front desk"},
        )
        work.commit()
    account = disclosures.disclosures_of(uow(), owner, amelia)
    assert described(account) == [
        (
            "Emergency access",
            "Ben Adeyemi",
            "Ana Castillo's chart, without private notes",
            "Client in crisis at the front desk",
            "Ben Adeyemi",
        )
    ]


def test_B7_the_csv_has_one_row_per_disclosure(uow, team):
    ana, ben, owner = team["ana"], team["ben"], team["owner"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    sharing.start_chart_share(uow(), ana, amelia, ana.staff_id, ben.staff_id, purpose="Cover")
    out = io.StringIO()
    count = disclosures.write_csv(disclosures.disclosures_of(uow(), owner, amelia), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == 1
    assert rows[0]["to whom"] == "Ben Adeyemi" and rows[0]["why"] == "Cover"


def test_B7_refused_to_a_provider_and_a_bad_purpose_changes_nothing(uow, team, engine):
    from .conftest import row_counts

    ana, ben = team["ana"], team["ben"]
    amelia = make_client(uow(), "Amelia", "Abbott", ana.staff_id)
    before = row_counts(engine)
    with pytest.raises(PermissionRefused, match="Only the Owner or a Record Custodian"):
        disclosures.disclosures_of(uow(), ana, amelia)
    with pytest.raises(InvalidInput, match="purpose"):
        sharing.start_chart_share(uow(), ana, amelia, ana.staff_id, ben.staff_id, purpose="x" * 501)
    with pytest.raises(InvalidInput):
        disclosures.record_disclosures_given(uow(), team["owner"], amelia, "docx", 1)
    assert row_counts(engine) == before
