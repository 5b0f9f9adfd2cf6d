"""Emergency access (R18): who may open a client's records they may not otherwise read, and who
reviews and sets it up. What an open access lets a person read is in `record_rules` (the
`emergency` facts) and `scopes` (`emergency_client_ids`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..principal import Principal, Role, roles_label
from .decision import ALLOWED, Decision, refused

#: who may use emergency access while the practice has not chosen (R18).
DEFAULT_EMERGENCY_ROLES = frozenset({Role.OWNER, Role.RECORD_CUSTODIAN, Role.PROVIDER})
#: how long one emergency access lasts while the practice has not chosen (R18).
DEFAULT_EMERGENCY_MINUTES = 60
#: who reads the Emergency Access report and marks uses as reviewed.
EMERGENCY_REVIEW_ROLES = frozenset({Role.OWNER, Role.RECORD_CUSTODIAN})


@dataclass(frozen=True)
class EmergencyFacts:
    """What the rule needs to know about one person and one client."""

    #: the roles the practice allows (R18).
    allowed_roles: frozenset[Role]
    #: the people the practice names, whatever their roles.
    allowed_staff: frozenset[int]
    #: the person already reads the client's profile and every chart (private notes aside).
    reads_everything: bool
    #: the person holds an emergency access to the client open now.
    already_open: bool = False


def is_allowed_emergency_user(principal: Principal, facts: EmergencyFacts) -> bool:
    """The practice names the person, or one of their roles (R18)."""
    return principal.staff_id in facts.allowed_staff or principal.has(*facts.allowed_roles)


def may_open_emergency_access(principal: Principal, facts: EmergencyFacts) -> Decision:
    """R18: a person the practice allows opens a client's records they may not otherwise read."""
    if not is_allowed_emergency_user(principal, facts):
        allowed = roles_label(facts.allowed_roles) if facts.allowed_roles else "nobody by role"
        return refused(
            "R18",
            "Emergency access is not open to you. The practice allows it for: "
            f"{allowed}, and the people it names. Ask the Owner.",
        )
    if facts.already_open:
        return refused("R18", "Your emergency access to this client is already open.")
    if facts.reads_everything:
        return refused(
            "R18",
            "You can already read this client's profile and charts; emergency access is "
            "not needed.",
        )
    return ALLOWED


def may_review_emergency_access(principal: Principal) -> Decision:
    """R18: the Owner and Record Custodians read the Emergency Access report and review uses."""
    if principal.has(*EMERGENCY_REVIEW_ROLES):
        return ALLOWED
    return refused(
        "R18", "Only the Owner or a Record Custodian can read the Emergency Access report."
    )


def may_change_emergency_settings(principal: Principal) -> Decision:
    """R18: who may use emergency access, and for how long, is a practice setting: the Owner's."""
    if principal.has(Role.OWNER):
        return ALLOWED
    return refused("R18", "Only the Owner can change who may use emergency access.")
