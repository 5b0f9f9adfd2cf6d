"""Signing in and out: argon2id passwords, a short lockout after repeated failures, all audited."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import select

from ..db.tables import Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import SignInRefused
from .passwords import Passwords
from .principal import Principal, Role
from .sharing import end_expired_shares

#: failed attempts in a row after which an account is locked for a while.
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=5)

WRONG_CREDENTIALS = "The email or password is not right. Check both and try again."


def principal_for(staff: Staff, workstation: str) -> Principal:
    return Principal(
        staff_id=staff.id,
        email=staff.email,
        display_name=staff.display_name,
        roles=frozenset(Role(r.role) for r in staff.roles),
        workstation=workstation,
        must_change_password=staff.must_change_password,
    )


@checked
def sign_in(
    uow: UnitOfWork, passwords: Passwords, email: str, password: str, workstation: str
) -> Principal:
    """The signed-in principal, or SignInRefused with a message for the person at the keyboard.

    Failures are counted and audited even though the sign-in itself is refused.
    """
    email = (email or "").strip().lower()[:254]
    password = (password or "")[:1024]
    if not email or not password:
        raise SignInRefused("Enter your email and password.")
    with uow:
        session = uow.session
        staff = session.scalars(select(Staff).where(Staff.email == email)).one_or_none()
        now = uow.now()
        if staff is None:
            passwords.dummy_verify(password)
            _fail(uow, None, email, workstation, "unknown email")
            raise SignInRefused(WRONG_CREDENTIALS)
        if staff.locked_until is not None and staff.locked_until > now:
            _fail(uow, staff, email, workstation, "locked")
            minutes = max(1, math.ceil((staff.locked_until - now).total_seconds() / 60))
            raise SignInRefused(
                "Too many failed attempts: this account is locked for "
                f"{minutes} more minute{'s' if minutes != 1 else ''}. Try again then, "
                "or ask the Owner or a Manager to check your account."
            )
        matches, new_hash = passwords.verify(staff.password_hash, password)
        if not matches:
            if count_failed_attempt(uow, staff):
                _fail(uow, staff, email, workstation, "wrong password; account locked")
                raise SignInRefused(
                    "Too many failed attempts: this account is locked for "
                    f"{int(LOCKOUT.total_seconds() // 60)} minutes."
                )
            _fail(uow, staff, email, workstation, "wrong password")
            raise SignInRefused(WRONG_CREDENTIALS)
        if not staff.active:
            _fail(uow, staff, email, workstation, "deactivated")
            raise SignInRefused(
                "This account has been deactivated. Ask the Owner or a Manager if you need access."
            )
        staff.failed_sign_ins = 0
        staff.locked_until = None
        if new_hash:
            staff.password_hash = new_hash
        principal = principal_for(staff, workstation)
        # Shares past their end date already give no access; record their end now (B2).
        end_expired_shares(uow)
        audit.record(
            uow,
            principal,
            audit.Action.SIGN_IN,
            subject=f"staff:{staff.id}",
            details={"rehashed": bool(new_hash)},
        )
        uow.commit()
        return principal


def count_failed_attempt(uow: UnitOfWork, staff: Staff) -> bool:
    """One more wrong password or code in a row for `staff`; the fifth locks the account for
    LOCKOUT (and starts the count again). Returns whether it locked. The caller audits."""
    staff.failed_sign_ins += 1
    if staff.failed_sign_ins < MAX_FAILED_SIGN_INS:
        return False
    staff.failed_sign_ins = 0
    staff.locked_until = uow.now() + LOCKOUT
    return True


def _fail(uow: UnitOfWork, staff: Staff | None, email: str, workstation: str, reason: str) -> None:
    # Nobody is authenticated yet: the entry names the email that was typed, not an actor.
    audit.record(
        uow,
        None,
        audit.Action.SIGN_IN_FAILED,
        subject=f"staff:{staff.id}" if staff else None,
        details={"reason": reason},
        actor_label=email,
        workstation=workstation,
    )
    uow.commit()


@checked
def sign_out(uow: UnitOfWork, principal: Principal) -> None:
    """Record the end of a session."""
    with uow:
        audit.record(uow, principal, audit.Action.SIGN_OUT, subject=f"staff:{principal.staff_id}")
        uow.commit()
