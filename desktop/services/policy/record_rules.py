"""Rules about client records (R1-R9, R14): who sees a profile, reads or writes a chart, shares it.

Each decision takes the principal and small "facts" about the record, loaded by `facts.py`,
so the same rule can be asked by a view (to enable a button) and by a service (before acting).
The SQL face of the same rules is in `scopes.py`; a property test keeps the two in agreement.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..principal import GROUP_WIDE_ROLES, Principal, Role
from .decision import ALLOWED, Decision, refused

#: roles that read and share the charts of providers whose records the group owns (R3, R5).
RECORD_KEEPING_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN})
#: roles that may add a client to a provider's list without chart access (R6).
LIST_SHARING_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER})
#: what a person a client is restricted from is told (R17): nothing that says the client exists.
NOT_FOUND = "That client no longer exists. The list may be out of date: refresh it."


@dataclass(frozen=True)
class ProviderFacts:
    """What the rules need to know about a provider."""

    staff_id: int
    name: str
    active: bool
    #: "group" or "provider": who owns the records this provider writes.
    records_owner: str


@dataclass(frozen=True)
class ChartFacts:
    """Provider A's chart of client C, seen from the principal asking."""

    client_id: int
    client_name: str
    author: ProviderFacts
    #: A has an open link to C (C is on A's list).
    author_linked: bool
    #: the principal has an open link to C.
    principal_linked: bool
    #: an active share A -> principal for C exists; None when there is none.
    share_to_principal_includes_private: bool | None
    #: the principal holds an emergency access to C open now (R18): every chart but private notes.
    emergency: bool = False
    #: the principal supervises A's work with C now (R16: reads A's chart, never private notes).
    supervised_by_principal: bool = False
    #: C is restricted from the principal (R17): for them the client does not exist.
    principal_restricted: bool = False


def _is_group_owned(author: ProviderFacts) -> bool:
    return author.records_owner == "group"


def may_see_all_clients(principal: Principal) -> bool:
    """R1: group-wide roles see "All Clients"; providers see "My Clients"."""
    return principal.has(*GROUP_WIDE_ROLES)


def may_see_client(
    principal: Principal,
    *,
    principal_linked: bool,
    emergency: bool = False,
    restricted: bool = False,
) -> Decision:
    """R2: the profile is for every group-wide role and every provider linked to the client;
    R18: and, to read only, for whoever holds an emergency access to the client open now.
    R17 first: a client restricted from the principal does not exist for them."""
    if restricted:
        return refused("R17", NOT_FOUND)
    if may_see_all_clients(principal) or principal_linked or emergency:
        return ALLOWED
    return refused("R2", "This client is not on your list. Ask the front desk to add them to it.")


def may_open_records(
    principal: Principal,
    *,
    principal_linked: bool,
    has_own_chart: bool,
    emergency: bool = False,
    supervises: bool = False,
    restricted: bool = False,
) -> Decision:
    """R2, R3: a client's records open to whoever sees the profile, and to a provider who wrote
    in their own chart of the client even after the client left their list (transfer, Manage
    access): the author always reads their own chart, and finishes their drafts. R16: a
    supervisor opens the records of their supervisee's clients. R18: an open emergency access
    opens them too. R17 comes before all of them."""
    if restricted:
        return refused("R17", NOT_FOUND)
    seen = may_see_client(principal, principal_linked=principal_linked, emergency=emergency)
    if seen or ((has_own_chart or supervises) and principal.has(Role.PROVIDER)):
        return ALLOWED
    return seen


def may_edit_client(principal: Principal, *, principal_linked: bool) -> Decision:
    """R2: everyone who sees the profile edits it, except through the Biller role (billing
    details only): a Biller who is also an unlinked provider still only reads it."""
    seen = may_see_client(principal, principal_linked=principal_linked)
    if not seen:
        return seen
    if principal.has(*(GROUP_WIDE_ROLES - {Role.BILLER})) or (
        principal.has(Role.PROVIDER) and principal_linked
    ):
        return ALLOWED
    return refused("R2", "Billers change a client's billing details only, not the profile.")


def may_create_client(principal: Principal) -> Decision:
    """R2: everyone who edits profiles adds clients: group-wide roles except a Biller, providers."""
    if principal.has(Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER):
        return ALLOWED
    if principal.has(Role.PROVIDER):
        return ALLOWED
    return refused("R2", "Billers work on billing details only; the front desk adds new clients.")


def may_edit_billing(principal: Principal) -> Decision:
    """R11: billing details belong to the Billing tab: Biller or Owner."""
    if principal.has(Role.OWNER, Role.BILLER):
        return ALLOWED
    return refused("R11", "The Billing tab is for the Owner and Billers.")


def _chart_readers_sentence(author: ProviderFacts) -> str:
    if _is_group_owned(author):
        return (
            f"{author.name}'s chart is for {author.name}, the Owner, Managers, Record Custodians "
            "and colleagues it is shared with."
        )
    return (
        f"Only {author.name} and colleagues they share it with can read this chart: "
        f"{author.name} owns their records."
    )


def may_read_chart(principal: Principal, chart: ChartFacts) -> Decision:
    """R3: A's progress notes and clinical documents: A; B with an active share A->B;
    Owner, Manager and Record Custodian when A's records are group-owned; A's supervisor (R16);
    R18: whoever holds an emergency access to C open now. Never a person the client is
    restricted from (R17)."""
    if chart.principal_restricted:
        return refused("R17", NOT_FOUND)
    if principal.staff_id == chart.author.staff_id:
        return ALLOWED
    if chart.share_to_principal_includes_private is not None:
        return ALLOWED
    if chart.supervised_by_principal:
        return ALLOWED
    if _is_group_owned(chart.author) and principal.has(*RECORD_KEEPING_ROLES):
        return ALLOWED
    if chart.emergency:
        return ALLOWED
    return refused("R3", _chart_readers_sentence(chart.author))


def may_read_private_notes(principal: Principal, chart: ChartFacts) -> Decision:
    """R4: A's private psychotherapy notes: A, and B only through a share that includes them.
    Supervision (R16) and emergency access (R18) never reach them."""
    if chart.principal_restricted:
        return refused("R17", NOT_FOUND)
    if principal.staff_id == chart.author.staff_id:
        return ALLOWED
    if chart.share_to_principal_includes_private:
        return ALLOWED
    return refused(
        "R4",
        f"Private psychotherapy notes are only for {chart.author.name} and colleagues "
        f"{chart.author.name} shared them with explicitly. No role opens them on its own.",
    )


def may_write_chart(principal: Principal, chart: ChartFacts) -> Decision:
    """R3: only A writes A's chart, and only while C is on A's list."""
    if principal.staff_id != chart.author.staff_id or not principal.has(Role.PROVIDER):
        return refused("R3", f"Only {chart.author.name} writes in {chart.author.name}'s chart.")
    if not chart.author_linked:
        return refused(
            "R3",
            f"{chart.client_name} is not on your list, so you cannot start notes in your chart of them.",
        )
    return ALLOWED


def may_complete_own_note(principal: Principal, chart: ChartFacts) -> Decision:
    """R3: the author finishes, signs and amends notes already in their chart, even after the
    client has left their list (a session that happened is documented)."""
    if principal.staff_id != chart.author.staff_id:
        return refused("R3", f"Only {chart.author.name} writes in {chart.author.name}'s chart.")
    return ALLOWED


def may_share_chart(principal: Principal, chart: ChartFacts) -> Decision:
    """R5: A while A is linked to C; Owner, Manager, Record Custodian when A's records are group-owned.
    The same permission starts, ends and transfers (R8, R9)."""
    author = chart.author
    if principal.staff_id == author.staff_id:
        if chart.author_linked:
            return ALLOWED
        return refused(
            "R5", f"You can share your chart only while {chart.client_name} is on your list."
        )
    if _is_group_owned(author) and principal.has(*RECORD_KEEPING_ROLES):
        return ALLOWED
    if _is_group_owned(author):
        return refused(
            "R5",
            f"Only {author.name}, the Owner, a Manager or a Record Custodian can share "
            f"{author.name}'s chart.",
        )
    return refused(
        "R5", f"Only {author.name} can share this chart: {author.name} owns their records."
    )


def may_receive_chart(author: ProviderFacts, recipient: ProviderFacts | None) -> Decision:
    """R5, R15: the colleague is another active provider of this practice."""
    if recipient is None:
        return refused("R15", "Choose a colleague from this practice's providers.")
    if recipient.staff_id == author.staff_id:
        return refused("R5", f"{author.name} already has their own chart; choose another provider.")
    if not recipient.active:
        return refused("R5", f"{recipient.name} is deactivated and cannot receive a chart.")
    return ALLOWED


def may_change_provider_lists(principal: Principal, *, principal_linked: bool) -> Decision:
    """R6: Owner, Manager, Record Custodian, Scheduler, or a provider linked to C put C on a
    provider's list without chart access, or take C off it."""
    if principal.has(*LIST_SHARING_ROLES):
        return ALLOWED
    if principal.has(Role.PROVIDER) and principal_linked:
        return ALLOWED
    return refused(
        "R6",
        "Only the Owner, a Manager, a Record Custodian, a Scheduler or one of this client's "
        "providers can change which providers have this client on their list.",
    )


def may_remove_from_provider_list(
    principal: Principal, *, principal_linked: bool, provider_id: int
) -> Decision:
    """R6 for ending a link: the Owner, a Manager, a Record Custodian or a Scheduler take any
    provider off the client's list; a provider takes only themselves off it, never a colleague
    (a colleague's caseload is theirs and the front desk's to change)."""
    if principal.has(*LIST_SHARING_ROLES):
        return ALLOWED
    if principal.has(Role.PROVIDER) and principal_linked and provider_id == principal.staff_id:
        return ALLOWED
    if principal.has(Role.PROVIDER) and principal_linked:
        return refused(
            "R6",
            "You can take yourself off this client's list, not a colleague. Ask the Owner, a "
            "Manager, a Record Custodian or the front desk.",
        )
    return may_change_provider_lists(principal, principal_linked=principal_linked)


def may_add_to_provider_list(
    principal: Principal, *, principal_linked: bool, recipient: ProviderFacts | None
) -> Decision:
    """R6 for adding: the roles above, and B is an active provider of this practice (R15)."""
    if recipient is None:
        return refused("R15", "Choose a provider from this practice.")
    if not recipient.active:
        return refused("R6", f"{recipient.name} is deactivated; choose an active provider.")
    return may_change_provider_lists(principal, principal_linked=principal_linked)


def may_transfer_caseload(principal: Principal, author: ProviderFacts) -> Decision:
    """R9: moving all of A's clients needs the permission to share A's charts (R8, R5)."""
    if principal.staff_id == author.staff_id:
        return ALLOWED
    if _is_group_owned(author) and principal.has(*RECORD_KEEPING_ROLES):
        return ALLOWED
    if _is_group_owned(author):
        return refused(
            "R9",
            f"Only {author.name}, the Owner, a Manager or a Record Custodian can transfer "
            f"{author.name}'s clients.",
        )
    return refused(
        "R9", f"Only {author.name} can transfer their clients: {author.name} owns their records."
    )


def may_link_profiles(principal: Principal) -> Decision:
    """R14: a second profile of the same person, linked as "Self"."""
    if principal.has(*RECORD_KEEPING_ROLES):
        return ALLOWED
    return refused(
        "R14", "Only the Owner, a Manager or a Record Custodian can create a linked profile."
    )


def may_read_note(
    principal: Principal,
    chart: ChartFacts,
    *,
    kind: str,
    status: str,
    awaiting_review_by_principal: bool = False,
) -> Decision:
    """One note: drafts stay with their author until signed, except a progress note awaiting
    the principal's review (R16); then R3 (progress) or R4 (private)."""
    if chart.principal_restricted:
        return refused("R17", NOT_FOUND)
    if principal.staff_id == chart.author.staff_id:
        return ALLOWED
    if status != "signed" and kind == "progress" and awaiting_review_by_principal:
        return ALLOWED
    if status != "signed":
        return refused(
            "R3", f"This note is a draft; only {chart.author.name} sees it until it is signed."
        )
    if kind == "private":
        return may_read_private_notes(principal, chart)
    return may_read_chart(principal, chart)


def may_read_document(
    principal: Principal,
    chart: ChartFacts | None,
    *,
    principal_linked: bool,
    emergency: bool = False,
    restricted: bool = False,
) -> Decision:
    """A clinical document follows its provider's chart (R3); a non-clinical one the profile (R2);
    an open emergency access opens both (R18: `emergency` here, `chart.emergency` there).
    Neither reaches a person the client is restricted from (R17)."""
    if chart is None:
        return may_see_client(
            principal, principal_linked=principal_linked, emergency=emergency, restricted=restricted
        )
    return may_read_chart(principal, chart)
