"""The access matrix: every role, both record-ownership policies, every action (R1-R13).

The expected outcome of each row comes from SPEC.md through the tables below, written from
the rules' text and never from `desktop.services.policy`. Each row then asks the real thing:
the SQL scopes and the decisions (which must agree) for what a person sees and reads, and the
services themselves, stopped at their first write, for what a person may do.

The world is built once per database and module:

- two authors, both Provider only: A_group (the group owns their records) and A_provider (they
  own their records), each with a chart of client C: a signed progress note, a signed private
  psychotherapy note, a draft, a clinical document;
- client C on the lists of both authors and of Rita (who holds a share A->Rita of each chart);
- client C2, transferred away: both authors' links to C2 ended, their charts still there and
  shared with Rita, who treats C2 now. The rows where the actor IS an author who is no longer
  linked use C2;
- client C3, on nobody's list (R1: only "All Clients" shows them);
- Dana, a provider without C, the colleague to whose list C is added (R6) or transferred (R8);
- one staff member per actor: each role alone; a Provider linked to C or not, holding no share
  from the authors, a share without private notes, or one with them; and each other role
  together with Provider (not linked; linked; linked with each kind of share).

Rows depending on the roles only (R1, R11, R12, R13) are asked once per set of roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.db.tables import ChartNote, Client, Document
from desktop.db.uow import UnitOfWork
from desktop.services import (
    audit,
    emergency,
    emergency_report,
    emergency_settings,
    policy,
    provider_links,
    sharing,
    staff,
    transfers,
)
from desktop.services.errors import PermissionRefused
from desktop.services.policy.scopes import (
    clients_with_open_records,
    readable_documents,
    readable_notes,
    visible_clients,
)
from desktop.services.principal import Principal, Role
from desktop.services.record_facts import (
    chart_facts,
    has_own_chart,
    load_client,
    require_provider,
)

from . import worlds
from .conftest import snapshot

# =============================================================================================
# What SPEC.md says, as tables. Y: the rule grants it to the role on its own.
# =============================================================================================

Y, N = True, False

#: role -> (All Clients R1/R2, reads+shares group-owned charts R3/R5, adds to lists R6,
#:          edits the profile R2, Billing tab R11, administers staff R12, reads the audit R13)
ROLE_TABLE: dict[str, tuple[bool, bool, bool, bool, bool, bool, bool]] = {
    #                   R1/R2 R3/R5 R6  R2edit R11 R12 R13
    "owner":            (Y,    Y,    Y,  Y,     Y,  Y,  Y),
    "manager":          (Y,    Y,    Y,  Y,     N,  Y,  N),
    "record_custodian": (Y,    Y,    Y,  Y,     N,  N,  Y),
    "provider":         (N,    N,    N,  N,     N,  N,  N),
    "scheduler":        (Y,    N,    Y,  Y,     N,  N,  N),
    "biller":           (Y,    N,    N,  N,     Y,  N,  N),
}  # fmt: skip
ALL_CLIENTS, GROUP_CHARTS, LIST_SHARING, EDITS_PROFILE, BILLING, STAFF_ADMIN, AUDIT = range(7)
#: R18: who may use emergency access by default; who reads its report; who sets it up.
EMERGENCY_USERS = {"owner", "record_custodian", "provider"}
EMERGENCY_REVIEWERS = {"owner", "record_custodian"}
EMERGENCY_SETTERS = {"owner"}


def role_grants(roles: frozenset[str], column: int) -> bool:
    """A staff member holding several roles has what any of them has."""
    return any(ROLE_TABLE[role][column] for role in roles)


@dataclass(frozen=True)
class Situation:
    """One row's facts: who acts, on whose chart, and how they stand to the client."""

    roles: frozenset[str]
    #: the actor has C on their list.
    linked: bool
    #: the share A->actor for C: None, "without_private" or "with_private".
    share: str | None
    #: "group" or "provider": who owns A's records.
    ownership: str
    #: the actor is A, the chart's author.
    is_author: bool = False

    @property
    def provider(self) -> bool:
        return "provider" in self.roles


def sees_profile(s: Situation) -> bool:
    """R2: every group-wide role, and every provider linked to the client."""
    return role_grants(s.roles, ALL_CLIENTS) or (s.provider and s.linked)


def edits_profile(s: Situation) -> bool:
    """R2: editable by all of them except Biller (billing fields only)."""
    return role_grants(s.roles, EDITS_PROFILE) or (s.provider and s.linked)


def reads_chart(s: Situation) -> bool:
    """R3: A; B holding an active share A->B; Owner, Manager, Record Custodian when group-owned."""
    return (
        s.is_author
        or s.share is not None
        or (s.ownership == "group" and role_grants(s.roles, GROUP_CHARTS))
    )


def reads_private(s: Situation) -> bool:
    """R4: A, and B only through a share that explicitly includes them. No role on its own."""
    return s.is_author or s.share == "with_private"


def reads_draft(s: Situation) -> bool:
    """docs/decisions.md: a draft belongs to its author until signed, whatever role or share."""
    return s.is_author


def writes_chart(s: Situation) -> bool:
    """R3: only A writes to it; docs/decisions.md: only while C is on A's list."""
    return s.is_author and s.linked


def shares_chart(s: Situation) -> bool:
    """R5 (and R8, whose permission is R5's): A while A is linked to C; Owner, Manager, Record
    Custodian only when A's records are group-owned."""
    return (s.is_author and s.linked) or (
        s.ownership == "group" and role_grants(s.roles, GROUP_CHARTS)
    )


def adds_to_list(s: Situation) -> bool:
    """R6: Owner, Manager, Record Custodian, Scheduler, or a provider linked to C."""
    return role_grants(s.roles, LIST_SHARING) or (s.provider and s.linked)


def opens_records(s: Situation) -> bool:
    """R2, R3 (docs/decisions.md): whoever sees the profile, and the author, on the client's
    list or not: a provider never loses their own chart."""
    return sees_profile(s) or s.is_author


def ends_colleagues_link(s: Situation) -> bool:
    """R6 (docs/decisions.md): Owner, Manager, Record Custodian or Scheduler take a colleague
    off a client's list; a provider takes only themselves off."""
    return role_grants(s.roles, LIST_SHARING)


def sees_unlisted_client(s: Situation) -> bool:
    """R1: group-wide roles see "All Clients"; a provider sees "My Clients" only."""
    return role_grants(s.roles, ALL_CLIENTS)


@dataclass(frozen=True)
class Action:
    """One thing a person may try; `rules` are those a refusal may name."""

    rule: str
    expected: Callable[[Situation], bool]
    rules: frozenset[str] = field(default_factory=frozenset)


ACTIONS: dict[str, Action] = {
    "see_profile": Action("R2", sees_profile, frozenset({"R2"})),
    "edit_profile": Action("R2", edits_profile, frozenset({"R2"})),
    "read_progress": Action("R3", reads_chart, frozenset({"R3"})),
    "read_draft": Action("R3", reads_draft, frozenset({"R3"})),
    "read_private": Action("R4", reads_private, frozenset({"R4"})),
    "read_document": Action("R3", reads_chart, frozenset({"R3"})),
    "write": Action("R3", writes_chart, frozenset({"R3"})),
    "share": Action("R5", shares_chart, frozenset({"R5"})),
    "end_share": Action("R5", shares_chart, frozenset({"R5"})),
    "transfer": Action("R8", shares_chart, frozenset({"R8", "R5"})),
    "add_to_list": Action("R6", adds_to_list, frozenset({"R6"})),
    "open_records": Action("R3", opens_records, frozenset({"R2"})),
    "remove_colleague_from_list": Action("R6", ends_colleagues_link, frozenset({"R6"})),
}
#: actions that depend on the roles only, asked once per set of roles.
ROLE_ACTIONS: dict[str, Action] = {
    "see_unlisted_client": Action("R1", sees_unlisted_client),
    "billing": Action("R11", lambda s: role_grants(s.roles, BILLING), frozenset({"R11"})),
    "administer_staff": Action(
        "R12", lambda s: role_grants(s.roles, STAFF_ADMIN), frozenset({"R12"})
    ),
    "read_audit": Action("R13", lambda s: role_grants(s.roles, AUDIT), frozenset({"R13"})),
    "use_emergency_access": Action("R18", lambda s: bool(s.roles & EMERGENCY_USERS)),
    "read_emergency_report": Action(
        "R18", lambda s: bool(s.roles & EMERGENCY_REVIEWERS), frozenset({"R18"})
    ),
    "set_up_emergency_access": Action(
        "R18", lambda s: bool(s.roles & EMERGENCY_SETTERS), frozenset({"R18"})
    ),
}

# =============================================================================================
# The rows
# =============================================================================================

OTHER_ROLES = ("owner", "manager", "record_custodian", "scheduler", "biller")
ROLE_SETS = [frozenset({r}) for r in OTHER_ROLES] + [
    frozenset({"provider"}),
    *(frozenset({r, "provider"}) for r in OTHER_ROLES),
]
SHARES = (None, "without_private", "with_private")
OWNERSHIPS = ("group", "provider")


def role_label(roles: frozenset[str]) -> str:
    return "+".join(sorted(roles, key=lambda r: (r == "provider", r)))


def actor_key(roles: frozenset[str], linked: bool, share: str | None) -> tuple:
    return (roles, linked, share)


#: a role held together with Provider: its own grants, with a link, and with either kind of share.
COMBINED_VARIANTS = ((False, None), (True, None), (True, "without_private"), (True, "with_private"))


def actor_keys() -> list[tuple]:
    """One staff member per combination. Without Provider there is no link nor share to hold
    (both name a provider); a Provider alone holds every combination of link and share."""
    keys = []
    for roles in ROLE_SETS:
        if roles == {"provider"}:
            keys += [actor_key(roles, lk, sh) for lk in (True, False) for sh in SHARES]
        elif "provider" in roles:
            keys += [actor_key(roles, lk, sh) for lk, sh in COMBINED_VARIANTS]
        else:
            keys.append(actor_key(roles, False, None))
    return keys


def situation_label(s: Situation) -> str:
    if s.is_author:
        who = "A_itself-" + ("linked" if s.linked else "unlinked")
    else:
        share = f"share_{s.share}" if s.share else "no_share"
        who = f"{role_label(s.roles)}-{'linked' if s.linked else 'unlinked'}-{share}"
    return f"{who}-{s.ownership}_owned"


@dataclass(frozen=True)
class Row:
    action: str
    situation: Situation

    def expected(self) -> bool:
        return (ACTIONS | ROLE_ACTIONS)[self.action].expected(self.situation)

    @property
    def id(self) -> str:
        spec = (ACTIONS | ROLE_ACTIONS)[self.action]
        outcome = "allowed" if self.expected() else "refused"
        if self.action in ROLE_ACTIONS:
            return f"{spec.rule}-{role_label(self.situation.roles)}-{self.action}-{outcome}"
        return f"{spec.rule}-{situation_label(self.situation)}-{self.action}-{outcome}"


def matrix_rows() -> list[Row]:
    rows = []
    for roles, linked, share in actor_keys():
        for ownership in OWNERSHIPS:
            s = Situation(roles, linked, share, ownership)
            rows += [Row(action, s) for action in ACTIONS]
    for ownership in OWNERSHIPS:  # the actor is A, on C (linked) or on C2 (transferred away)
        for linked in (True, False):
            s = Situation(frozenset({"provider"}), linked, None, ownership, is_author=True)
            rows += [Row(action, s) for action in ACTIONS]
    for roles in ROLE_SETS:
        s = Situation(roles, False, None, "group")
        rows += [Row(action, s) for action in ROLE_ACTIONS]
    return rows


ROWS = matrix_rows()

# =============================================================================================
# The world, once per database
# =============================================================================================

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


@dataclass
class Chart:
    """One author's chart of one client: the ids the rows look for."""

    progress: int
    private: int
    draft: int
    document: int
    share_to_rita: int


@dataclass
class World:
    engine: object
    clock: FixedClock
    authors: dict[str, Principal]
    actors: dict[tuple, Principal]
    rita: Principal
    dana: Principal
    c: int
    c2: int
    c3: int
    #: (ownership, client id) -> the author's chart of that client.
    charts: dict[tuple[str, int], Chart]
    #: facts and scope results, each loaded once.
    cache: dict = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock)

    def checks_only(self) -> worlds.ChecksOnlyUnitOfWork:
        return worlds.ChecksOnlyUnitOfWork(self.engine, self.clock)


def build_world(engine) -> World:
    clock = FixedClock(NOW)
    earlier = NOW - timedelta(days=30)
    uow = UnitOfWork(engine, clock)
    with uow:
        s = uow.session
        worlds.add_practice(s, earlier)
        provider = frozenset({Role.PROVIDER})
        authors = {
            "group": worlds.add_staff(s, "Ana Group", provider, earlier, records_owner="group"),
            "provider": worlds.add_staff(
                s, "Lee Provider", provider, earlier, records_owner="provider"
            ),
        }
        rita = worlds.add_staff(s, "Rita Recipient", provider, earlier, records_owner="group")
        dana = worlds.add_staff(s, "Dana Colleague", provider, earlier, records_owner="group")
        c = worlds.add_client(s, "Casey", "Client", earlier)
        c2 = worlds.add_client(s, "Casey", "Transferred", earlier)
        c3 = worlds.add_client(s, "Casey", "Unlisted", earlier)
        charts = {}
        for ownership, author in authors.items():
            a = author.staff_id
            worlds.add_link(s, c, a, earlier)
            worlds.add_link(s, c2, a, earlier, ended_at=earlier + timedelta(days=1))
            for client in (c, c2):
                charts[(ownership, client)] = Chart(
                    progress=worlds.add_note(s, client, a, "progress", True, earlier),
                    private=worlds.add_note(s, client, a, "private", True, earlier),
                    draft=worlds.add_note(s, client, a, "progress", False, earlier),
                    document=worlds.add_clinical_document(s, client, a, earlier),
                    share_to_rita=worlds.add_share(
                        s, client, a, rita.staff_id, earlier, include_private=False
                    ),
                )
        worlds.add_link(s, c, rita.staff_id, earlier)
        worlds.add_link(s, c2, rita.staff_id, earlier)
        actors = {}
        for number, (roles, linked, share) in enumerate(actor_keys(), start=1):
            name = f"Actor {number} {role_label(roles)}"
            principal = worlds.add_staff(
                s, name, {Role(r) for r in roles}, earlier, records_owner="group"
            )
            actors[(roles, linked, share)] = principal
            if linked:
                worlds.add_link(s, c, principal.staff_id, earlier)
            if share:
                for author in authors.values():
                    worlds.add_share(
                        s,
                        c,
                        author.staff_id,
                        principal.staff_id,
                        earlier,
                        include_private=share == "with_private",
                    )
        uow.commit()
    return World(engine, clock, authors, actors, rita, dana, c, c2, c3, charts)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request) -> World:
    """The world on a fresh database; afterwards, proof that no row changed it."""
    with worlds.database_copy(request, request.param) as engine:
        world = build_world(engine)
        before = snapshot(engine)
        yield world
        assert snapshot(engine) == before, "a matrix row changed the world"


# =============================================================================================
# Asking the real thing
# =============================================================================================


def _facts(w: World, principal: Principal, client_id: int, ownership: str):
    """`record_facts.chart_facts` of A's chart as the principal sees it (loaded once per world)."""
    key = ("facts", principal.staff_id, client_id, ownership)
    if key not in w.cache:
        with w.uow() as uow:
            author = require_provider(uow, w.authors[ownership].staff_id)
            w.cache[key] = chart_facts(uow, principal, load_client(uow, client_id), author)
    return w.cache[key]


def _scope(w: World, principal: Principal, column, condition) -> set[int]:
    """The ids the SQL scope selects for the principal (queried once per world)."""
    key = ("scope", principal.staff_id, str(column), condition.__name__)
    if key not in w.cache:
        with w.uow() as uow:
            query = select(column).where(condition(principal, uow.now()))
            w.cache[key] = set(uow.session.scalars(query))
    return w.cache[key]


def _visible(principal: Principal, now) -> object:
    return visible_clients(principal, Client.id)


def _opens_records(principal: Principal, now) -> object:
    return clients_with_open_records(principal, Client.id)


def _refusal(call) -> tuple[bool, str | None]:
    """(allowed, rule named by the refusal) of a service call; reaching a write means allowed."""
    try:
        call()
    except PermissionRefused as refused:
        return False, refused.rule
    except worlds.WouldWrite:
        pass
    return True, None


def _both_faces(scope: bool, decision: policy.Decision) -> tuple[bool, str | None]:
    """The SQL scope and the decision must say the same (DESIGN: the two faces agree)."""
    assert scope == decision.allowed, f"the scope says {scope}, the decision says {decision}"
    return decision.allowed, decision.rule


def _note_outcome(w, principal, client_id, ownership, note_id, kind, status):
    return _both_faces(
        note_id in _scope(w, principal, ChartNote.id, readable_notes),
        policy.may_read_note(
            principal, _facts(w, principal, client_id, ownership), kind=kind, status=status
        ),
    )


def ask(w: World, row: Row) -> tuple[bool, str | None]:
    s = row.situation
    if s.is_author:
        principal = w.authors[s.ownership]
        client_id = w.c if s.linked else w.c2
    else:
        principal = w.actors[actor_key(s.roles, s.linked, s.share)]
        client_id = w.c
    author_id = w.authors[s.ownership].staff_id
    chart = w.charts[(s.ownership, client_id)]

    match row.action:
        case "see_profile":
            linked = _facts(w, principal, client_id, s.ownership).principal_linked
            return _both_faces(
                client_id in _scope(w, principal, Client.id, _visible),
                policy.may_see_client(principal, principal_linked=linked),
            )
        case "edit_profile":
            linked = _facts(w, principal, client_id, s.ownership).principal_linked
            decision = policy.may_edit_client(principal, principal_linked=linked)
            return decision.allowed, decision.rule
        case "read_progress":
            return _note_outcome(
                w, principal, client_id, s.ownership, chart.progress, "progress", "signed"
            )
        case "read_private":
            return _note_outcome(
                w, principal, client_id, s.ownership, chart.private, "private", "signed"
            )
        case "read_draft":
            return _note_outcome(
                w, principal, client_id, s.ownership, chart.draft, "progress", "draft"
            )
        case "read_document":
            facts = _facts(w, principal, client_id, s.ownership)
            return _both_faces(
                chart.document in _scope(w, principal, Document.id, readable_documents),
                policy.may_read_document(principal, facts, principal_linked=facts.principal_linked),
            )
        case "write":
            decision = policy.may_write_chart(
                principal, _facts(w, principal, client_id, s.ownership)
            )
            return decision.allowed, decision.rule
        case "share":
            return _refusal(
                lambda: sharing.preview_share(
                    w.uow(), principal, client_id, author_id, w.rita.staff_id, include_private=True
                ),
            )
        case "end_share":
            return _refusal(
                lambda: sharing.end_chart_share(w.checks_only(), principal, chart.share_to_rita)
            )
        case "transfer":
            return _refusal(
                lambda: transfers.transfer_client(
                    w.checks_only(), principal, client_id, author_id, w.dana.staff_id
                ),
            )
        case "add_to_list":
            return _refusal(
                lambda: provider_links.add_to_provider_list(
                    w.checks_only(), principal, client_id, w.dana.staff_id
                ),
            )
        case "open_records":
            linked = _facts(w, principal, client_id, s.ownership).principal_linked
            with w.uow() as uow:
                own = has_own_chart(uow, client_id, principal.staff_id)
            return _both_faces(
                client_id in _scope(w, principal, Client.id, _opens_records),
                policy.may_open_records(principal, principal_linked=linked, has_own_chart=own),
            )
        case "remove_colleague_from_list":
            return _refusal(
                lambda: provider_links.remove_from_provider_list(
                    w.checks_only(), principal, client_id, w.rita.staff_id
                ),
            )
        case "see_unlisted_client":
            return _both_faces(
                w.c3 in _scope(w, principal, Client.id, _visible),
                policy.may_see_client(principal, principal_linked=False),
            )
        case "billing":
            decision = policy.may_use_billing(principal)
            return decision.allowed, decision.rule
        case "administer_staff":
            new = staff.NewStaff(
                "New Colleague",
                f"new.{principal.staff_id}@policy.test",
                "long enough password",
                frozenset({Role.SCHEDULER}),
            )
            return _refusal(
                lambda: staff.add_staff(w.checks_only(), principal, worlds.NoHashing(), new)
            )
        case "read_audit":
            return _refusal(lambda: audit.recent_entries(w.uow(), principal, limit=1))
        case "use_emergency_access":
            return emergency.emergency_allowed(w.uow(), principal), None
        case "read_emergency_report":
            return _refusal(lambda: emergency_report.emergency_report(w.uow(), principal))
        case "set_up_emergency_access":
            return _refusal(
                lambda: emergency_settings.update_emergency_rules(
                    w.checks_only(), principal, ["provider"], [], 60
                )
            )
    raise AssertionError(f"no way to ask {row.action}")


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_policy_matrix(world: World, row: Row) -> None:
    allowed, rule = ask(world, row)
    expected = row.expected()
    assert allowed == expected, f"{row.id}: expected {'allowed' if expected else 'refused'}"
    spec = (ACTIONS | ROLE_ACTIONS)[row.action]
    if not allowed and spec.rules:
        assert rule in spec.rules, f"the refusal names {rule}, not one of {sorted(spec.rules)}"


def test_the_matrix_covers_every_role_policy_and_action() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "every row has its own id"
    seen_roles = {role for row in ROWS for role in row.situation.roles}
    assert seen_roles == set(ROLE_TABLE)
    assert {row.situation.ownership for row in ROWS} == set(OWNERSHIPS)
    assert {row.action for row in ROWS} == set(ACTIONS) | set(ROLE_ACTIONS)
    # Each outcome occurs for each action, so no row is trivially always one way.
    for action in ACTIONS | ROLE_ACTIONS:
        outcomes = {row.expected() for row in ROWS if row.action == action}
        assert outcomes == {True, False}, action
