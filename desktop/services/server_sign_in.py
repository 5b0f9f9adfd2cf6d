"""Signing in on a PostgreSQL server, where the server itself checks the password (SPEC B5).

The person's own login has already connected (`begin_session` runs on that connection): the
server refuses a locked account here and the sign-in is recorded in their name. A wrong
password never reaches a connection of theirs: the sign-in gate records it instead
(`record_failed_attempt`), so the failures are counted and audited and the lockout of auth.py
applies on both databases.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import func, select

from ..db.tables import Staff
from ..db.uow import UnitOfWork
from . import audit
from .auth import WRONG_CREDENTIALS, principal_for
from .boundary import checked
from .errors import SignInRefused
from .principal import Principal
from .sharing import end_expired_shares
from .validation import require_text

DEACTIVATED = "This account has been deactivated. Ask the Owner or a Manager if you need access."
NOT_SET_UP = (
    "This sign-in is not a staff member of the practice on this server. "
    "Ask IT to check the server's set-up (clinicdesk db provision)."
)


def locked_message(locked_until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
    return (
        "Too many failed attempts: this account is locked for "
        f"{minutes} more minute{'s' if minutes != 1 else ''}. Try again then, "
        "or ask the Owner or a Manager to check your account."
    )


@checked
def begin_session(uow: UnitOfWork, workstation: str) -> Principal:
    """The person this connection's login belongs to, signed in; SignInRefused when their
    account is locked (the attempt is audited) or the login is no active staff member."""
    workstation = (require_text(workstation, "The workstation name") or "unknown")[:255]
    with uow:
        session = uow.session
        locked_until, now = session.execute(
            select(func.app.begin_session(workstation), func.clock_timestamp())
        ).one()
        if locked_until is not None:
            uow.commit()  # the refused attempt stays in the trail
            raise SignInRefused(locked_message(locked_until, now))
        staff = session.scalars(
            select(Staff).where(Staff.id == func.app.current_staff_id())
        ).one_or_none()
        if staff is None:
            raise SignInRefused(NOT_SET_UP)
        principal = principal_for(staff, workstation)
        # Shares past their end date already give no access; record their end now (B2).
        end_expired_shares(uow)
        audit.record(uow, principal, audit.Action.SIGN_IN, subject=f"staff:{staff.id}", details={})
        uow.commit()
        return principal


@checked
def record_failed_attempt(uow: UnitOfWork, email: str, workstation: str) -> SignInRefused:
    """Count and audit a sign-in the server refused, through the gate's one function; the
    refusal to show (the account may now be locked)."""
    email = (require_text(email, "The email address") or "").strip().lower()[:254]
    workstation = (require_text(workstation, "The workstation name") or "unknown")[:255]
    with uow:
        locked_until, now = uow.session.execute(
            select(func.app.record_failed_sign_in(email, workstation), func.clock_timestamp())
        ).one()
        uow.commit()
    if locked_until is not None and locked_until > now:
        return SignInRefused(locked_message(locked_until, now))
    return SignInRefused(WRONG_CREDENTIALS)
