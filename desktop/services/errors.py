"""Named errors that services raise; the user interface shows their message as it is."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a service raises on purpose. `message` is written for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionRefused(ServiceError):
    """The policy refused the action; `rule` is the SPEC rule ID that decided it (e.g. "R5")."""

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(f"{reason} ({rule})")
        self.rule = rule
        self.reason = reason


class NotFound(ServiceError):
    """The thing asked for does not exist (any more)."""


class InvalidInput(ServiceError):
    """What the user typed cannot be accepted; `field` names the input at fault, if one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(ServiceError):
    """Someone else changed the same thing first; nothing was saved."""


class SignInRefused(ServiceError):
    """A sign-in did not succeed (wrong password, locked, deactivated)."""


class SessionEnded(ServiceError):
    """The signed-in person was deactivated since signing in: nothing more is done for them."""


class RolesChanged(ServiceError):
    """The signed-in person's roles changed since signing in: the screens are rebuilt for the
    roles they hold now before anything more is done."""


class UnlockRefused(SignInRefused):
    """A wrong password at the lock screen (counted and audited like a failed sign-in);
    `signed_out` when it was one too many and the session ended."""

    def __init__(self, message: str, signed_out: bool = False) -> None:
        super().__init__(message)
        self.signed_out = signed_out


class CodeRefused(SignInRefused):
    """A wrong second-factor code at sign-in (counted and audited like a failed sign-in);
    `signed_out` when it was one too many and the account is locked for a while."""

    def __init__(self, message: str, signed_out: bool = False) -> None:
        super().__init__(message)
        self.signed_out = signed_out
