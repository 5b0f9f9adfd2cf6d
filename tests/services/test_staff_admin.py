"""Staff administration (R12) and the first-run set-up of a practice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.db.tables import AuditEvent, ChartShare, Client, ProviderProfile
from desktop.services import audit, practice, staff
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import PASSWORD, snapshot


def new(name, *roles, records_owner=None, email=None, password=PASSWORD):
    email = email or name.lower().replace(" ", ".") + "@harbour.test"
    return staff.NewStaff(name, email, password, frozenset(roles), records_owner)


def test_R12_owner_adds_a_provider_with_the_ownership_answer(uow, passwords, owner):
    member = staff.add_staff(
        uow(), owner, passwords, new("Dr Lee", Role.PROVIDER, records_owner="provider")
    )
    assert member.records_owner == "provider" and member.is_provider
    names = [m.display_name for m in staff.list_staff(uow(), owner)]
    assert names == ["Dr Lee", "Dr. Maya Okafor"]


def test_R12_manager_adds_staff_but_cannot_make_an_owner(uow, passwords, owner, add_member):
    manager = add_member("Sam Manager", Role.MANAGER)
    staff.add_staff(uow(), manager, passwords, new("Jo Desk", Role.SCHEDULER))
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        staff.add_staff(uow(), manager, passwords, new("Second Owner", Role.OWNER))
    assert refused.value.rule == "R12" and "Only the Owner" in refused.value.message
    assert snapshot(uow().engine) == before


@pytest.mark.parametrize(
    "role", [Role.SCHEDULER, Role.BILLER, Role.PROVIDER, Role.RECORD_CUSTODIAN]
)
def test_R12_other_roles_cannot_add_staff_and_nothing_changes(uow, passwords, add_member, role):
    actor = add_member("Some One", role, records_owner="group" if role is Role.PROVIDER else None)
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        staff.add_staff(uow(), actor, passwords, new("Jo Desk", Role.SCHEDULER))
    assert refused.value.rule == "R12"
    assert "Only the Owner or a Manager" in refused.value.message
    assert snapshot(uow().engine) == before


def test_R12_a_new_provider_needs_the_record_ownership_answer(uow, passwords, owner):
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput) as invalid:
        staff.add_staff(uow(), owner, passwords, new("Dr Lee", Role.PROVIDER))
    assert invalid.value.field == "records_owner"
    assert "who owns the records" in invalid.value.message
    assert snapshot(uow().engine) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (new("", Role.SCHEDULER), "display_name"),
        (new("N" * 10_000_000, Role.SCHEDULER), "display_name"),
        (new("Jo", Role.SCHEDULER, email="not-an-email"), "email"),
        (new("Jo", Role.SCHEDULER, password="short"), "password"),
        (new("Jo"), "roles"),
    ],
)
def test_invalid_staff_details_are_refused_with_the_field_named(uow, passwords, owner, data, field):
    before = snapshot(uow().engine)
    with pytest.raises(InvalidInput) as invalid:
        staff.add_staff(uow(), owner, passwords, data)
    assert invalid.value.field == field
    assert snapshot(uow().engine) == before


def test_an_email_already_in_use_is_refused(uow, passwords, owner):
    with pytest.raises(InvalidInput, match="already signs in as owner@harbour.test"):
        staff.add_staff(
            uow(), owner, passwords, new("Copy", Role.BILLER, email="Owner@Harbour.test")
        )


def test_R12_setting_roles_is_audited_and_bumps_the_version(uow, owner, add_member):
    jo = add_member("Jo Desk", Role.SCHEDULER)
    before = next(m for m in staff.list_staff(uow(), owner) if m.id == jo.staff_id)
    changed = staff.set_roles(
        uow(), owner, jo.staff_id, {Role.SCHEDULER, Role.BILLER}, expected_version=before.version
    )
    assert changed.roles == frozenset({Role.SCHEDULER, Role.BILLER})
    assert changed.version == before.version + 1
    with pytest.raises(Conflict, match="changed by someone else"):
        staff.set_roles(uow(), owner, jo.staff_id, {Role.BILLER}, expected_version=before.version)
    with uow() as u:
        actions = u.session.scalars(select(AuditEvent.action)).all()
    assert actions.count(audit.Action.STAFF_ROLES_CHANGED) == 1


def test_R12_making_someone_a_provider_asks_who_owns_their_records(uow, owner, add_member):
    jo = add_member("Jo Desk", Role.SCHEDULER)
    with pytest.raises(InvalidInput):
        staff.set_roles(uow(), owner, jo.staff_id, {Role.PROVIDER})
    member = staff.set_roles(uow(), owner, jo.staff_id, {Role.PROVIDER}, records_owner="group")
    assert member.records_owner == "group"


def test_R12_only_the_owner_changes_an_existing_providers_policy(uow, owner, add_member):
    manager = add_member("Sam Manager", Role.MANAGER)
    lee = add_member("Dr Lee", Role.PROVIDER, records_owner="provider")
    before = snapshot(uow().engine)
    with pytest.raises(PermissionRefused) as refused:
        staff.change_records_owner(uow(), manager, lee.staff_id, "group")
    assert refused.value.rule == "R12" and "Only the Owner" in refused.value.reason
    assert snapshot(uow().engine) == before
    assert staff.change_records_owner(uow(), owner, lee.staff_id, "group").records_owner == "group"
    with uow() as u:
        assert u.session.get(ProviderProfile, lee.staff_id).records_owner == "group"


def test_R12_deactivating_a_provider_ends_the_shares_made_to_them(uow, owner, add_member, clock):
    ana = add_member("Ana", Role.PROVIDER, records_owner="group")
    ben = add_member("Ben", Role.PROVIDER, records_owner="group")
    with uow() as u:
        client = Client(
            first_name="Kim",
            last_name="Chen",
            sort_name="chen kim",
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        u.session.add(client)
        u.session.flush()
        u.session.add_all(
            [
                ChartShare(
                    client_id=client.id,
                    from_provider_id=ana.staff_id,
                    to_provider_id=ben.staff_id,
                    started_at=clock.now(),
                    started_by=ana.staff_id,
                ),
                ChartShare(
                    client_id=client.id,
                    from_provider_id=ben.staff_id,
                    to_provider_id=ana.staff_id,
                    started_at=clock.now(),
                    started_by=ben.staff_id,
                ),
            ]
        )
        u.commit()
    member = staff.deactivate_staff(uow(), owner, ben.staff_id)
    assert not member.active
    with uow() as u:
        shares = {
            (s.from_provider_id, s.to_provider_id): s for s in u.session.scalars(select(ChartShare))
        }
        assert shares[(ana.staff_id, ben.staff_id)].end_reason == "recipient_deactivated"
        assert shares[(ben.staff_id, ana.staff_id)].ended_at is None  # shares they made stay
    assert staff.list_staff(uow(), owner, include_inactive=True)[0].display_name == "Ana"
    assert ben.staff_id in [m.id for m in staff.list_staff(uow(), owner)]  # never deleted


def test_the_last_owner_and_oneself_cannot_be_deactivated(uow, owner, add_member):
    manager = add_member("Sam Manager", Role.MANAGER)
    with pytest.raises(InvalidInput, match="your own account"):
        staff.deactivate_staff(uow(), owner, owner.staff_id)
    with pytest.raises(PermissionRefused):
        staff.deactivate_staff(uow(), manager, owner.staff_id)
    with pytest.raises(InvalidInput, match="at least one active Owner"):
        staff.set_roles(uow(), owner, owner.staff_id, {Role.MANAGER})


def test_reactivation_lets_a_member_back(uow, owner, add_member):
    jo = add_member("Jo Desk", Role.SCHEDULER)
    staff.deactivate_staff(uow(), owner, jo.staff_id)
    assert staff.reactivate_staff(uow(), owner, jo.staff_id).active


def test_practice_setup_validates_and_refuses_a_second_practice(uow, passwords, owner):
    setup = practice.PracticeSetup("Other", "Mars/Olympus", "X", "x@y.test", PASSWORD, PASSWORD)
    with pytest.raises(InvalidInput) as invalid:
        practice.set_up_practice(uow(), passwords, setup, "pc")
    assert invalid.value.field == "time_zone"
    setup = practice.PracticeSetup("Other", "Europe/Oslo", "X", "x@y.test", PASSWORD, PASSWORD)
    with pytest.raises(Conflict, match="already holds a practice"):
        practice.set_up_practice(uow(), passwords, setup, "pc")
    assert practice.practice_info(uow()) == practice.PracticeInfo(
        "Harbour Therapy Group", "America/Toronto"
    )


def test_practice_setup_refuses_mismatched_passwords_and_creates_nothing(uow, passwords, engine):
    setup = practice.PracticeSetup(
        "Harbour", "Europe/Oslo", "Maya", "m@h.test", PASSWORD, PASSWORD + "x"
    )
    with pytest.raises(InvalidInput) as invalid:
        practice.set_up_practice(uow(), passwords, setup, "pc")
    assert invalid.value.field == "password_again"
    assert practice.practice_info(uow()) is None


def test_an_owner_who_sees_clients_becomes_a_provider_of_the_group(uow, passwords):
    setup = practice.PracticeSetup(
        "Solo", "Europe/Oslo", "Maya", "m@h.test", PASSWORD, PASSWORD, True
    )
    principal = practice.set_up_practice(uow(), passwords, setup, "pc")
    assert principal.roles == frozenset({Role.OWNER, Role.PROVIDER})
    assert staff.list_staff(uow(), principal)[0].records_owner == "group"


def test_the_providers_list_comes_from_the_database_without_others(uow, owner, add_member):
    add_member("Ana", Role.PROVIDER, records_owner="group")
    add_member("Jo Desk", Role.SCHEDULER)
    gone = add_member("Gone", Role.PROVIDER, records_owner="group")
    staff.deactivate_staff(uow(), owner, gone.staff_id)
    names = [m.display_name for m in staff.list_staff(uow(), owner, providers_only=True)]
    assert names == ["Ana", "Gone"]
    active = staff.list_staff(uow(), owner, providers_only=True, include_inactive=False)
    assert [m.display_name for m in active] == ["Ana"]
