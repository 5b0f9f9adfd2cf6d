"""The second factor (R19, RFC 6238): enrolment with an authenticator app, codes at sign-in and
unlock, ten single-use recovery codes, and the Owner's reset.

Each secret is encrypted with a key derived (scrypt) from the person's own password, so the
database holds only ciphertext and salt and no key is stored anywhere: on SQLite and PostgreSQL
alike, a copy of the database (or its administrator) cannot read anyone's secret. Changing one's
password re-encrypts it; a password reset by an administrator removes the enrolment, which the
person makes again at their next sign-in when the practice requires it."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db.tables import Practice, RecoveryCode, SecondFactor, Staff
from ..db.uow import UnitOfWork
from . import audit
from .auth import LOCKOUT, count_failed_attempt
from .boundary import checked
from .errors import CodeRefused, InvalidInput, NotFound
from .own_password import password_hash_of
from .passwords import Passwords
from .policy.session_rules import may_reset_second_factor, second_factor_required
from .principal import Principal

ISSUER = "Clinic Desk"
STEP_SECONDS = 30
RECOVERY_CODES = 10
#: letters and digits that are not mistaken for one another when read off paper.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOO_MANY_CODES = (
    "Too many wrong codes: this account is locked for "
    f"{int(LOCKOUT.total_seconds() // 60)} minutes. Sign in again then."
)


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment screen shows: the secret as text and as an otpauth:// address."""

    secret: str
    uri: str


class WrongCode(InvalidInput):
    """The code typed is not the app's code now, was used already, or is no recovery code."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="code")


@dataclass(frozen=True)
class SecondFactorState:
    """Whether the practice asks this person for a code, and whether they have enrolled."""

    required: bool
    enrolled: bool


# -- the secret at rest -------------------------------------------------------------------------


def _key(password: str, salt: bytes) -> bytes:
    raw = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return base64.urlsafe_b64encode(raw)


def seal(secret: str, password: str) -> str:
    salt = secrets.token_bytes(16)
    token = Fernet(_key(password, salt)).encrypt(secret.encode("ascii"))
    return "v1$" + base64.urlsafe_b64encode(salt).decode("ascii") + "$" + token.decode("ascii")


def unseal(sealed: str, password: str) -> str | None:
    """The secret, or None when `password` is not the one it was sealed with."""
    try:
        _version, salt, token = sealed.split("$", 2)
        key = _key(password, base64.urlsafe_b64decode(salt))
        return Fernet(key).decrypt(token.encode("ascii")).decode("ascii")
    except (ValueError, InvalidToken):
        return None


# -- reading the state --------------------------------------------------------------------------


def _practice_rule(session: Session) -> str:
    return session.scalar(select(Practice.second_factor).where(Practice.id == 1)) or "off"


def state_in(session: Session, principal: Principal) -> SecondFactorState:
    required = second_factor_required(_practice_rule(session), principal.roles)
    row = session.get(SecondFactor, principal.staff_id)
    return SecondFactorState(required, row is not None and row.confirmed_at is not None)


@checked
def second_factor_state(uow: UnitOfWork, principal: Principal) -> SecondFactorState:
    with uow:
        return state_in(uow.session, principal)


# -- codes --------------------------------------------------------------------------------------


def _clean_code(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (of now, or one step either side: a phone's clock a little off) whose code
    is `code`; None beyond that."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _use_recovery_code(uow: UnitOfWork, passwords: Passwords, staff_id: int, code: str) -> bool:
    rows = uow.session.scalars(
        select(RecoveryCode).where(
            RecoveryCode.staff_id == staff_id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row in rows:
        if passwords.verify(row.code_hash, code)[0]:
            row.used_at = uow.now()
            return True
    return False


def verify_code_in_transaction(
    uow: UnitOfWork, principal: Principal, passwords: Passwords, password: str, code: str | None
) -> None:
    """Accept a code from the authenticator app, or an unused recovery code, in the caller's
    open unit of work; raise InvalidInput with a plain message otherwise. A code is accepted
    once only, and a recovery code is then spent (audited)."""
    typed = _clean_code(code)
    if not typed:
        raise InvalidInput("Enter the 6-digit code from your authenticator app.", field="code")
    if len(typed) > 64:
        raise WrongCode("That code is not right. Check your app and try again.")
    row = uow.session.get(SecondFactor, principal.staff_id)
    if row is None or row.confirmed_at is None:
        raise InvalidInput("You have not set up a second factor yet.", field="code")
    if typed.isdigit() and len(typed) == 6:
        secret = unseal(row.secret_encrypted, password)
        step = _matching_step(secret, typed, uow.now()) if secret else None
        if step is None:
            raise WrongCode(
                "That code is not right, or has expired. Check that your phone's clock is "
                "right, wait for a new code and try again."
            )
        if row.last_step is not None and step <= row.last_step:
            raise WrongCode("That code was already used. Wait for the next code and try again.")
        row.last_step = step
        return
    if _use_recovery_code(uow, passwords, principal.staff_id, typed):
        audit.record(
            uow, principal, audit.Action.RECOVERY_CODE_USED, subject=f"staff:{row.staff_id}"
        )
        return
    raise WrongCode("That recovery code is not right or was already used. Each code works once.")


def check_code_in_transaction(
    uow: UnitOfWork, principal: Principal, passwords: Passwords, password: str, code: str | None
) -> None:
    """At unlock: the code, when the practice asks this person for one and they enrolled."""
    state = state_in(uow.session, principal)
    if state.required and state.enrolled:
        verify_code_in_transaction(uow, principal, passwords, password, code)


@checked
def confirm_sign_in_code(
    uow: UnitOfWork, principal: Principal, passwords: Passwords, password: str, code: str
) -> None:
    """The second step of signing in: the code (or a recovery code) after the password. A wrong
    code is counted and audited like a wrong password (CodeRefused): the fifth in a row locks
    the account for a while, so six digits cannot be guessed."""
    with uow:
        try:
            verify_code_in_transaction(uow, principal, passwords, password, code)
        except WrongCode as wrong:
            uow.rollback()
            staff = uow.session.get(Staff, principal.staff_id)
            ended = count_failed_attempt(uow, staff)
            audit.record(
                uow,
                principal,
                audit.Action.SIGN_IN_FAILED,
                subject=f"staff:{staff.id}",
                details={"reason": "wrong second-factor code", "locked": ended},
            )
            uow.commit()
            if ended:
                raise CodeRefused(TOO_MANY_CODES, signed_out=True) from None
            raise CodeRefused(wrong.message) from None
        staff = uow.session.get(Staff, principal.staff_id)
        staff.failed_sign_ins = 0
        uow.commit()


# -- enrolment ----------------------------------------------------------------------------------


def new_secret(principal: Principal, practice_name: str = ISSUER) -> Enrolment:
    """A fresh secret for the enrolment screen (nothing stored until a code confirms it)."""
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=principal.email, issuer_name=f"{ISSUER} ({practice_name})"[:80]
    )
    return Enrolment(secret, uri)


@checked
def enrol(
    uow: UnitOfWork,
    principal: Principal,
    passwords: Passwords,
    password: str,
    secret: str,
    code: str,
) -> list[str]:
    """Store `secret` (encrypted) once `code` shows the app has it; returns ten recovery codes,
    shown once and stored hashed. Enrolling again replaces the old secret and codes."""
    typed = _clean_code(code)
    if len(secret) != 32 or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in secret):
        raise InvalidInput("Start the set-up again: the secret was not one Clinic Desk made.")
    with uow:
        staff = uow.session.get(Staff, principal.staff_id)
        if staff is None:
            raise NotFound("Your account cannot be found; sign in again.")
        if not passwords.verify(password_hash_of(uow, staff), password)[0]:
            raise InvalidInput("That is not your password.", field="password")
        step = _matching_step(secret, typed, uow.now()) if typed.isdigit() else None
        if step is None:
            raise InvalidInput(
                "That code is not right. Type the 6-digit code your app shows now.", field="code"
            )
        now = uow.now()
        uow.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
        row = uow.session.get(SecondFactor, staff.id)
        if row is None:
            row = SecondFactor(staff_id=staff.id, secret_encrypted="", created_at=now)
            uow.session.add(row)
        row.secret_encrypted = seal(secret, password)
        row.confirmed_at = now
        row.last_step = step
        codes = [
            "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
            for _ in range(RECOVERY_CODES)
        ]
        for plain in codes:
            uow.session.add(RecoveryCode(staff_id=staff.id, code_hash=passwords.hash(plain)))
        audit.record(
            uow, principal, audit.Action.SECOND_FACTOR_ENROLLED, subject=f"staff:{staff.id}"
        )
        uow.commit()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def remove_enrolment(session: Session, staff_id: int) -> bool:
    """Delete a person's secret and recovery codes in the caller's transaction; whether one was."""
    had = session.get(SecondFactor, staff_id) is not None
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff_id))
    session.execute(delete(SecondFactor).where(SecondFactor.staff_id == staff_id))
    return had


def reseal(session: Session, staff_id: int, old_password: str, new_password: str) -> None:
    """After a change of one's own password: the secret, encrypted with the new one."""
    row = session.get(SecondFactor, staff_id)
    if row is None:
        return
    secret = unseal(row.secret_encrypted, old_password)
    if secret is None:
        remove_enrolment(session, staff_id)
    else:
        row.secret_encrypted = seal(secret, new_password)


@checked
def reset_enrolment(uow: UnitOfWork, principal: Principal, staff_id: int) -> None:
    """The Owner removes a colleague's second factor (a lost phone); they enrol again at their
    next sign-in when the practice requires it. Audited."""
    may_reset_second_factor(principal).require()
    with uow:
        staff = uow.session.get(Staff, staff_id)
        if staff is None:
            raise NotFound("That staff member cannot be found. Refresh the screen and try again.")
        if not remove_enrolment(uow.session, staff_id):
            raise InvalidInput(f"{staff.display_name} has no second factor set up.")
        audit.record(
            uow,
            principal,
            audit.Action.SECOND_FACTOR_RESET,
            subject=f"staff:{staff_id}",
            details={"reason": "reset by the Owner"},
        )
        uow.commit()
