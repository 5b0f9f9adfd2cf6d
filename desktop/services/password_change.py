"""Passwords people own (R19): everyone changes their own, old one first; an administrator's
password for a colleague is temporary and must be replaced at the next sign-in."""

from __future__ import annotations

from dataclasses import replace

from ..db.tables import Staff
from ..db.uow import UnitOfWork
from . import audit, second_factor, server_logins
from .boundary import checked
from .errors import InvalidInput, NotFound
from .own_password import password_hash_of
from .passwords import Passwords, password_problem
from .policy.session_rules import may_reset_password
from .principal import Principal, Role


def change_problems(
    old_password: str, new_password: str, new_password_again: str
) -> list[InvalidInput]:
    """Every problem of the Change Password form that needs no database, in the form's order."""
    problems = []
    if not old_password:
        problems.append(InvalidInput("Enter your current password.", field="old_password"))
    problem = password_problem(new_password)
    if problem:
        problems.append(InvalidInput(problem, field="new_password"))
    if new_password != new_password_again:
        problems.append(
            InvalidInput("The two new passwords are not the same.", field="new_password_again")
        )
    return problems


@checked
def change_own_password(
    uow: UnitOfWork,
    principal: Principal,
    passwords: Passwords,
    old_password: str,
    new_password: str,
    new_password_again: str,
) -> Principal:
    """Replace one's own password (the current one first); the same password again is refused.
    Returns the principal, no longer asked to change it. On PostgreSQL the person's database
    login takes the new password in the same transaction."""
    problems = change_problems(old_password, new_password, new_password_again)
    if problems:
        raise problems[0]
    with uow:
        staff = uow.session.get(Staff, principal.staff_id)
        if staff is None or not staff.active:
            raise NotFound("Your account cannot be found; sign in again.")
        matches, _rehash = passwords.verify(password_hash_of(uow, staff), old_password)
        if not matches:
            raise InvalidInput("Your current password is not right.", field="old_password")
        if passwords.verify(password_hash_of(uow, staff), new_password)[0]:
            raise InvalidInput(
                "The new password must be different from the current one.", field="new_password"
            )
        was_temporary = staff.must_change_password
        second_factor.reseal(uow.session, staff.id, old_password, new_password)
        staff.password_hash = passwords.hash(new_password)
        staff.must_change_password = False
        server_logins.set_password(uow, staff.id, new_password)
        audit.record(
            uow,
            principal,
            audit.Action.PASSWORD_CHANGED,
            subject=f"staff:{staff.id}",
            details={"by": "self", "replaced_temporary": was_temporary},
        )
        uow.commit()
    return replace(principal, must_change_password=False)


@checked
def reset_password(
    uow: UnitOfWork,
    principal: Principal,
    passwords: Passwords,
    staff_id: int,
    temporary_password: str,
) -> None:
    """Give a colleague a temporary password (they forgot theirs): they must replace it at their
    next sign-in. Their account's lock after failed sign-ins is lifted."""
    problem = password_problem(temporary_password)
    if problem:
        raise InvalidInput(problem, field="temporary_password")
    if staff_id == principal.staff_id:
        raise InvalidInput("Change your own password with Change Password instead.")
    with uow:
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            raise NotFound("That staff member cannot be found. Refresh the screen and try again.")
        may_reset_password(principal, frozenset(Role(r.role) for r in staff.roles)).require()
        staff.password_hash = passwords.hash(temporary_password)
        staff.must_change_password = True
        staff.failed_sign_ins = 0
        staff.locked_until = None
        # The second factor's secret was sealed with the password now gone: enrol again.
        second_factor_removed = second_factor.remove_enrolment(uow.session, staff.id)
        server_logins.set_password(uow, staff.id, temporary_password)
        audit.record(
            uow,
            principal,
            audit.Action.PASSWORD_CHANGED,
            subject=f"staff:{staff.id}",
            details={
                "by": "administrator",
                "temporary": True,
                "second_factor_removed": second_factor_removed,
            },
        )
        uow.commit()
