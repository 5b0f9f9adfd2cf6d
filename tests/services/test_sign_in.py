"""Sign-in (issue: foundation, item 8; R13 for its audit entries)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from desktop.db.tables import AuditEvent, Staff
from desktop.services import audit, auth, staff
from desktop.services.errors import SignInRefused
from desktop.services.passwords import Passwords
from desktop.services.principal import Role

from .conftest import PASSWORD


def _events(uow, action):
    with uow() as u:
        rows = u.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        u.session.expunge_all()
        return rows


def test_sign_in_returns_the_principal_with_roles_and_is_audited(uow, passwords, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, Role.SCHEDULER, records_owner="group")
    principal = auth.sign_in(
        uow(), passwords, "  ANA.CASTILLO@harbour.test ", PASSWORD, "front-desk-2"
    )
    assert principal.staff_id == ana.staff_id
    assert principal.roles == frozenset({Role.PROVIDER, Role.SCHEDULER})
    assert principal.workstation == "front-desk-2"
    entry = _events(uow, audit.Action.SIGN_IN)[-1]
    assert (entry.actor_id, entry.workstation) == (ana.staff_id, "front-desk-2")


def test_wrong_password_is_refused_counted_and_audited_without_an_actor(uow, passwords, owner):
    with pytest.raises(SignInRefused) as refused:
        auth.sign_in(uow(), passwords, owner.email, "not the password", "front-desk-1")
    assert refused.value.message == auth.WRONG_CREDENTIALS
    failed = _events(uow, audit.Action.SIGN_IN_FAILED)
    assert len(failed) == 1
    assert failed[0].actor_id is None and failed[0].actor_label == owner.email
    assert '"wrong password"' in failed[0].details


def test_unknown_email_gets_the_same_message_as_a_wrong_password(uow, passwords, owner):
    with pytest.raises(SignInRefused) as refused:
        auth.sign_in(uow(), passwords, "nobody@harbour.test", PASSWORD, "front-desk-1")
    assert refused.value.message == auth.WRONG_CREDENTIALS
    assert _events(uow, audit.Action.SIGN_IN_FAILED)[0].actor_label == "nobody@harbour.test"


def test_repeated_failures_lock_the_account_for_a_while(uow, passwords, owner, clock):
    for _ in range(auth.MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(SignInRefused):
            auth.sign_in(uow(), passwords, owner.email, "wrong password!", "pc")
    with pytest.raises(SignInRefused, match="locked for 5 minutes"):
        auth.sign_in(uow(), passwords, owner.email, "wrong password!", "pc")
    # Even the right password is refused while locked.
    with pytest.raises(SignInRefused, match="locked for 5 more minutes"):
        auth.sign_in(uow(), passwords, owner.email, PASSWORD, "pc")
    clock.advance(auth.LOCKOUT + timedelta(seconds=1))
    assert auth.sign_in(uow(), passwords, owner.email, PASSWORD, "pc").staff_id == owner.staff_id


def test_a_deactivated_member_cannot_sign_in(uow, passwords, owner, add_member):
    sam = add_member("Sam Whitfield", Role.SCHEDULER)
    staff.deactivate_staff(uow(), owner, sam.staff_id)
    with pytest.raises(SignInRefused, match="deactivated"):
        auth.sign_in(uow(), passwords, sam.email, PASSWORD, "pc")


def test_a_hash_made_with_older_parameters_is_renewed_at_sign_in(uow, owner):
    stronger = Passwords(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    with uow() as u:
        before = u.session.scalars(
            select(Staff.password_hash).where(Staff.id == owner.staff_id)
        ).one()
    auth.sign_in(uow(), stronger, owner.email, PASSWORD, "pc")
    with uow() as u:
        after = u.session.scalars(
            select(Staff.password_hash).where(Staff.id == owner.staff_id)
        ).one()
    assert after != before and "t=2" in after
    assert stronger.verify(after, PASSWORD) == (True, None)


def test_empty_and_enormous_input_is_refused_plainly(uow, passwords, owner):
    with pytest.raises(SignInRefused, match="Enter your email and password"):
        auth.sign_in(uow(), passwords, "", "", "pc")
    with pytest.raises(SignInRefused):
        auth.sign_in(uow(), passwords, "x" * 10_000_000, "y" * 10_000_000, "pc")


def test_sign_out_is_audited(uow, owner):
    auth.sign_out(uow(), owner)
    entry = _events(uow, audit.Action.SIGN_OUT)[-1]
    assert entry.actor_id == owner.staff_id
