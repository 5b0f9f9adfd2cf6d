"""The accounting of disclosures from a client's profile (B7): the purpose typed in the share
and transfer dialogs, the table, the PDF (read back) and the CSV, each owner-only and audited."""

from __future__ import annotations

import csv
import stat

import pytest
from pypdf import PdfReader

from desktop.models import disclosures_model
from desktop.services import sharing
from desktop.services.principal import Role
from desktop.views.client_profile.disclosures_dialog import DisclosuresDialog

from .test_chart_sharing import click_action, sharing_panel
from .test_client_profile import click, new_client


@pytest.fixture
def team(ctx, owner, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    _m, cy = add_member("Cy Okoro", Role.PROVIDER, records_owner="group")
    client_id = new_client(ctx, ana, "Amelia", "Abbott")
    return {"ana": ana, "ben": ben, "cy": cy, "owner": owner, "client": client_id}


def share_and_transfer_by_clicks(qtbot, ctx, team):
    """Ana shares with Ben for a second opinion and ends it; the Owner transfers to Cy."""
    ana, ben, cy, client_id = team["ana"], team["ben"], team["cy"], team["client"]
    _window, panel = sharing_panel(qtbot, ctx, ana, client_id)
    click_action(qtbot, panel.section_widgets[0], ben.staff_id)
    review = panel.current_dialog
    qtbot.keyClicks(review.purpose_edit, "Second opinion on the diagnosis")
    click(qtbot, review.ok_button)
    assert review.share is not None
    sharing.end_chart_share(ctx.uow(), ana, review.share.id)
    _window, panel = sharing_panel(qtbot, ctx, team["owner"], client_id)
    transfer = panel.open_transfer()
    qtbot.keyClicks(transfer.colleague.lineEdit(), cy.email)
    qtbot.keyClicks(transfer.purpose_edit, "Ana leaves the practice")
    click(qtbot, transfer.ok_button)
    return panel


def test_B7_disclosures_on_screen_in_pdf_and_csv(qtbot, ctx, team, tmp_path, monkeypatch):
    panel = share_and_transfer_by_clicks(qtbot, ctx, team)
    assert panel.disclosures_button.isEnabled()
    dialog = panel.open_disclosures()
    assert isinstance(dialog, DisclosuresDialog)
    cells = dialog.model.cells()
    kinds = [row[disclosures_model.KIND] for row in cells]
    assert kinds == ["Chart shared", "Share ended", "Chart shared", "Transferred"]
    first = cells[0]
    assert first[disclosures_model.TO_WHOM] == "Ben Adeyemi"
    assert first[disclosures_model.WHAT] == "Ana Castillo's chart, without private notes"
    assert first[disclosures_model.WHY] == "Second opinion on the diagnosis"
    assert first[disclosures_model.BY_WHOM] == "Ana Castillo"
    assert cells[3][disclosures_model.WHY] == "Ana leaves the practice"
    assert cells[3][disclosures_model.TO_WHOM] == "Cy Okoro"

    pdf = tmp_path / "amelia.pdf"
    monkeypatch.setattr(dialog, "choose_path", lambda kind: pdf)
    click(qtbot, dialog.pdf_button)
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    printed = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Accounting of disclosures: Amelia Abbott" in printed
    assert "Second opinion on the diagnosis" in printed
    assert "Ana leaves the practice" in printed
    assert printed.count("Chart shared") == 2 and "Transferred" in printed
    # printing it is itself recorded, and listed
    assert dialog.model.cells()[-1][disclosures_model.WHAT] == (
        "This accounting of disclosures (PDF)"
    )

    table = tmp_path / "amelia.csv"
    monkeypatch.setattr(dialog, "choose_path", lambda kind: table)
    click(qtbot, dialog.csv_button)
    assert stat.S_IMODE(table.stat().st_mode) == 0o600
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["disclosure"] for row in rows] == kinds + ["Disclosures listed"]
    assert rows[0]["why"] == "Second opinion on the diagnosis"


def test_B7_a_provider_sees_the_disclosures_button_disabled_with_the_reason(qtbot, ctx, team):
    _window, panel = sharing_panel(qtbot, ctx, team["ana"], team["client"])
    assert not panel.disclosures_button.isEnabled()
    assert "Only the Owner or a Record Custodian" in panel.disclosures_button.toolTip()
    assert panel.open_disclosures() is None


def test_B7_the_dialog_closes_with_its_close_button(qtbot, ctx, team):
    _window, panel = sharing_panel(qtbot, ctx, team["owner"], team["client"])
    dialog = panel.open_disclosures()
    assert dialog.isVisible() and dialog.model.rowCount() == 0
    assert "None so far" in dialog.intro.text()
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()
