"""The diagnosis picker (R2): search by code or words, add with Enter, make one primary, save;
the profile then shows the codes, primary first, beside the old free text; a Biller finds the
button disabled with the reason."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services import clients
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.client_profile.diagnosis_picker import DiagnosisPickerDialog

from .test_client_profile import open_profile


def test_a_provider_codes_a_diagnosis_by_words_and_by_code(qtbot, ctx, add_member, monkeypatch):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    kim = clients.create_client(ctx.uow(), ana, ClientDraft(first_name="Kim", last_name="Chen"))
    window = open_profile(qtbot, ctx, ana, kim.id)
    row = window.profile_tab.provider_rows[0]
    assert row.codes.text() == "No codes yet."

    def drive(dialog):
        if isinstance(dialog, DiagnosisPickerDialog):
            assert "April 2026" in dialog.findChild(type(row.codes), "dialogIntro").text()
            qtbot.keyClicks(dialog.search, "adjustment anx")
            assert dialog.results.item(0).text().startswith("F43.22")
            qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
            dialog.search.setText("F41.1")
            qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
            dialog.primary_button.click()  # the one just added becomes the primary
            assert dialog.codes() == ["F41.1", "F43.22"]
            dialog.submit()
        return dialog.result()

    monkeypatch.setattr("desktop.views.client_profile.profile_tab.run_modal", drive)
    row.codes_button.click()

    row = window.profile_tab.provider_rows[0]
    assert row.codes.text() == (
        "F41.1 Generalized anxiety disorder (primary); F43.22 Adjustment disorder with anxiety"
    )
    assert "diagnosis codes were saved (2 codes)" in window.banner.text()


def test_a_biller_cannot_open_the_codes(qtbot, ctx, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    _m, biller = add_member("Chris Novak", Role.BILLER)
    kim = clients.create_client(ctx.uow(), ana, ClientDraft(first_name="Kim", last_name="Chen"))
    window = open_profile(qtbot, ctx, biller, kim.id)
    row = window.profile_tab.provider_rows[0]
    assert not row.codes_button.isEnabled()
    assert row.codes_button.toolTip()
