"""Who can see a client's records and why (B1), and the Chart Sharing panel's state (R5).

Both are built from the same decisions the services enforce, so what they say is what happens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, union
from sqlalchemy.orm import selectinload

from ..db.tables import ChartNote, ChartShare, Client, Document, ProviderProfile, Staff, StaffRole
from ..db.uow import UnitOfWork
from .auth import principal_for
from .boundary import checked
from .policy import (
    RECORD_KEEPING_ROLES,
    Decision,
    ProviderFacts,
    may_read_chart,
    may_read_private_notes,
    may_see_all_clients,
    may_see_client,
    may_share_chart,
)
from .policy.supervision_rules import MODE_LABELS, may_restrict_clients
from .principal import Principal, Role, roles_label
from .record_facts import ClientSharingFacts, client_sharing_facts, providers_facts
from .restrictions import restrictions_in_force
from .sharing import ShareView
from .supervision_facts import load_client_for, supervisions_of_client


def _chart_providers(
    uow: UnitOfWork, client: Client, facts: ClientSharingFacts
) -> list[ProviderFacts]:
    """Providers who have a chart for the client: linked now, or wrote in it before."""
    ids = set(
        uow.session.scalars(
            union(
                select(ChartNote.author_id).where(ChartNote.client_id == client.id),
                select(Document.owner_provider_id).where(
                    Document.client_id == client.id, Document.owner_provider_id.is_not(None)
                ),
            )
        )
    )
    ids |= facts.linked
    found = providers_facts(uow, ids).values()
    return sorted(found, key=lambda f: (f.name.lower(), f.staff_id))


def _share_views(uow: UnitOfWork, shares: list[ChartShare]) -> dict[int, ShareView]:
    """Each share as panels show it, with the names of the people in it read in one query."""
    ids = {i for s in shares for i in (s.from_provider_id, s.to_provider_id, s.started_by)}
    ids.discard(None)
    names = dict(
        uow.session.execute(select(Staff.id, Staff.display_name).where(Staff.id.in_(ids))).all()
        if ids
        else []
    )

    def name(staff_id: int | None) -> str:
        if staff_id is None:
            return "Clinic Desk"
        return names.get(staff_id, "a former staff member")

    return {
        share.id: ShareView(
            id=share.id,
            client_id=share.client_id,
            from_provider_id=share.from_provider_id,
            from_provider_name=name(share.from_provider_id),
            to_provider_id=share.to_provider_id,
            to_provider_name=name(share.to_provider_id),
            include_private=share.include_private,
            started_at=share.started_at,
            started_by_name=name(share.started_by),
            expires_at=share.expires_at,
            ended_at=share.ended_at,
            end_reason=share.end_reason,
        )
        for share in shares
    }


@dataclass(frozen=True)
class ShareRow:
    """One colleague in a chart's sharing section, with the state of sharing to them."""

    provider_id: int
    provider_name: str
    on_list: bool
    share: ShareView | None


@dataclass(frozen=True)
class ChartSharingSection:
    """The sharing state of one provider's chart of the client, seen by the principal."""

    provider: ProviderFacts
    is_viewers_own: bool
    #: may the principal share or end sharing of this chart, and if not, why.
    can_share: Decision
    rows: list[ShareRow]


@checked
def sharing_overview(
    uow: UnitOfWork, principal: Principal, client_id: int
) -> list[ChartSharingSection]:
    """One section per chart of the client, the viewer's own first; each lists every other
    active provider with the share from that chart to them, if any."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        facts = client_sharing_facts(uow, client)
        may_see_client(principal, principal_linked=principal.staff_id in facts.linked).require()
        colleagues = uow.session.execute(
            select(Staff.id, Staff.display_name)
            .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
            .join(StaffRole, StaffRole.staff_id == Staff.id)
            .where(Staff.active.is_(True), StaffRole.role == Role.PROVIDER.value)
            .order_by(Staff.display_name, Staff.id)
        ).all()
        views = _share_views(uow, list(facts.shares.values()))
        sections = []
        for author in _chart_providers(uow, client, facts):
            rows = []
            for colleague_id, name in colleagues:
                if colleague_id == author.staff_id:
                    continue
                share = facts.share(author.staff_id, colleague_id)
                rows.append(
                    ShareRow(
                        colleague_id,
                        name,
                        colleague_id in facts.linked,
                        views[share.id] if share else None,
                    )
                )
            sections.append(
                ChartSharingSection(
                    provider=author,
                    is_viewers_own=author.staff_id == principal.staff_id,
                    can_share=may_share_chart(principal, facts.chart_facts(principal, author)),
                    rows=rows,
                )
            )
        sections.sort(key=lambda s: not s.is_viewers_own)
        return sections


@dataclass(frozen=True)
class ChartAccess:
    """What one person sees of one provider's chart, and the rule that grants it."""

    provider_id: int
    provider_name: str
    progress_notes: bool
    private_notes: bool
    reason: str


@dataclass(frozen=True)
class AccessRow:
    """One staff member with any access to the client (B1)."""

    staff_id: int
    name: str
    roles_label: str
    profile: bool
    profile_reason: str
    charts: list[ChartAccess]


def _chart_reason(
    person: Principal,
    author: ProviderFacts,
    share: ChartShare | None,
    view: ShareView | None,
    supervision: tuple[int, str] | None = None,
) -> str:
    if person.staff_id == author.staff_id:
        return "Their own chart: they write it (R3)."
    if share is not None and view is not None:
        parts = [f"Shared by {view.started_by_name} on {view.started_at:%d %b %Y}"]
        parts.append(
            "private notes included" if view.include_private else "private notes not included"
        )
        if view.expires_at:
            parts.append(f"until {view.expires_at:%d %b %Y}")
        return ", ".join(parts) + " (R5)."
    if supervision is not None and supervision[0] == person.staff_id:
        mode = MODE_LABELS[supervision[1]].lower()
        return f"Supervises {author.name} ({mode}): reads their chart, not private notes (R16)."
    held = roles_label(person.roles & RECORD_KEEPING_ROLES)
    return f"{held}: reads the charts of providers whose records the group owns (R3)."


@checked
def who_can_see(uow: UnitOfWork, principal: Principal, client_id: int) -> list[AccessRow]:
    """Every active staff member with any access to the client: what they see and why (B1)."""
    with uow:
        client = load_client_for(uow, principal, client_id)
        facts = client_sharing_facts(uow, client)
        may_see_client(principal, principal_linked=principal.staff_id in facts.linked).require()
        charts = _chart_providers(uow, client, facts)
        supervisions = supervisions_of_client(uow, client.id, frozenset(a.staff_id for a in charts))
        facts = replace(
            facts, supervisors={a: (r.supervisor_id, r.mode) for a, r in supervisions.items()}
        )
        views = _share_views(uow, list(facts.shares.values()))
        rows = []
        staff = uow.session.scalars(
            select(Staff)
            .options(selectinload(Staff.roles))
            .where(Staff.active.is_(True))
            .order_by(Staff.display_name)
        )
        for member in staff:
            person = principal_for(member, principal.workstation)
            if person.staff_id in facts.restricted:
                continue
            linked = person.staff_id in facts.linked
            profile = bool(may_see_client(person, principal_linked=linked))
            if may_see_all_clients(person):
                profile_reason = f"{person.roles_label}: sees every client's profile (R1, R2)."
            elif linked:
                profile_reason = "This client is on their list (R2)."
            else:
                profile_reason = ""
            access = []
            for author in charts:
                chart = facts.chart_facts(person, author)
                progress = bool(may_read_chart(person, chart))
                private = bool(may_read_private_notes(person, chart))
                if progress or private:
                    share = facts.share(author.staff_id, person.staff_id)
                    view = views[share.id] if share else None
                    access.append(
                        ChartAccess(
                            author.staff_id,
                            author.name,
                            progress,
                            private,
                            _chart_reason(
                                person, author, share, view, facts.supervisors.get(author.staff_id)
                            ),
                        )
                    )
            if profile or access:
                rows.append(
                    AccessRow(
                        person.staff_id,
                        person.display_name,
                        person.roles_label,
                        profile,
                        profile_reason,
                        access,
                    )
                )
        if may_restrict_clients(principal):
            rows.extend(_restricted_rows(uow, principal, client.id))
        return rows


def _restricted_rows(uow: UnitOfWork, principal: Principal, client_id: int) -> list[AccessRow]:
    """R17: whom the client is hidden from, for those who may restrict it."""
    return [
        AccessRow(
            r.staff_id,
            r.staff_name,
            "Restricted",
            False,
            f"Restricted by {r.started_by_name} on {r.started_at:%d %b %Y}: {r.reason} (R17).",
            [],
        )
        for r in restrictions_in_force(uow, client_id)
    ]
