"""Decisions about sessions and sign-in (R19): who resets a colleague's password or second
factor, who changes the practice's settings, who must use a second factor."""

from __future__ import annotations

from ..principal import Principal, Role
from .decision import ALLOWED, Decision, refused

#: the roles that keep the practice's records: the second factor may be required of them only.
RECORD_KEEPING_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN})


def may_reset_password(principal: Principal, target_roles: frozenset[Role]) -> Decision:
    """R12/R19: the Owner or a Manager sets a temporary password; only an Owner does so for an
    Owner (a Manager would otherwise take over the Owner's account)."""
    if not principal.has(Role.OWNER, Role.MANAGER):
        return refused("R19", "Only the Owner or a Manager can reset a colleague's password.")
    if Role.OWNER in target_roles and not principal.has(Role.OWNER):
        return refused("R19", "Only an Owner can reset an Owner's password.")
    return ALLOWED


def may_change_practice_settings(principal: Principal) -> Decision:
    """R19: the practice's settings (idle time, second factor, name, time zone) are the Owner's."""
    if principal.has(Role.OWNER):
        return ALLOWED
    return refused("R19", "Only the Owner can change the practice's settings.")


def may_reset_second_factor(principal: Principal) -> Decision:
    """R19: the Owner resets a colleague's second factor (a lost phone)."""
    if principal.has(Role.OWNER):
        return ALLOWED
    return refused("R19", "Only the Owner can reset a colleague's second factor.")


def second_factor_required(rule: str, roles: frozenset[Role]) -> bool:
    """Whether the practice's rule ("off", "record_keepers", "everyone") asks these roles for a
    second factor at sign-in."""
    if rule == "everyone":
        return True
    if rule == "record_keepers":
        return bool(roles & RECORD_KEEPING_ROLES)
    return False
