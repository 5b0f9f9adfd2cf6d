"""The client profile window: the Profile, Appointments, Records, Docs & Forms and Billing tabs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QWidget,
)

from desktop.models import notes_model
from desktop.services import charts, clients, documents
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.calendar import BookingDialog
from desktop.views.calendar import common as calendar_common
from desktop.views.client_profile import ClientProfileWindow
from desktop.views.client_profile import profile_tab as profile_tab_module
from desktop.views.client_profile.docs_tab import AddDocumentDialog
from desktop.views.client_profile.note_dialogs import AddendumDialog, NoteEditorDialog

BILLING_REFUSED = "The Billing tab is for the Owner and Billers."
BILLER_PROFILE = "Billers change a client's billing details only, not the profile."


# -- helpers (also used by the chart sharing tests) ------------------------------------------------


def new_client(ctx, provider, first="Kim", last="Chen") -> int:
    """A client added by `provider`, who has them on their list at once."""
    draft = ClientDraft(first_name=first, last_name=last, date_of_birth=date(1984, 3, 12))
    return clients.create_client(ctx.uow(), provider, draft).id


def signed_note(ctx, author, client_id, kind="progress", body="Client reports better sleep."):
    note = charts.create_note(
        ctx.uow(), author, client_id, kind=kind, title=f"{kind} note", body=body, session_date=None
    )
    return charts.sign_note(ctx.uow(), author, note.id, expected_version=note.version)


def open_profile(qtbot, ctx, principal, client_id, tab="profile") -> ClientProfileWindow:
    window = ClientProfileWindow(ctx, principal, client_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_tab(tab)
    return window


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box: QAbstractButton) -> None:
    """Click a checkbox or radio button on its box, where a person clicks."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(9, box.height() // 2))


INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)


def unnamed_controls(top: QWidget) -> list[str]:
    missing = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if widget.parent() is not None and type(widget).__name__ == "QToolButton":
            if widget.objectName().startswith("qt_"):  # Qt's own scroll/tab arrows
                continue
        if not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


@pytest.fixture
def lee(add_member):
    member, principal = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    return principal


# -- Profile (R2) ----------------------------------------------------------------------------------


def test_R2_the_profile_shows_demographics_and_each_providers_settings(qtbot, ctx, lee):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id)

    assert window.name_label.text() == "Kim Chen"
    assert "Born 12 Mar 1984" in window.facts_label.text()
    tab = window.profile_tab
    assert tab.edits["first_name"].text() == "Kim"
    assert tab.edits["date_of_birth"].text() == "1984-03-12"
    assert [row.setting.provider_name for row in tab.provider_rows] == ["Dr. Daniel Lee"]
    assert tab.provider_rows[0].status.currentData() == "active"
    assert tab.save_button.isEnabled()


def test_R2_saving_the_profile_and_a_providers_diagnosis(qtbot, ctx, lee):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id)
    tab = window.profile_tab
    tab.edits["city"].setText("Kingston")
    tab.provider_rows[0].diagnosis.setText("F41.1 Generalized anxiety disorder")
    click(qtbot, tab.save_button)

    saved = clients.get_client(ctx.uow(), lee, client_id)
    assert saved.city == "Kingston"
    assert saved.providers[0].diagnosis == "F41.1 Generalized anxiety disorder"
    assert tab.notice.text() == profile_tab_module.SAVED_TEXT
    assert window.profile_tab.edits["city"].text() == "Kingston"


def test_an_invalid_field_is_explained_under_it_and_nothing_is_saved(qtbot, ctx, lee):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id)
    tab = window.profile_tab
    tab.edits["email"].setText("not an email")
    tab.edits["city"].setText("Kingston")
    click(qtbot, tab.save_button)

    assert tab.fields["email"].error.isVisibleTo(tab)
    assert "email" in tab.fields["email"].error.text().lower()
    assert tab.message.text().startswith("Nothing was saved")
    assert clients.get_client(ctx.uow(), lee, client_id).city is None

    tab.edits["date_of_birth"].setText("12/03/1984")
    tab.edits["email"].setText("")
    click(qtbot, tab.save_button)
    assert "1985-04-23" in tab.fields["date_of_birth"].error.text()


def test_when_someone_else_saved_first_the_form_says_so_and_reloads(qtbot, ctx, lee, owner):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id)
    profile = clients.get_client(ctx.uow(), owner, client_id)
    clients.update_client(
        ctx.uow(),
        owner,
        client_id,
        replace(ClientDraft.from_profile(profile), city="Ottawa"),
        profile.version,
    )
    tab = window.profile_tab
    tab.edits["city"].setText("Kingston")
    click(qtbot, tab.save_button)

    assert "someone else saved" in tab.message.text().lower()
    assert tab.edits["city"].text() == "Ottawa"  # reloaded: what the other person saved
    assert clients.get_client(ctx.uow(), lee, client_id).city == "Ottawa"


def test_R2_a_biller_reads_the_profile_but_cannot_change_it(qtbot, ctx, lee, add_member):
    client_id = new_client(ctx, lee)
    _member, biller = add_member("Chris Novak", Role.BILLER)
    window = open_profile(qtbot, ctx, biller, client_id)
    tab = window.profile_tab

    assert tab.edits["first_name"].isReadOnly()
    assert not tab.save_button.isEnabled()
    assert tab.save_button.toolTip() == BILLER_PROFILE
    assert tab.read_only_note.text().endswith(BILLER_PROFILE)
    assert not tab.provider_rows[0].status.isEnabled()


# -- Billing (R11) ---------------------------------------------------------------------------------


def test_R11_the_billing_tab_is_there_for_everyone_but_open_only_to_biller_and_owner(
    qtbot, ctx, lee, add_member
):
    client_id = new_client(ctx, lee)
    _member, biller = add_member("Chris Novak", Role.BILLER)

    window = open_profile(qtbot, ctx, lee, client_id, tab="billing")
    assert window.tabs.tabText(window.tabs.currentIndex()) == "&Billing"
    assert window.billing_tab.stack.currentWidget() is window.billing_tab.refused
    assert window.billing_tab.refused.text.text() == BILLING_REFUSED

    window = open_profile(qtbot, ctx, biller, client_id, tab="billing")
    tab = window.billing_tab
    assert tab.stack.currentIndex() == 0
    tab.notes_edit.setPlainText("Insurer: Blue Shield, member 44-1")
    click(qtbot, tab.save_button)
    assert clients.billing_details(ctx.uow(), biller, client_id).billing_notes.startswith("Insurer")
    assert tab.notice.text() == "The billing notes were saved."


# -- Appointments ----------------------------------------------------------------------------------


def test_appointments_show_an_empty_state_and_book_opens_the_form_with_the_client(
    qtbot, ctx, lee, monkeypatch
):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id, tab="appointments")
    tab = window.appointments_tab
    assert tab.stack.currentWidget() is tab.empty
    assert tab.book_button.isEnabled()
    opened = []
    monkeypatch.setattr(calendar_common, "run_modal", lambda dialog: opened.append(dialog) or 0)
    tab.book_button.click()
    [dialog] = opened
    assert isinstance(dialog, BookingDialog)
    assert dialog.client_search.chosen == (client_id, "Kim Chen")


# -- Records (R3, R4) ------------------------------------------------------------------------------


def test_R3_a_provider_writes_signs_and_amends_a_note_in_their_own_chart(
    qtbot, ctx, lee, message_boxes
):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id, tab="records")
    tab = window.records_tab
    assert tab.new_button.isEnabled()
    assert not tab.sign_button.isEnabled() and tab.sign_button.toolTip() == "Choose a note first."

    click(qtbot, tab.new_button)
    dialog = tab.current_dialog
    assert isinstance(dialog, NoteEditorDialog)
    assert dialog.progress_radio.isChecked()
    qtbot.keyClicks(dialog.title_edit, "Session 1")
    dialog.body_edit.setPlainText("Intake; safety screen negative.")
    click(qtbot, dialog.draft_button)

    assert window.banner.text() == "The draft was saved. Only you see it."
    note, _chart = tab.selected()
    assert note is not None and note.status == "draft"
    index = tab.model.index_of_note(note.id)
    assert "Draft" in index.siblingAtColumn(notes_model.STATUS).data()
    assert not tab.addendum_button.isEnabled()

    qtbot.waitUntil(lambda: tab.sign_button.isEnabled())
    click(qtbot, tab.sign_button)  # the question is answered Yes
    assert message_boxes.of("question")[0].startswith("Sign “Session 1”?")
    note, _chart = tab.selected()
    assert note.status == "signed"
    assert not tab.edit_button.isEnabled()
    assert tab.edit_button.toolTip() == charts.SIGNED_NEVER_CHANGES

    click(qtbot, tab.addendum_button)
    dialog = tab.current_dialog
    assert isinstance(dialog, AddendumDialog)
    dialog.body_edit.setPlainText("Correction: the session lasted 60 minutes.")
    click(qtbot, dialog.ok_button)
    records = charts.read_records(ctx.uow(), lee, client_id)
    assert [a.body for a in records.charts[0].notes[0].addenda] == [
        "Correction: the session lasted 60 minutes."
    ]
    assert window.banner.text() == "The addendum was added."


def test_R4_private_notes_are_kept_apart_and_clearly_marked(qtbot, ctx, lee):
    client_id = new_client(ctx, lee)
    signed_note(ctx, lee, client_id)
    private = signed_note(ctx, lee, client_id, kind="private", body="Process note.")
    window = open_profile(qtbot, ctx, lee, client_id, tab="records")
    tab = window.records_tab

    index = tab.model.index_of_note(private.id)
    assert index.parent().data() == notes_model.PRIVATE_GROUP
    assert index.siblingAtColumn(notes_model.KIND).data() == "Private psychotherapy note"
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    tab.tree.setCurrentIndex(index)
    assert tab.reader.private_badge.isVisibleTo(tab.reader)
    assert tab.reader.private_badge.text() == "Private psychotherapy note"
    assert not tab.reader.progress_badge.isVisibleTo(tab.reader)


def test_R3_only_the_author_writes_others_see_why(qtbot, ctx, owner, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    client_id = new_client(ctx, ana)
    signed_note(ctx, ana, client_id)
    window = open_profile(qtbot, ctx, owner, client_id, tab="records")  # Owner and provider
    tab = window.records_tab

    assert [c.provider_name for c in tab.records.charts] == ["Ana Castillo"]
    assert tab.new_button.isVisible() and not tab.new_button.isEnabled()
    assert "on your list" in tab.new_button.toolTip()
    assert "(R3)" not in tab.new_button.toolTip()
    first = tab.model.index(0, 0, tab.model.index(0, 0))
    tab.tree.setCurrentIndex(first)
    assert not tab.addendum_button.isEnabled()
    assert tab.addendum_button.toolTip() == "Only Ana Castillo writes in Ana Castillo's chart."


def test_a_scheduler_sees_no_chart_and_no_writing_controls(qtbot, ctx, lee, add_member):
    client_id = new_client(ctx, lee)
    signed_note(ctx, lee, client_id)
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    window = open_profile(qtbot, ctx, desk, client_id, tab="records")
    tab = window.records_tab

    assert tab.records.charts == []
    assert tab.empty_notes.isVisible()
    assert not tab.new_button.isVisible()
    assert "Dr. Daniel Lee owns their records" in tab.closed_charts.text()


def test_the_jump_list_goes_to_chart_sharing(qtbot, ctx, lee):
    client_id = new_client(ctx, lee)
    window = open_profile(qtbot, ctx, lee, client_id, tab="records")
    window.resize(1000, 600)
    tab = window.records_tab
    labels = [tab.jump_list.item(r).text() for r in range(tab.jump_list.count())]
    assert labels == ["Chart notes", "Chart Sharing"]
    bar = tab.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    item = tab.jump_list.item(1)
    rect = tab.jump_list.visualItemRect(item)
    qtbot.mouseClick(tab.jump_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert bar.value() == min(bar.maximum(), tab.sharing.y() - 8)
    assert bar.value() > 0


# -- Docs & Forms ----------------------------------------------------------------------------------


def test_adding_and_opening_a_document(qtbot, ctx, lee, tmp_path, monkeypatch):
    client_id = new_client(ctx, lee)
    intake = tmp_path / "intake-form.txt"
    intake.write_bytes(b"signed intake")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(intake), ""))
    )
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    window = open_profile(qtbot, ctx, lee, client_id, tab="docs")
    tab = window.docs_tab
    assert tab.stack.currentWidget() is tab.empty
    assert not tab.open_button.isEnabled()

    click(qtbot, tab.add_button)
    dialog = tab.current_dialog
    assert isinstance(dialog, AddDocumentDialog)
    assert dialog.non_clinical.isChecked() and dialog.clinical.isEnabled()
    tick(qtbot, dialog.clinical)
    click(qtbot, dialog.ok_button)

    docs = documents.list_documents(ctx.uow(), lee, client_id)
    assert [(d.file_name, d.category) for d in docs] == [("intake-form.txt", "clinical")]
    assert tab.notice.text() == "intake-form.txt was added to your chart."
    assert tab.model.text(docs[0], 1) == "Clinical · Dr. Daniel Lee's chart"

    click(qtbot, tab.open_button)
    assert len(opened) == 1 and Path(opened[0]).read_bytes() == b"signed intake"
    window.close()
    assert not Path(opened[0]).exists()  # the temporary copy goes with the window


def test_a_scheduler_adds_docs_and_forms_only(qtbot, ctx, lee, add_member, tmp_path):
    client_id = new_client(ctx, lee)
    _m, desk = add_member("Jordan Ellis", Role.SCHEDULER)
    card = tmp_path / "insurance-card.png"
    card.write_bytes(b"\x89PNG...")
    window = open_profile(qtbot, ctx, desk, client_id, tab="docs")
    dialog = window.docs_tab.open_add_dialog(card)
    assert dialog.clinical.isHidden()
    click(qtbot, dialog.ok_button)
    docs = documents.list_documents(ctx.uow(), desk, client_id)
    assert [(d.file_name, d.category) for d in docs] == [("insurance-card.png", "non_clinical")]


# -- the window as a whole -------------------------------------------------------------------------


def test_every_control_of_the_window_and_its_dialogs_has_an_accessible_name(
    qtbot, ctx, lee, add_member, tmp_path
):
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    client_id = new_client(ctx, lee)
    signed_note(ctx, lee, client_id)
    window = open_profile(qtbot, ctx, lee, client_id, tab="records")
    for key in ("appointments", "docs", "billing", "records"):
        window.show_tab(key)
    panel = window.records_tab.sharing
    section = panel.section_widgets[0]
    row = next(r for r in section.section.rows if r.provider_id == rosa.staff_id)
    file = tmp_path / "a.txt"
    file.write_text("x")
    tops = [
        window,
        panel.open_share_review(section.section, row),
        panel.open_transfer(),
        panel.open_manage_access(),
        panel.open_add_to_list(),
        panel.open_who_can_see(),
        window.records_tab.open_new_note(),
        window.docs_tab.open_add_dialog(file),
    ]
    for top in tops:
        assert top is not None
        assert unnamed_controls(top) == [], type(top).__name__
        if top is not window:
            top.reject()


def test_a_client_the_user_may_not_see_is_explained_not_shown(qtbot, ctx, lee, add_member):
    client_id = new_client(ctx, lee)
    _m, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    window = open_profile(qtbot, ctx, ben, client_id)
    assert window.stack.currentWidget() is window.unavailable
    assert "not on your list" in window.unavailable.text.text()


# -- the item models on their own ------------------------------------------------------------------


def test_the_notes_model_groups_by_chart_and_keeps_private_notes_apart():
    from datetime import UTC, datetime

    from desktop.models.notes_model import NotesModel, RowKindRole
    from desktop.services.charts import ChartView, ClientRecords, NoteView

    moment = datetime(2025, 3, 4, 15, tzinfo=UTC)

    def note(id_, kind, status="signed", addenda=()):
        return NoteView(
            id_,
            1,
            7,
            kind,
            status,
            f"n{id_}",
            "text",
            date(2025, 3, 3),
            moment,
            moment,
            moment if status == "signed" else None,
            1,
            None,
            addenda,
        )

    chart = ChartView(
        7,
        "Dr. Daniel Lee",
        "provider",
        notes=[note(1, "progress", addenda=(note(3, "progress"),)), note(2, "progress", "draft")],
        private_notes=[note(4, "private")],
        documents=[],
        can_write=True,
    )
    model = NotesModel()
    model.set_records(ClientRecords(1, [chart]), viewer_id=7)

    heading = model.index(0, 0)
    assert heading.data() == "Your chart (Dr. Daniel Lee) · 3 notes"
    assert [model.index(r, 0, heading).data(RowKindRole) for r in range(3)] == [
        "note",
        "note",
        "private-group",
    ]
    assert model.index(0, notes_model.TITLE, heading).data() == "n1 (with 1 addendum)"
    assert model.index(1, notes_model.STATUS, heading).data() == "Draft · only you see it"
    private = model.index_of_note(4)
    assert private.siblingAtColumn(notes_model.KIND).data() == "Private psychotherapy note"
    assert model.note(model.index_of_note(3)).id == 3  # the addendum, under its note
    assert model.note_count() == 4
    assert len(model.spanned) == 2
