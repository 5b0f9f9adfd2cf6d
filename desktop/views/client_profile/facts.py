"""The facts the policy decides on, taken from what the services returned (no SQL here)."""

from __future__ import annotations

from ...services.clients import ClientProfile
from ...services.policy import (
    ChartFacts,
    Decision,
    ProviderFacts,
    may_change_provider_lists,
    may_complete_own_note,
    may_edit_client,
    may_write_chart,
)
from ...services.principal import Principal, Role


def linked_ids(profile: ClientProfile) -> set[int]:
    """The providers who have the client on their list."""
    return {setting.provider_id for setting in profile.providers}


def is_principal_linked(principal: Principal, profile: ClientProfile) -> bool:
    return principal.staff_id in linked_ids(profile)


def chart_of(
    principal: Principal,
    profile: ClientProfile,
    provider_id: int,
    provider_name: str,
    records_owner: str = "provider",
) -> ChartFacts:
    """Provider `provider_id`'s chart of the client, as the policy needs to see it."""
    linked = linked_ids(profile)
    return ChartFacts(
        client_id=profile.id,
        client_name=profile.full_name,
        author=ProviderFacts(provider_id, provider_name, True, records_owner),
        author_linked=provider_id in linked,
        principal_linked=principal.staff_id in linked,
        share_to_principal_includes_private=None,
    )


def chart_of_past_client(
    principal: Principal, client_id: int, client_name: str, provider_id: int, provider_name: str
) -> ChartFacts:
    """A chart of a client who is on nobody's list as far as the principal can tell: the
    principal's own chart after the client left their list (R3)."""
    return ChartFacts(
        client_id=client_id,
        client_name=client_name,
        author=ProviderFacts(provider_id, provider_name, True, "provider"),
        author_linked=False,
        principal_linked=False,
        share_to_principal_includes_private=None,
    )


def may_write_own_chart(principal: Principal, profile: ClientProfile) -> Decision | None:
    """Whether the principal may start a note or a clinical document in their own chart (R3);
    None when they are not a provider and so have no chart of their own."""
    if not principal.has(Role.PROVIDER):
        return None
    own = chart_of(principal, profile, principal.staff_id, principal.display_name)
    return may_write_chart(principal, own)


def may_finish_note(
    principal: Principal, profile: ClientProfile, author_id: int, author_name: str
) -> Decision:
    """Whether the principal may edit, sign or amend a note of `author_id`'s chart (R3)."""
    return may_complete_own_note(principal, chart_of(principal, profile, author_id, author_name))


def may_edit_profile(principal: Principal, profile: ClientProfile) -> Decision:
    return may_edit_client(principal, principal_linked=is_principal_linked(principal, profile))


def may_change_lists(principal: Principal, profile: ClientProfile) -> Decision:
    return may_change_provider_lists(
        principal, principal_linked=is_principal_linked(principal, profile)
    )
