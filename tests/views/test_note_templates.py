"""Note templates on screen: the editor's template choice starts a SOAP note with its headings
(never over text already written), the reader shows the sections under headings, and the Owner
keeps the practice's templates while others find the menu entry disabled with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from desktop.services import clients, note_templates
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.client_profile.note_dialogs import NoteEditorDialog
from desktop.views.client_profile.note_reader import sections_html
from desktop.views.client_profile.template_picker import KEEPS_TEXT
from desktop.views.note_templates_dialog import NoteTemplatesDialog

from .conftest import PRACTICE_ZONE
from .test_main_window import open_window


@dataclass(frozen=True)
class Host:
    ctx: object
    principal: object
    client_id: int
    zone: ZoneInfo


def editor(qtbot, ctx, principal, client_id) -> NoteEditorDialog:
    dialog = NoteEditorDialog(Host(ctx, principal, client_id, ZoneInfo(PRACTICE_ZONE)))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_soap_note_starts_with_its_headings_and_is_read_under_them(qtbot, ctx, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    kim = clients.create_client(ctx.uow(), ana, ClientDraft(first_name="Kim", last_name="Chen"))
    dialog = editor(qtbot, ctx, ana, kim.id)
    picker = dialog.template
    assert [picker.itemText(i) for i in range(picker.count())] == [
        "Free text",
        "BIRP",
        "DAP",
        "Physiotherapy assessment",
        "SOAP",
    ]
    picker.setCurrentIndex(picker.findText("SOAP"))
    picker.activated.emit(picker.findText("SOAP"))
    assert dialog.body_edit.toPlainText().startswith("## Subjective\n")

    text = dialog.body_edit.toPlainText().replace("## Plan\n", "## Plan\nSee in a week <soon>\n")
    dialog.body_edit.setPlainText(text)
    dialog.title_edit.setText("Session 6")
    # text is never replaced by another template
    picker.setCurrentIndex(picker.findText("DAP"))
    picker.activated.emit(picker.findText("DAP"))
    assert picker.currentText() == "SOAP"
    assert dialog.message.text() == KEEPS_TEXT
    dialog.save(sign=True)

    assert dialog.signed
    html = sections_html(dialog.saved.body)
    assert html.startswith("<b>Subjective</b><br><br><b>Objective</b>")
    assert "<b>Plan</b><br>See in a week &lt;soon&gt;" in html


def test_the_owner_adds_a_template_that_providers_then_find(qtbot, ctx, owner, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    dialog = NoteTemplatesDialog(ctx, owner)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 4 and dialog.name.text() == "BIRP"
    dialog.start_new()
    dialog.name.setText("Couples session")
    dialog.sections.setPlainText("Presenting issue\nDynamics\n\nPlan")
    dialog.submit()
    assert dialog.list.currentItem().text() == "Couples session"
    offered = {t.name: t.sections for t in note_templates.list_templates(ctx.uow(), ana)}
    assert offered["Couples session"] == ("Presenting issue", "Dynamics", "Plan")

    dialog.name.setText("SOAP")  # names are unique
    dialog.submit()
    assert "already a template called SOAP" in dialog.message.text()


def test_the_templates_menu_entry_is_for_the_owner_and_managers(qtbot, ctx, owner, add_member):
    _m, ana = add_member("Ana Castillo", Role.PROVIDER)
    assert open_window(qtbot, ctx, owner).templates_action.isEnabled()
    window = open_window(qtbot, ctx, ana)
    assert not window.templates_action.isEnabled()
    assert window.templates_action.toolTip() == (
        "Only the Owner or a Manager changes the practice's note templates."
    )


def test_a_free_text_note_reads_as_before(qtbot):
    assert sections_html("Line one\nLine <two>") == "Line one<br>Line &lt;two&gt;"
