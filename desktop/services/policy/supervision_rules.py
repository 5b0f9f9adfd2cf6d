"""Rules of clinical supervision (R16) and restricted clients (R17), as decisions.

The SQL face of the same rules is in `supervision_scopes.py`; the chart rules of
`record_rules.py` ask these facts (`ChartFacts.supervised_by_principal`) too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..principal import Principal, Role
from .decision import ALLOWED, Decision, refused
from .record_rules import ProviderFacts

#: who sets a provider's supervisor and mode (R16).
SUPERVISION_ADMIN_ROLES = frozenset({Role.OWNER, Role.MANAGER})
#: who restricts a client from named staff members and lifts it (R17).
RESTRICTING_ROLES = frozenset({Role.OWNER, Role.RECORD_CUSTODIAN})
#: modes in which a supervisee's finished progress note waits for the supervisor.
REVIEWED_MODES = frozenset({"approve", "cosign"})
MODE_LABELS = {"read": "Read", "approve": "Approve", "cosign": "Co-sign"}


def may_set_supervision(principal: Principal) -> Decision:
    """R16: the Owner or a Manager sets, changes and ends a provider's supervision."""
    if principal.has(*SUPERVISION_ADMIN_ROLES):
        return ALLOWED
    return refused("R16", "Only the Owner or a Manager can set who supervises a provider.")


def may_supervise(supervisee: ProviderFacts, supervisor: ProviderFacts | None) -> Decision:
    """R16, R15: the supervisor is another active provider of this practice."""
    if supervisor is None:
        return refused("R15", "Choose the supervisor from this practice's providers.")
    if supervisor.staff_id == supervisee.staff_id:
        return refused("R16", f"{supervisee.name} cannot supervise themselves.")
    if not supervisor.active:
        return refused("R16", f"{supervisor.name} is deactivated and cannot supervise.")
    return ALLOWED


def may_review_note(
    principal: Principal, *, reviewer_id: int | None, state: str | None
) -> Decision:
    """R16: a note awaiting review is approved or returned by its supervisor only."""
    if state != "awaiting":
        return refused("R16", "This note is not waiting for review.")
    if reviewer_id != principal.staff_id:
        return refused("R16", "Only the supervisor it was sent to reviews this note.")
    return ALLOWED


def may_restrict_clients(principal: Principal) -> Decision:
    """R17: the Owner or a Record Custodian restricts a client and lifts a restriction."""
    if principal.has(*RESTRICTING_ROLES):
        return ALLOWED
    return refused("R17", "Only the Owner or a Record Custodian can restrict who sees this client.")


@dataclass(frozen=True)
class RestrictionTarget:
    """What the rules need to know about the person a client would be hidden from."""

    staff_id: int
    name: str
    #: the client is on this person's list (they treat the client, or have it to book).
    linked: bool
    #: a chart of the client is shared with this person.
    receives_share: bool
    #: this person supervises a provider of the client.
    supervises: bool


def may_restrict_person(
    principal: Principal, client_name: str, target: RestrictionTarget
) -> Decision:
    """R17: never oneself, the client's treating provider, a colleague the chart is shared with,
    or the supervisor of the client's provider."""
    decision = may_restrict_clients(principal)
    if not decision:
        return decision
    if target.staff_id == principal.staff_id:
        return refused("R17", "You cannot restrict a client from yourself.")
    if target.linked:
        return refused(
            "R17",
            f"{client_name} is on {target.name}'s list: take them off it (or transfer the "
            "client) before restricting.",
        )
    if target.receives_share:
        return refused(
            "R17",
            f"A chart of {client_name} is shared with {target.name}: end the share before "
            "restricting.",
        )
    if target.supervises:
        return refused(
            "R17",
            f"{target.name} supervises {client_name}'s provider: change the supervision "
            "before restricting.",
        )
    return ALLOWED


def may_join_client(provider_name: str, *, restricted: bool) -> Decision:
    """R17 before R5-R8: a client restricted from a provider is never put on their list, shared
    with them or transferred to them."""
    if restricted:
        return refused(
            "R17",
            f"This client is restricted from {provider_name}; the Owner or a Record Custodian "
            "can lift the restriction first.",
        )
    return ALLOWED
