"""A policy decision: allowed, or refused with the SPEC rule and a reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import PermissionRefused


@dataclass(frozen=True)
class Decision:
    """The answer to "may this principal do this?"; falsy when refused."""

    allowed: bool
    rule: str | None = None
    reason: str | None = None

    def require(self) -> None:
        """Raise PermissionRefused unless allowed."""
        if not self.allowed:
            raise PermissionRefused(self.rule or "", self.reason or "This is not allowed.")

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def refused(rule: str, reason: str) -> Decision:
    return Decision(False, rule, reason)
