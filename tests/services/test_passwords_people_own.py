"""R19: everyone changes their own password (current one first); an administrator's password is
temporary and must be replaced at the next sign-in; every change is audited."""

from __future__ import annotations

import pytest

from desktop.services import audit, auth, password_change
from desktop.services.errors import InvalidInput, PermissionRefused, SignInRefused
from desktop.services.principal import Role

from .conftest import PASSWORD, row_counts

NEW = "a much longer passphrase"


def test_a_new_colleague_signs_in_with_a_temporary_password(uow, passwords, add_member):
    member = add_member("Lee Park", Role.PROVIDER, records_owner="group")
    signed_in = auth.sign_in(uow(), passwords, member.email, PASSWORD, "laptop-7")
    assert signed_in.must_change_password


def test_the_owner_who_set_up_the_practice_has_no_temporary_password(uow, passwords, owner):
    assert not auth.sign_in(uow(), passwords, owner.email, PASSWORD, "desk").must_change_password


def test_changing_ones_own_password_replaces_it_and_is_audited(uow, passwords, owner, add_member):
    member = add_member("Lee Park", Role.SCHEDULER)
    after = password_change.change_own_password(uow(), member, passwords, PASSWORD, NEW, NEW)
    assert not after.must_change_password
    with pytest.raises(SignInRefused):
        auth.sign_in(uow(), passwords, member.email, PASSWORD, "laptop-7")
    again = auth.sign_in(uow(), passwords, member.email, NEW, "laptop-7")
    assert not again.must_change_password
    entries = [
        e for e in audit.recent_entries(uow(), owner, 10) if e.action == "staff.password_changed"
    ]
    assert entries and entries[0].subject == f"staff:{member.staff_id}"
    assert PASSWORD not in str(entries[0].details) and NEW not in str(entries[0].details)


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "words"),
    [
        ("wrong password!", NEW, NEW, "old_password", "current password is not right"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password", "different from the current one"),
        (PASSWORD, "short", "short", "new_password", "at least 10 characters"),
        (PASSWORD, NEW, NEW + "x", "new_password_again", "not the same"),
        ("", NEW, NEW, "old_password", "current password"),
    ],
)
def test_a_bad_change_says_why_and_changes_nothing(
    engine, uow, passwords, add_member, old, new, again, field, words
):
    member = add_member("Lee Park", Role.SCHEDULER)
    before = row_counts(engine)
    with pytest.raises(InvalidInput, match=words) as refused:
        password_change.change_own_password(uow(), member, passwords, old, new, again)
    assert refused.value.field == field
    assert row_counts(engine) == before
    assert auth.sign_in(uow(), passwords, member.email, PASSWORD, "x").must_change_password


def test_a_reset_is_temporary_and_lifts_the_lock(uow, passwords, owner, add_member):
    member = add_member("Lee Park", Role.SCHEDULER)
    password_change.change_own_password(uow(), member, passwords, PASSWORD, NEW, NEW)
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInRefused):
            auth.sign_in(uow(), passwords, member.email, "not the password", "x")
    password_change.reset_password(uow(), owner, passwords, member.staff_id, "given by the owner")
    signed_in = auth.sign_in(uow(), passwords, member.email, "given by the owner", "x")
    assert signed_in.must_change_password


def test_only_owner_or_manager_resets_and_a_manager_cannot_reset_an_owner(
    engine, uow, passwords, owner, add_member
):
    manager = add_member("Mo Reyes", Role.MANAGER)
    scheduler = add_member("Sam Front", Role.SCHEDULER)
    before = row_counts(engine)
    with pytest.raises(PermissionRefused, match="Only the Owner or a Manager"):
        password_change.reset_password(uow(), scheduler, passwords, manager.staff_id, NEW)
    with pytest.raises(PermissionRefused, match="Only an Owner can reset an Owner"):
        password_change.reset_password(uow(), manager, passwords, owner.staff_id, NEW)
    assert row_counts(engine) == before
    password_change.reset_password(uow(), manager, passwords, scheduler.staff_id, NEW)
    assert auth.sign_in(uow(), passwords, scheduler.email, NEW, "x").must_change_password
