"""The client profile and provider settings (R2), new clients, and billing details (R11)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from desktop.db.tables import Appointment, AuditEvent, Client, ClientProviderLink
from desktop.services import audit, clients
from desktop.services.clients import ClientDraft
from desktop.services.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot

# -- helpers shared by the client tests -------------------------------------------------------


def new_client(uow, actor, first="Amelia", last="Chen", **fields) -> clients.ClientProfile:
    return clients.create_client(
        uow(), actor, ClientDraft(first_name=first, last_name=last, **fields)
    )


def link(uow, client_id, provider_id, *, status="active", ended=False):
    """Put a client on a provider's list directly (test set-up, not the R6 service)."""
    with uow() as work:
        now = work.now()
        work.session.add(
            ClientProviderLink(
                client_id=client_id,
                provider_id=provider_id,
                status=status,
                start_date=now.date(),
                created_at=now - timedelta(days=30),
                ended_at=now if ended else None,
            )
        )
        work.commit()


def book(uow, client_id, provider_id, starts_at, *, status="booked"):
    with uow() as work:
        work.session.add(
            Appointment(
                provider_id=provider_id,
                client_id=client_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=50),
                status=status,
                created_by=provider_id,
                created_at=work.now(),
            )
        )
        work.commit()


def audit_actions(uow) -> list[tuple[str, int | None, dict]]:
    with uow() as work:
        rows = work.session.execute(
            select(AuditEvent.action, AuditEvent.client_id, AuditEvent.details).order_by(
                AuditEvent.seq
            )
        ).all()
        return [(action, client_id, json.loads(details)) for action, client_id, details in rows]


@pytest.fixture
def lee(add_member):
    return add_member("Dr Lee", Role.PROVIDER, records_owner="provider")


@pytest.fixture
def ana(add_member):
    return add_member("Ana Castillo", Role.PROVIDER, records_owner="group")


# -- reading the profile (R2) -----------------------------------------------------------------


def test_R2_a_linked_provider_reads_the_profile_and_every_provider_setting(uow, owner, lee, ana):
    client = new_client(uow, owner, phone_mobile="(416) 555-0101", date_of_birth=date(1985, 4, 23))
    link(uow, client.id, lee.staff_id)
    link(uow, client.id, ana.staff_id, status="inactive")
    profile = clients.get_client(uow(), lee, client.id)
    assert (profile.first_name, profile.last_name, profile.phone_mobile) == (
        "Amelia",
        "Chen",
        "(416) 555-0101",
    )
    assert profile.display_name == "Chen, Amelia"
    assert [(p.provider_name, p.status) for p in profile.providers] == [
        ("Ana Castillo", "inactive"),
        ("Dr Lee", "active"),
    ]


def test_R2_reading_a_profile_is_not_chart_content_and_is_not_audited(uow, owner):
    client = new_client(uow, owner)
    before = audit_actions(uow)
    clients.get_client(uow(), owner, client.id)
    assert audit_actions(uow) == before


@pytest.mark.parametrize("ended", [False, True], ids=["never-linked", "link-ended"])
def test_R2_an_unlinked_provider_is_refused_the_profile(uow, owner, lee, ended):
    client = new_client(uow, owner)
    if ended:
        link(uow, client.id, lee.staff_id, ended=True)
    with pytest.raises(PermissionRefused) as refused:
        clients.get_client(uow(), lee, client.id)
    assert refused.value.rule == "R2"
    assert "not on your list" in refused.value.message


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.BILLER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R2_group_wide_roles_read_any_profile(uow, owner, add_member, role):
    client = new_client(uow, owner)
    assert clients.get_client(uow(), add_member("Some One", role), client.id).id == client.id


def test_R2_a_missing_client_is_not_found(uow, owner):
    with pytest.raises(NotFound):
        clients.get_client(uow(), owner, 9999)


# -- adding a client --------------------------------------------------------------------------


def test_R2_a_provider_who_adds_a_client_has_them_on_their_list(uow, lee, clock):
    profile = new_client(uow, lee)
    assert [(p.provider_id, p.status, p.start_date) for p in profile.providers] == [
        (lee.staff_id, "active", clock.now().date())
    ]
    actions = [(a, c) for a, c, _ in audit_actions(uow)][-2:]
    assert actions == [
        (audit.Action.CLIENT_CREATED, profile.id),
        (audit.Action.LINK_ADDED, profile.id),
    ]
    assert clients.get_client(uow(), lee, profile.id).version == profile.version


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.MANAGER, Role.RECORD_CUSTODIAN])
def test_R2_group_wide_roles_add_clients_without_linking_them(uow, add_member, role):
    profile = new_client(uow, add_member("Front Desk", role), "  Noah ", " van  der Berg ")
    assert (profile.first_name, profile.last_name, profile.providers) == (
        "Noah",
        "van der Berg",
        (),
    )
    with uow() as work:
        assert work.session.get(Client, profile.id).sort_name == "van der berg noah"


def test_R2_a_biller_cannot_add_a_client_and_nothing_changes(uow, add_member):
    biller = add_member("Chris Novak", Role.BILLER)
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        new_client(uow, biller)
    assert refused.value.rule == "R2" and "billing" in refused.value.message
    assert snapshot(uow().engine) == before


TOO_LONG = {name: most + 1 for name, (_, most) in clients.TEXT_FIELDS.items()}
BAD_DRAFTS = [
    ("first_name", {"first_name": ""}),
    ("first_name", {"first_name": "   "}),
    ("last_name", {"last_name": None}),
    ("first_name", {"first_name": "N" * 10_000_000}),
    ("last_name", {"last_name": "Chen\nDROP"}),
    ("date_of_birth", {"date_of_birth": date(2026, 3, 3)}),
    ("date_of_birth", {"date_of_birth": date(1899, 12, 31)}),
    ("date_of_birth", {"date_of_birth": "23/04/1985"}),
    ("email", {"email": "not-an-email"}),
    ("phone_mobile", {"phone_mobile": 4165550101}),
    ("email", {"email": "a@b.c" + "x" * 300}),
    *[(name, {name: "x" * most}) for name, most in TOO_LONG.items() if "name" not in name],
    ("preferred_name", {"preferred_name": "x" * 101}),
    ("emergency_contact_name", {"emergency_contact_name": "x" * 201}),
]


@pytest.mark.parametrize(("field", "change"), BAD_DRAFTS, ids=[f for f, _ in BAD_DRAFTS])
def test_R2_an_invalid_new_client_names_the_field_and_changes_nothing(uow, owner, field, change):
    draft = replace(ClientDraft(first_name="Amelia", last_name="Chen"), **change)
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput) as invalid:
        clients.create_client(uow(), owner, draft)
    assert invalid.value.field == field
    assert snapshot(uow().engine) == before


def test_R2_a_birth_date_of_today_and_an_empty_optional_field_are_accepted(uow, owner, clock):
    profile = new_client(uow, owner, date_of_birth=clock.now().date(), email=" ", city="")
    assert (profile.date_of_birth, profile.email, profile.city) == (clock.now().date(), None, None)


# -- editing the profile ----------------------------------------------------------------------


def test_R2_an_update_saves_and_audits_the_names_of_changed_fields_only(uow, owner, lee):
    client = new_client(uow, owner, city="Toronto")
    link(uow, client.id, lee.staff_id)
    draft = replace(ClientDraft.from_profile(client), last_name="Chen-Wu", email="A.Chen@Mail.test")
    updated = clients.update_client(uow(), lee, client.id, draft, client.version)
    assert (updated.last_name, updated.email, updated.city) == (
        "Chen-Wu",
        "a.chen@mail.test",
        "Toronto",
    )
    assert updated.version == client.version + 1
    action, client_id, details = audit_actions(uow)[-1]
    assert (action, client_id, details) == (
        audit.Action.CLIENT_UPDATED,
        client.id,
        {"fields": ["last_name", "email"]},
    )
    with uow() as work:
        assert work.session.get(Client, client.id).sort_name == "chen-wu amelia"


def test_R2_saving_an_unchanged_profile_writes_nothing(uow, owner):
    client = new_client(uow, owner)
    before = snapshot(uow().engine)
    same = clients.update_client(
        uow(), owner, client.id, ClientDraft.from_profile(client), client.version
    )
    assert same == client
    assert snapshot(uow().engine) == before


def test_R2_a_stale_version_is_a_conflict_and_nothing_is_saved(uow, owner, add_member):
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    client = new_client(uow, owner)
    draft = ClientDraft.from_profile(client)
    clients.update_client(uow(), desk, client.id, replace(draft, city="Ottawa"), client.version)
    before = snapshot(uow().engine)
    with pytest.raises(Conflict) as conflict:
        clients.update_client(
            uow(), owner, client.id, replace(draft, city="Kingston"), client.version
        )
    assert "changed by someone else" in conflict.value.message
    assert "nothing was saved" in conflict.value.message
    assert snapshot(uow().engine) == before


@pytest.mark.parametrize(("field", "change"), BAD_DRAFTS[:8], ids=[f for f, _ in BAD_DRAFTS[:8]])
def test_R2_an_invalid_update_names_the_field_and_changes_nothing(uow, owner, field, change):
    client = new_client(uow, owner)
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput) as invalid:
        clients.update_client(
            uow(),
            owner,
            client.id,
            replace(ClientDraft.from_profile(client), **change),
            client.version,
        )
    assert invalid.value.field == field
    assert snapshot(uow().engine) == before


def test_R2_an_unlinked_provider_cannot_edit_the_profile(uow, owner, lee):
    client = new_client(uow, owner)
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        clients.update_client(
            uow(),
            lee,
            client.id,
            replace(ClientDraft.from_profile(client), city="X"),
            client.version,
        )
    assert refused.value.rule == "R2"
    assert snapshot(uow().engine) == before


def test_R2_a_biller_cannot_edit_the_profile_but_edits_billing(uow, owner, add_member):
    biller = add_member("Chris Novak", Role.BILLER)
    client = new_client(uow, owner)
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        clients.update_client(
            uow(),
            biller,
            client.id,
            replace(ClientDraft.from_profile(client), city="X"),
            client.version,
        )
    assert refused.value.rule == "R2" and "billing details only" in refused.value.message
    assert snapshot(uow().engine) == before
    billing = clients.billing_details(uow(), biller, client.id)
    saved = clients.update_billing_notes(
        uow(), biller, client.id, "Insurer: Sun Life\r\nPolicy 123", billing.version
    )
    assert saved.billing_notes == "Insurer: Sun Life\nPolicy 123"
    assert audit_actions(uow)[-1][:2] == (audit.Action.BILLING_UPDATED, client.id)
    assert clients.billing_details(uow(), owner, client.id).billing_notes == saved.billing_notes


# -- provider settings ------------------------------------------------------------------------


def test_R2_a_linked_provider_changes_provider_settings_with_an_audit_entry(uow, owner, lee, ana):
    client = new_client(uow, owner)
    link(uow, client.id, lee.staff_id)
    link(uow, client.id, ana.staff_id)
    setting = next(
        p
        for p in clients.get_client(uow(), lee, client.id).providers
        if p.provider_id == ana.staff_id
    )
    profile = clients.update_provider_settings(
        uow(),
        lee,
        client.id,
        ana.staff_id,
        "discharged",
        "F41.1 Anxiety",
        date(2025, 1, 6),
        setting.version,
    )
    changed = next(p for p in profile.providers if p.provider_id == ana.staff_id)
    assert (changed.status, changed.diagnosis, changed.start_date) == (
        "discharged",
        "F41.1 Anxiety",
        date(2025, 1, 6),
    )
    assert changed.version == setting.version + 1
    action, client_id, details = audit_actions(uow)[-1]
    assert action == audit.Action.CLIENT_PROVIDER_SETTINGS_UPDATED and client_id == client.id
    assert details == {"provider": ana.staff_id, "fields": ["status", "diagnosis", "start_date"]}


@pytest.mark.parametrize(
    ("status", "diagnosis", "start", "version_offset", "error"),
    [
        ("paused", None, None, 0, InvalidInput),
        ("active", "x" * 501, None, 0, InvalidInput),
        ("active", None, date(1850, 1, 1), 0, InvalidInput),
        ("inactive", None, None, -1, Conflict),
    ],
    ids=["unknown-status", "long-diagnosis", "old-start", "stale"],
)
def test_R2_bad_provider_settings_change_nothing(
    uow, owner, lee, status, diagnosis, start, version_offset, error
):
    client = new_client(uow, owner)
    link(uow, client.id, lee.staff_id)
    (setting,) = clients.get_client(uow(), owner, client.id).providers
    before = snapshot(uow().engine)
    with pytest.raises(error):
        clients.update_provider_settings(
            uow(),
            owner,
            client.id,
            lee.staff_id,
            status,
            diagnosis,
            start,
            setting.version + version_offset,
        )
    assert snapshot(uow().engine) == before


def test_R2_settings_of_a_provider_not_linked_are_not_found(uow, owner, lee):
    client = new_client(uow, owner)
    with pytest.raises(NotFound):
        clients.update_provider_settings(
            uow(), owner, client.id, lee.staff_id, "active", None, None, 1
        )


def test_R2_a_biller_cannot_change_provider_settings(uow, owner, lee, add_member):
    client = new_client(uow, owner)
    link(uow, client.id, lee.staff_id)
    with pytest.raises(PermissionRefused) as refused:
        clients.update_provider_settings(
            uow(),
            add_member("Chris Novak", Role.BILLER),
            client.id,
            lee.staff_id,
            "inactive",
            None,
            None,
            1,
        )
    assert refused.value.rule == "R2"


# -- billing (R11) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.MANAGER, Role.SCHEDULER, Role.RECORD_CUSTODIAN, Role.PROVIDER]
)
def test_R11_only_a_biller_or_the_owner_opens_billing(uow, owner, add_member, role):
    client = new_client(uow, owner)
    actor = add_member("Some One", role, records_owner="group" if role is Role.PROVIDER else None)
    if role is Role.PROVIDER:
        link(uow, client.id, actor.staff_id)
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        clients.billing_details(uow(), actor, client.id)
    assert refused.value.rule == "R11" and "Owner and Billers" in refused.value.message
    with pytest.raises(PermissionRefused):
        clients.update_billing_notes(uow(), actor, client.id, "hello", client.version)
    assert snapshot(uow().engine) == before


def test_R11_opening_billing_is_audited_for_the_owner_and_a_biller(uow, owner, add_member):
    biller = add_member("Chris Novak", Role.BILLER)
    client = new_client(uow, owner)
    assert clients.billing_details(uow(), owner, client.id).billing_notes == ""
    clients.billing_details(uow(), biller, client.id)
    viewed = [c for a, c, _ in audit_actions(uow) if a == audit.Action.BILLING_VIEWED]
    assert viewed == [client.id, client.id]


@pytest.mark.parametrize("notes", ["x" * 10_001, "bell\x07"], ids=["too-long", "control-character"])
def test_R11_invalid_billing_notes_change_nothing(uow, owner, notes):
    client = new_client(uow, owner)
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput) as invalid:
        clients.update_billing_notes(uow(), owner, client.id, notes, client.version)
    assert invalid.value.field == "billing_notes"
    assert snapshot(uow().engine) == before


def test_R11_billing_notes_saved_on_a_stale_version_are_a_conflict(uow, owner):
    client = new_client(uow, owner)
    clients.update_client(
        uow(),
        owner,
        client.id,
        replace(ClientDraft.from_profile(client), city="Ottawa"),
        client.version,
    )
    with pytest.raises(Conflict):
        clients.update_billing_notes(uow(), owner, client.id, "notes", client.version)
    with uow() as work:
        assert (
            work.session.scalar(select(func.count()).where(Client.billing_notes.is_not(None))) == 0
        )


# -- the treating provider of a new client ----------------------------------------------------


def test_R6_a_new_client_goes_on_the_chosen_treating_providers_list(uow, add_member, ana):
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    profile = clients.create_client(
        uow(),
        desk,
        ClientDraft(first_name="Felix", last_name="Moreau"),
        treating_provider_id=ana.staff_id,
    )
    (setting,) = profile.providers
    assert (setting.provider_id, setting.is_treating) == (ana.staff_id, True)


def test_R6_a_provider_choosing_a_colleague_keeps_the_client_and_the_colleague_treats(
    uow, lee, ana
):
    profile = clients.create_client(
        uow(),
        lee,
        ClientDraft(first_name="Felix", last_name="Moreau"),
        treating_provider_id=ana.staff_id,
    )
    treating = {s.provider_id: s.is_treating for s in profile.providers}
    assert treating == {lee.staff_id: False, ana.staff_id: True}


@pytest.mark.parametrize("chosen", ["owner", "deactivated", 0, 2**70, "7", True])
def test_R15_a_treating_provider_must_be_an_active_provider_and_nothing_is_added(
    uow, owner, add_member, chosen
):
    from desktop.services import staff

    gone = add_member("Rosa Lindqvist", Role.PROVIDER, records_owner="group")
    staff.deactivate_staff(uow(), owner, gone.staff_id)
    provider_id = {"owner": owner.staff_id, "deactivated": gone.staff_id}.get(chosen, chosen)
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput):
        clients.create_client(
            uow(),
            owner,
            ClientDraft(first_name="Felix", last_name="Moreau"),
            treating_provider_id=provider_id,
        )
    assert snapshot(uow().engine) == before
