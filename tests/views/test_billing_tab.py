"""The Billing tab (R11) on both databases: the balance, charges and payments; Add payment,
Adjust charge, Void payment and Superbill by keyboard; plain refusals; the superbill PDF read
back with the right sessions, codes, diagnoses and totals."""

from __future__ import annotations

import stat
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import update

from desktop.db.tables import ClientProviderLink, Practice, ProviderProfile
from desktop.services import appointment_status, billing_codes, scheduling
from desktop.services.billing_codes import FeeInput
from desktop.services.demo_billing import DEMO_FEES
from desktop.services.principal import Role

from .test_client_profile import new_client, open_profile

TORONTO = ZoneInfo("America/Toronto")
REFUSED = "The Billing tab is for the Owner and Billers."


@pytest.fixture
def desk(ctx, owner, add_member):
    """Ben (provider) sees Kim Chen: an attended 60-minute session on 24 Feb 2025 and a no-show
    on 25 Feb; the fee schedule is the demo's. Chris is the Biller, Jo the front desk."""
    _, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    _, biller = add_member("Chris Novak", Role.BILLER)
    _, scheduler = add_member("Jo Front", Role.SCHEDULER)
    _, manager = add_member("Mo Manager", Role.MANAGER)
    for code, words, cents, use, kind, low, high in DEMO_FEES:
        fee = FeeInput(code, words, cents, True, use, kind, low, high)
        billing_codes.save_fee_entry(ctx.uow(), biller, fee)
    kim = new_client(ctx, ben)
    with ctx.uow() as uow:
        uow.session.execute(
            update(ClientProviderLink)
            .where(ClientProviderLink.client_id == kim)
            .values(diagnosis_codes="F41.1\nF32.0")
        )
        uow.session.execute(update(Practice).values(address="12 Harbour St, Toronto ON"))
        uow.session.execute(
            update(ProviderProfile)
            .where(ProviderProfile.staff_id == ben.staff_id)
            .values(credentials="RP", licence_number="CRPO 004512")
        )
        uow.commit()
    for day, minutes, status in ((24, 60, "attended"), (25, 50, "no_show")):
        start = datetime(2025, 2, day, 10, tzinfo=TORONTO)
        request = scheduling.BookingRequest(ben.staff_id, kim, start, minutes)
        booked = scheduling.book_appointment(ctx.uow(), scheduler, request)
        appointment_status.set_appointment_status(
            ctx.uow(), scheduler, booked.appointments[0].id, status
        )
    return type("Desk", (), {"ben": ben, "biller": biller, "scheduler": scheduler,
                             "manager": manager, "owner": owner, "kim": kim})  # fmt: skip


def cells(model) -> list[list[str]]:
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_R11_the_biller_sees_charges_from_sessions_and_the_balance(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    assert tab.stack.currentIndex() == 0
    assert cells(tab.charges_model) == [
        ["25 Feb 2025", "Ben Adeyemi", "NOSHOW", "Missed appointment fee", "$75.00", "$0.00",
         "$75.00", "Owing"],
        ["24 Feb 2025", "Ben Adeyemi", "90837", "Psychotherapy, 60 minutes", "$170.00", "$0.00",
         "$170.00", "Owing"],
    ]  # fmt: skip
    assert (tab.balance_label.text(), tab.balance.text()) == ("Balance owing", "$245.00")


@pytest.mark.parametrize("who", ["scheduler", "ben", "manager"])
def test_R11_others_see_the_tab_closed_with_the_reason(qtbot, ctx, desk, who):
    tab = open_profile(qtbot, ctx, getattr(desk, who), desk.kim, tab="billing").billing_tab
    assert tab.stack.currentWidget() is tab.refused
    assert tab.refused.text.text() == REFUSED
    assert tab.charges_model.rowCount() == 0


def test_R11_a_payment_by_keyboard_on_the_selected_charge(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    tab.charges.setFocus()
    tab.charges.selectRow(1)  # the 24 Feb session
    dialog = tab.add_payment()
    qtbot.waitExposed(dialog)
    assert dialog.amount.text() == "170.00" and dialog.focusWidget() is dialog.amount
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, "100")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.method
    qtbot.keyClick(dialog.method, Qt.Key.Key_Down)  # Cash
    qtbot.keyClick(dialog.method, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.reference, "Receipt 17")
    qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert tab.notice.text() == "A payment of $100.00 was recorded."
    assert tab.balance.text() == "$145.00"
    assert cells(tab.payments_model)[0][1:4] == ["$100.00", "Cash", "Receipt 17"]
    assert cells(tab.charges_model)[1][5:] == ["$100.00", "$70.00", "Owing"]


def test_R11_payment_problems_show_all_at_once_in_plain_words(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    dialog = tab.add_payment()
    qtbot.keyClicks(dialog.amount, "ten dollars")
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert (
        dialog.fields["amount_cents"].error.text() == "The amount must be an amount such as 150.00."
    )
    assert tab.payments_model.rowCount() == 0


def test_R11_adjusting_a_charge_needs_a_reason_and_is_shown(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    assert tab.adjust_charge() is None
    assert tab.message.text() == "Choose a charge in the list first."
    tab.charges.selectRow(1)
    dialog = tab.adjust_charge()
    dialog.code.setCurrentIndex(dialog.code.findData("90834"))
    assert dialog.fee.text() == "130.00"
    dialog.ok_button.click()
    assert dialog.fields["reason"].error.text() == "The reason for the change is required."
    qtbot.keyClicks(dialog.reason, "Session ended after 45 minutes")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert cells(tab.charges_model)[1][2:5] == ["90834", "Psychotherapy, 45 minutes", "$130.00"]
    assert tab.balance.text() == "$205.00"


def test_R11_a_voided_payment_stays_listed(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    dialog = tab.add_payment()
    qtbot.keyClicks(dialog.amount, "75")
    dialog.ok_button.click()
    tab.payments.selectRow(0)
    void = tab.void_payment()
    qtbot.keyClicks(void.reason, "Card charged twice")
    void.ok_button.click()
    assert cells(tab.payments_model)[0][5] == "Voided: Card charged twice"
    assert tab.balance.text() == "$245.00"


def test_R11_the_superbill_pdf_holds_the_sessions_codes_diagnoses_and_totals(
    qtbot, ctx, desk, tmp_path, monkeypatch
):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    pay = tab.add_payment()
    tab.charges.selectRow(1)
    qtbot.keyClicks(pay.amount, "50")
    pay.ok_button.click()
    dialog = tab.make_superbill()
    dialog.start.setDate(dialog.start.date().fromString("2025-02-01", "yyyy-MM-dd"))
    dialog.end.setDate(dialog.end.date().fromString("2025-02-28", "yyyy-MM-dd"))
    pdf = tmp_path / "superbill.pdf"
    suggested = []
    monkeypatch.setattr(dialog, "choose_path", lambda name: suggested.append(name) or pdf)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert suggested == ["Superbill-Kim-Chen-2025-02-01-to-2025-02-28.pdf"]
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    for words in (
        "Riverside", "12 Harbour St", "Kim Chen", "Date of birth: Mar 12, 1984",
        "Ben Adeyemi", "RP", "CRPO 004512", "F41.1", "F32.0", "2025-02-24", "90837",
        "2025-02-25", "NOSHOW", "Psychotherapy, 60 minutes", "Missed appointment fee",
        "A F41.1 Generalized anxiety disorder", "Total charged $245.00 $50.00",
        "Balance owing $195.00",
    ):  # fmt: skip
        assert words in text, words + " not in: " + text
    assert text.index("2025-02-24") < text.index("$170.00") < text.index("2025-02-25")
    assert "saved to superbill.pdf" in tab.notice.text()


def test_R11_the_tab_walks_by_keyboard(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    tab.pay_button.setFocus()
    seen = []
    for _ in range(7):
        qtbot.keyClick(tab.window().focusWidget(), Qt.Key.Key_Tab)
        seen.append(tab.window().focusWidget())
    assert seen[:6] == [tab.adjust_button, tab.void_button, tab.superbill_button,
                        tab.fees_button, tab.charges, tab.payments]  # fmt: skip


def test_R11_the_biller_keeps_the_fee_schedule(qtbot, ctx, desk):
    tab = open_profile(qtbot, ctx, desk.biller, desk.kim, tab="billing").billing_tab
    dialog = tab.keep_fees()
    rows = cells(dialog.model)
    assert len(rows) == len(DEMO_FEES)
    assert ["90837", "Psychotherapy, 60 minutes", "$170.00", "Sessions of 53 min or more",
            "Active"] in rows  # fmt: skip
    dialog.table.selectRow([r[0] for r in rows].index("90837"))
    assert dialog.fee.text() == "170.00"
    dialog.fee.setText("180")
    dialog.ok_button.click()
    assert dialog.saved_notice.text() == "90837 was saved in the fee schedule."
    assert ["90837", "Psychotherapy, 60 minutes", "$180.00"] in [r[:3] for r in cells(dialog.model)]
    dialog.start_new()
    qtbot.keyClicks(dialog.code, "97140")
    qtbot.keyClicks(dialog.description, "Manual therapy")
    qtbot.keyClicks(dialog.fee, "50")
    dialog.ok_button.click()
    assert dialog.fields["code"].error.text() == "The code 97140 is already in the fee schedule."
    dialog.close()


def test_R11_a_new_fee_prices_charges_made_afterwards_only(qtbot, ctx, desk):
    entries = billing_codes.fee_schedule(ctx.uow(), desk.owner)
    (entry,) = [e for e in entries if e.code == "90837"]
    tab = open_profile(qtbot, ctx, desk.owner, desk.kim, tab="billing").billing_tab
    fee = FeeInput(entry.code, entry.description, 20000, True, "session", None, 53, None)
    billing_codes.save_fee_entry(ctx.uow(), desk.owner, fee, entry.id, entry.version)
    tab.load()
    assert cells(tab.charges_model)[1][2:5] == ["90837", "Psychotherapy, 60 minutes", "$170.00"]
