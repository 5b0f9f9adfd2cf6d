"""Note templates: the four every practice starts with, the Owner and Managers keeping them,
a note written in one keeping its sections, and signing and searching as for any note."""

from __future__ import annotations

import pytest

from desktop.services import charts, note_templates
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import make_client
from .test_scheduling import actions


def test_every_practice_starts_with_soap_dap_birp_and_a_physiotherapy_assessment(uow, owner):
    shown = {t.name: t.sections for t in note_templates.list_templates(uow(), owner)}
    assert shown == {
        "BIRP": ("Behavior", "Intervention", "Response", "Plan"),
        "DAP": ("Data", "Assessment", "Plan"),
        "Physiotherapy assessment": (
            "History",
            "Examination",
            "Assessment",
            "Goals",
            "Treatment plan",
        ),
        "SOAP": ("Subjective", "Objective", "Assessment", "Plan"),
    }


def test_R12_the_owner_and_managers_add_and_edit_templates_others_are_refused(
    uow, owner, add_member, engine
):
    manager = add_member("Mo Manager", Role.MANAGER)
    provider = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    added = note_templates.save_template(
        uow(), manager, None, "Couples session", ["Presenting issue", "Dynamics", " ", "Plan"]
    )
    assert added.sections == ("Presenting issue", "Dynamics", "Plan")
    changed = note_templates.save_template(
        uow(), owner, added.id, "Couples session", ["Dynamics", "Plan"], True, added.version
    )
    assert changed.sections == ("Dynamics", "Plan")
    before = snapshot(engine)
    with pytest.raises(PermissionRefused):
        note_templates.save_template(uow(), provider, None, "Mine", ["A"])
    with pytest.raises(Conflict, match="already a template called SOAP"):
        note_templates.save_template(uow(), owner, None, "SOAP", ["A"])
    with pytest.raises(InvalidInput, match="at least one section"):
        note_templates.save_template(uow(), owner, None, "Empty", ["", " "])
    with pytest.raises(Conflict, match="changed this template"):
        note_templates.save_template(uow(), owner, added.id, "Couples", ["A"], True, added.version)
    assert snapshot(engine) == before
    saved = [d["name"] for a, _c, d in actions(uow) if a == "practice.note_template_saved"]
    assert saved == ["Couples session", "Couples session"]


def test_a_retired_template_is_offered_no_more_but_kept(uow, owner):
    dap = next(t for t in note_templates.list_templates(uow(), owner) if t.name == "DAP")
    note_templates.save_template(uow(), owner, dap.id, "DAP", list(dap.sections), False)
    assert "DAP" not in {t.name for t in note_templates.list_templates(uow(), owner)}
    kept = note_templates.list_templates(uow(), owner, include_retired=True)
    assert [t.active for t in kept if t.name == "DAP"] == [False]


def test_a_soap_note_keeps_its_sections_through_signing(uow, owner, add_member):
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    client = make_client(uow(), "Lou", "Park", ben.staff_id)
    soap = next(t for t in note_templates.list_templates(uow(), ben) if t.name == "SOAP")
    body = note_templates.skeleton(soap.sections).replace(
        "## Subjective\n", "## Subjective\nSleeping better.\n"
    )
    body = body.replace("## Plan\n", "## Plan\nContinue exposure work.\n")
    note = charts.create_note(
        uow(), ben, client, kind="progress", title="Session 6", body=body, session_date=None
    )
    signed = charts.sign_note(uow(), ben, note.id, note.version)

    assert note_templates.note_sections(signed.body) == [
        ("Subjective", "Sleeping better."),
        ("Objective", ""),
        ("Assessment", ""),
        ("Plan", "Continue exposure work."),
    ]
    assert note_templates.note_sections("Free text only.") == [(None, "Free text only.")]
