"""Rules about staff, the audit trail and billing (R11, R12, R13)."""

from __future__ import annotations

from ..principal import Principal, Role
from .decision import ALLOWED, Decision, refused


def may_administer_staff(principal: Principal) -> Decision:
    """R12: Owner and Manager add staff, set roles and deactivate staff."""
    if principal.has(Role.OWNER, Role.MANAGER):
        return ALLOWED
    return refused(
        "R12", "Only the Owner or a Manager can add staff, change roles or deactivate staff."
    )


def may_grant_roles(principal: Principal, roles: frozenset[Role]) -> Decision:
    """R12, and the practice's decision that only an Owner makes another Owner."""
    decision = may_administer_staff(principal)
    if not decision:
        return decision
    if Role.OWNER in roles and not principal.has(Role.OWNER):
        return refused("R12", "Only the Owner can give someone the Owner role.")
    return ALLOWED


def may_change_records_owner(principal: Principal) -> Decision:
    """R12: only the Owner changes an existing provider's record-ownership policy."""
    if principal.has(Role.OWNER):
        return ALLOWED
    return refused("R12", "Only the Owner can change who owns an existing provider's records.")


def may_keep_provider_details(principal: Principal) -> Decision:
    """R12: the Owner keeps a provider's credentials and licence, as printed on superbills (the
    same person who decides who owns the provider's records)."""
    if principal.has(Role.OWNER):
        return ALLOWED
    return refused("R12", "Only the Owner can change a provider's credentials and licence.")


def may_read_audit(principal: Principal) -> Decision:
    """R13: the Owner and Record Custodians read and export the audit trail."""
    if principal.has(Role.OWNER, Role.RECORD_CUSTODIAN):
        return ALLOWED
    return refused("R13", "Only the Owner or a Record Custodian can read the audit trail.")


def may_back_up(principal: Principal) -> Decision:
    """B9: anyone signed in to the embedded file may back it up with its own key (the copy stays
    on this computer, encrypted as the file is); a copy under a passphrase is IT's, from the
    command line."""
    if principal.roles:
        return ALLOWED
    return refused("B9", "Only a staff member with a role can back up the practice's database.")


def may_use_billing(principal: Principal) -> Decision:
    """R11: the Billing tab needs the Biller or Owner role."""
    if principal.has(Role.OWNER, Role.BILLER):
        return ALLOWED
    return refused("R11", "The Billing tab is for the Owner and Billers.")
