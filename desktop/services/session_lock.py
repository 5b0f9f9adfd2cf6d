"""The idle lock (R19): a workstation left alone locks; the signed-in person's password (and
second factor, when the practice requires it) unlocks it; locks, unlocks, failed unlocks and
idle sign-outs are audited."""

from __future__ import annotations

from ..db.tables import Staff
from ..db.uow import UnitOfWork
from . import audit
from .auth import LOCKOUT, count_failed_attempt
from .boundary import checked
from .errors import InvalidInput, SessionEnded, UnlockRefused
from .own_password import password_hash_of
from .passwords import Passwords
from .principal import Principal
from .second_factor import check_code_in_transaction

TOO_MANY = (
    "Too many wrong passwords: Clinic Desk has signed you out and your account is locked for "
    f"{int(LOCKOUT.total_seconds() // 60)} minutes."
)


@checked
def lock_session(uow: UnitOfWork, principal: Principal, idle_minutes: int) -> None:
    """Record that this person's windows locked after `idle_minutes` without input."""
    with uow:
        audit.record(
            uow,
            principal,
            audit.Action.SESSION_LOCKED,
            subject=f"staff:{principal.staff_id}",
            details={"idle_minutes": idle_minutes},
        )
        uow.commit()


@checked
def unlock_session(
    uow: UnitOfWork,
    principal: Principal,
    passwords: Passwords,
    password: str,
    code: str | None = None,
) -> None:
    """Unlock with the signed-in person's password, and their second factor's code when the
    practice requires one of them. A wrong password is counted like a failed sign-in: the
    fifth in a row signs them out (UnlockRefused.signed_out) and locks the account a while."""
    if not password:
        raise InvalidInput("Enter your password to unlock.", field="password")
    with uow:
        staff = uow.session.get(Staff, principal.staff_id)
        if staff is None or not staff.active:
            raise SessionEnded("Your account is no longer active; Clinic Desk has signed you out.")
        matches, _ = passwords.verify(password_hash_of(uow, staff), password)
        if not matches:
            ended = count_failed_attempt(uow, staff)
            audit.record(
                uow,
                principal,
                audit.Action.UNLOCK_FAILED,
                subject=f"staff:{staff.id}",
                details={"reason": "wrong password", "signed_out": ended},
            )
            uow.commit()
            raise UnlockRefused(
                TOO_MANY if ended else "That is not your password. Try again.", signed_out=ended
            )
        check_code_in_transaction(uow, principal, passwords, password, code)
        staff.failed_sign_ins = 0
        audit.record(uow, principal, audit.Action.SESSION_UNLOCKED, subject=f"staff:{staff.id}")
        uow.commit()


@checked
def idle_sign_out(uow: UnitOfWork, principal: Principal, reason: str) -> None:
    """Record that a locked session ended ("sign out" from the lock screen, or someone else
    signing in there) rather than being unlocked."""
    reason = reason if reason in ("sign out", "someone else signed in") else "sign out"
    with uow:
        audit.record(
            uow,
            principal,
            audit.Action.IDLE_SIGN_OUT,
            subject=f"staff:{principal.staff_id}",
            details={"reason": reason},
        )
        uow.commit()
