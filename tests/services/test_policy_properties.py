"""Properties of the access rules over random sequences of sharing, transfers and list changes.

A small practice (four providers with random record-ownership policies, an Owner, a Record
Custodian, a Scheduler and a Biller; two or three clients with random links, notes, clinical
documents and shares in force) goes through random operations, applied through the services: share (with or
without private notes, with or without an end date), end a share, transfer, add to a list,
take off a list, deactivate a provider, open and end an emergency access (R18), let time pass
and record the shares that expired, set, change or end a provider's supervision (by default or
for one client, R16), restrict a client from a staff member and lift it (R17).

After every step the rules are checked against the database's own rows (links and shares read
straight from their tables, with the current clock), and the two faces of the policy (the SQL
scopes and the decisions over `record_facts.chart_facts`) must agree for every staff member and
every note, clinical document and client. An operation the services refuse must leave the
database exactly as it was.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, literal, select, union_all

from desktop.clock import FixedClock
from desktop.db.tables import (
    AuditEvent,
    ChartNote,
    ChartShare,
    Client,
    ClientProviderLink,
    ClientRestriction,
    Document,
    EmergencyAccess,
    Staff,
    Supervision,
)
from desktop.db.types import UTCDateTime
from desktop.db.uow import UnitOfWork
from desktop.services import (
    audit,
    emergency,
    policy,
    provider_links,
    restrictions,
    sharing,
    staff,
    supervision,
    transfers,
)
from desktop.services.emergency_reads import open_access_in_transaction
from desktop.services.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from desktop.services.policy.scopes import (
    clients_with_open_records,
    readable_documents,
    readable_notes,
    readable_profiles,
    visible_clients,
)
from desktop.services.principal import Principal, Role
from desktop.services.record_facts import (
    chart_facts,
    has_own_chart,
    load_client,
    provider_facts,
)
from desktop.services.supervision_facts import supervises_client

from . import worlds
from .conftest import snapshot

START = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
PROVIDERS = 4
#: the staff, by index: providers 0-3, then these.
OWNER, CUSTODIAN, SCHEDULER, BILLER = range(PROVIDERS, PROVIDERS + 4)
STAFF = PROVIDERS + 4
#: what a random operation may raise when the services refuse it; then nothing may change.
REFUSALS = (PermissionRefused, InvalidInput, Conflict, NotFound)

# The roles, as SPEC.md names them (not taken from the policy module).
GROUP_WIDE = {Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER, Role.BILLER}
RECORD_KEEPERS = {Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN}
LIST_SHARERS = {Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER}
STAFF_ADMINS = {Role.OWNER, Role.MANAGER}
#: who may use emergency access while the practice has not chosen (R18).
EMERGENCY_USERS = {Role.OWNER, Role.RECORD_CUSTODIAN, Role.PROVIDER}
RESTRICTERS = {Role.OWNER, Role.RECORD_CUSTODIAN}

# =============================================================================================
# Strategies
# =============================================================================================


@dataclass(frozen=True)
class Plan:
    """The random practice and what happens to it."""

    ownership: tuple[str, ...]
    #: a second role for provider 0 (a clinician who also keeps records, books or bills).
    extra_role: Role | None
    #: per client, per provider: (on the provider's list, the provider has a chart).
    clients: tuple[tuple[tuple[bool, bool], ...], ...]
    #: shares in force at the start: (client, from, to, include private, days left or None).
    shares: tuple[tuple[int, int, int, bool, int | None], ...]
    operations: tuple[tuple, ...]


staff_index = st.integers(0, STAFF - 1)
provider_index = st.integers(0, PROVIDERS - 1)
client_index = st.integers(0, 2)
#: who acts on a chart: often its author (AUTHOR), else anyone on the staff.
AUTHOR = -1
chart_actor = st.one_of(st.just(AUTHOR), staff_index)
#: a client's standing with a provider: (on their list, has a chart), the common case first.
standing = st.sampled_from([(True, True), (False, True), (True, False), (False, False)])

operations = st.one_of(
    st.tuples(
        st.just("share"),
        chart_actor,
        client_index,
        provider_index,
        st.integers(0, PROVIDERS),  # PROVIDERS: the Owner, who is no provider (R15)
        st.booleans(),
        st.sampled_from([5, None, 1, 20]),  # days until the share ends (B2), or None
    ),
    st.tuples(st.just("end_share"), chart_actor, st.integers(0, 20)),  # mostly one in force
    st.tuples(
        st.just("transfer"),
        chart_actor,
        client_index,
        provider_index,
        provider_index,
        st.booleans(),
    ),
    st.tuples(st.just("add_to_list"), staff_index, client_index, provider_index),
    # the provider taken off the list: one of those on it, by position
    st.tuples(st.just("remove_from_list"), staff_index, client_index, provider_index),
    # by the Owner, provider 0 (a Manager when that is its extra role) or the Record Custodian
    st.tuples(st.just("deactivate"), st.sampled_from([OWNER, 0, CUSTODIAN]), provider_index),
    # R18: by anyone on the staff (the Scheduler and the Biller are refused by default)
    st.tuples(st.just("emergency_open"), staff_index, client_index),
    st.tuples(st.just("emergency_end"), staff_index, client_index),
    st.tuples(st.just("advance"), st.sampled_from([10, 1, 3, 40])),  # days
    st.tuples(st.just("expire_due")),
    # R16: who sets it, the supervisee, the supervisor (PROVIDERS: none, the supervision ends),
    # the mode, and the client of a per-client choice (None: the default).
    st.tuples(
        st.just("supervise"),
        st.sampled_from([OWNER, 0, CUSTODIAN]),
        provider_index,
        st.integers(0, PROVIDERS),
        st.sampled_from(["read", "approve", "cosign"]),
        st.one_of(st.none(), client_index),
    ),
    # R17: who restricts (or lifts), the client, and the staff member it is hidden from.
    st.tuples(
        st.just("restrict"), st.sampled_from([OWNER, CUSTODIAN, 0]), client_index, staff_index
    ),
    st.tuples(st.just("lift"), st.sampled_from([OWNER, CUSTODIAN, 0]), client_index, staff_index),
)

plans = st.builds(
    Plan,
    ownership=st.tuples(*[st.sampled_from(["group", "provider"])] * PROVIDERS),
    extra_role=st.sampled_from([None, Role.RECORD_CUSTODIAN, Role.MANAGER, Role.SCHEDULER]),
    clients=st.lists(st.tuples(*[standing] * PROVIDERS), min_size=2, max_size=3).map(tuple),
    shares=st.lists(
        st.tuples(
            client_index, provider_index, provider_index, st.booleans(), st.sampled_from([2, None])
        ),
        min_size=1,
        max_size=3,
    ).map(tuple),
    operations=st.lists(operations, min_size=3, max_size=8).map(tuple),
)

# =============================================================================================
# The practice
# =============================================================================================


@dataclass
class Practice:
    engine: object
    clock: FixedClock
    people: list[Principal]
    clients: list[int]
    ownership: dict[int, str]
    #: chart facts loaded by `record_facts`, by the rows they stand on (see `loaded_facts`).
    facts: dict = field(default_factory=dict)
    #: the scopes of everyone as one query (see `scopes_query`).
    scopes_query: object = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.clock)

    @property
    def provider_ids(self) -> list[int]:
        return [p.staff_id for p in self.people[:PROVIDERS]]


def build(engine, plan: Plan) -> Practice:
    clock = FixedClock(START)
    uow = UnitOfWork(engine, clock)
    earlier = START - timedelta(days=60)
    with uow:
        s = uow.session
        worlds.add_practice(s, earlier)
        people = []
        for i, ownership in enumerate(plan.ownership):
            roles = {Role.PROVIDER} | ({plan.extra_role} if i == 0 and plan.extra_role else set())
            people.append(
                worlds.add_staff(s, f"Provider {i}", roles, earlier, records_owner=ownership)
            )
        for name, role in (
            ("Olive Owner", Role.OWNER),
            ("Cora Custodian", Role.RECORD_CUSTODIAN),
            ("Sam Scheduler", Role.SCHEDULER),
            ("Bill Biller", Role.BILLER),
        ):
            people.append(worlds.add_staff(s, name, {role}, earlier))
        clients, links = [], set()
        for number, charts in enumerate(plan.clients):
            client = worlds.add_client(s, "Client", f"Number {number}", earlier)
            clients.append(client)
            s.add(
                Document(
                    client_id=client,
                    category="non_clinical",
                    owner_provider_id=None,
                    file_name="intake.pdf",
                    media_type="application/pdf",
                    size_bytes=3,
                    sha256="1" * 64,
                    content=b"pdf",
                    uploaded_by=people[OWNER].staff_id,
                    uploaded_at=earlier,
                )
            )
            for provider, (linked, has_chart) in zip(people[:PROVIDERS], charts, strict=True):
                if linked:
                    worlds.add_link(s, client, provider.staff_id, earlier)
                    links.add((client, provider.staff_id))
                if has_chart:
                    for kind in ("progress", "private"):
                        worlds.add_note(s, client, provider.staff_id, kind, True, earlier)
                        worlds.add_note(s, client, provider.staff_id, kind, False, earlier)
                    worlds.add_clinical_document(s, client, provider.staff_id, earlier)
        shared = set()
        for c, a, b, include_private, days in plan.shares:
            client, author, recipient = clients[c % len(clients)], people[a], people[b]
            if a == b or (client, a, b) in shared:
                continue
            shared.add((client, a, b))
            worlds.add_share(
                s,
                client,
                author.staff_id,
                recipient.staff_id,
                earlier,
                include_private=include_private,
                expires_at=START + timedelta(days=days) if days else None,
            )
            if (client, recipient.staff_id) not in links:  # sharing puts C on B's list (R6)
                worlds.add_link(s, client, recipient.staff_id, earlier)
                links.add((client, recipient.staff_id))
        uow.commit()
    ownership = {p.staff_id: o for p, o in zip(people, plan.ownership, strict=False)}
    return Practice(engine, clock, people, clients, ownership)


# =============================================================================================
# The state, read straight from the tables
# =============================================================================================


@dataclass(frozen=True)
class ShareRow:
    id: int
    client_id: int
    from_provider_id: int
    to_provider_id: int
    include_private: bool
    expires_at: datetime | None
    ended_at: datetime | None


@dataclass
class State:
    """Rows as stored, and what SPEC.md makes of them at the current time."""

    now: datetime
    active_staff: set[int]
    links: set[tuple[int, int]]  # (client, provider), open
    #: (client, from, to) -> include_private, for shares in force now (B2: the end date counts).
    shares: dict[tuple[int, int, int], bool]
    all_shares: list[ShareRow] = field(default_factory=list)
    notes: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    documents: list[tuple[int, int, str, int | None]] = field(default_factory=list)
    #: (client, staff) of the emergency accesses open now (R18).
    emergency: set[tuple[int, int]] = field(default_factory=set)
    #: R16: open supervisions, (supervisee, client or None for the default) -> supervisor.
    supervisions: dict[tuple[int, int | None], int] = field(default_factory=dict)
    #: R17: (client, staff member) restricted now.
    restricted: set[tuple[int, int]] = field(default_factory=set)

    def supervisor_of(self, author: int, client: int) -> int | None:
        """R16: the per-client choice wins over the default."""
        if (author, client) in self.supervisions:
            return self.supervisions[(author, client)]
        return self.supervisions.get((author, None))


def read_state(uow: UnitOfWork) -> State:
    now = uow.now()
    s = uow.session
    shares = [
        ShareRow(*row)
        for row in s.execute(
            select(
                ChartShare.id,
                ChartShare.client_id,
                ChartShare.from_provider_id,
                ChartShare.to_provider_id,
                ChartShare.include_private,
                ChartShare.expires_at,
                ChartShare.ended_at,
            ).order_by(ChartShare.id)
        )
    ]
    state = State(
        now=now,
        active_staff=set(s.scalars(select(Staff.id).where(Staff.active.is_(True)))),
        links={
            (c, pr)
            for c, pr in s.execute(
                select(ClientProviderLink.client_id, ClientProviderLink.provider_id).where(
                    ClientProviderLink.ended_at.is_(None)
                )
            )
        },
        shares={
            (sh.client_id, sh.from_provider_id, sh.to_provider_id): sh.include_private
            for sh in shares
            if sh.ended_at is None and (sh.expires_at is None or sh.expires_at > now)
        },
        all_shares=shares,
        notes=[
            tuple(r)
            for r in s.execute(
                select(
                    ChartNote.id,
                    ChartNote.client_id,
                    ChartNote.author_id,
                    ChartNote.kind,
                    ChartNote.status,
                )
            )
        ],
        documents=[
            tuple(r)
            for r in s.execute(
                select(
                    Document.id,
                    Document.client_id,
                    Document.category,
                    Document.owner_provider_id,
                )
            )
        ],
        emergency={
            (c, who)
            for c, who in s.execute(
                select(EmergencyAccess.client_id, EmergencyAccess.staff_id).where(
                    EmergencyAccess.ended_at.is_(None), EmergencyAccess.expires_at > now
                )
            )
        },
        supervisions={
            (row.supervisee_id, row.client_id): row.supervisor_id
            for row in s.scalars(select(Supervision).where(Supervision.ended_at.is_(None)))
        },
        restricted={
            (c, who)
            for c, who in s.execute(
                select(ClientRestriction.client_id, ClientRestriction.staff_id).where(
                    ClientRestriction.lifted_at.is_(None)
                )
            )
        },
    )
    return state


def supervises(state: State, person: Principal, client: int, author: int) -> bool:
    """R16: the person, a provider, supervises the author's work with the client."""
    return Role.PROVIDER in person.roles and state.supervisor_of(author, client) == person.staff_id


def reads_chart(state: State, person: Principal, ownership: dict, client: int, author: int) -> bool:
    """R3: A; B with an active share A->B; Owner, Manager, Record Custodian if group-owned;
    R16: A's supervisor for C; R18: whoever holds an emergency access to the client open now;
    R17: never a person C is restricted from."""
    if (client, person.staff_id) in state.restricted:
        return False
    return (
        supervises(state, person, client, author)
        or person.staff_id == author
        or (client, author, person.staff_id) in state.shares
        or (ownership.get(author) == "group" and bool(person.roles & RECORD_KEEPERS))
        or (client, person.staff_id) in state.emergency
    )


def reads_note(state: State, person: Principal, ownership: dict, note) -> bool:
    """R3, R4, and drafts stay with their author (docs/decisions.md)."""
    _, client, author, kind, status = note
    if (client, person.staff_id) in state.restricted:
        return False
    if person.staff_id == author:
        return True
    if status != "signed":
        return False
    if kind == "private":
        return state.shares.get((client, author, person.staff_id), False)
    return reads_chart(state, person, ownership, client, author)


def sees_client(state: State, person: Principal, client: int) -> bool:
    """R1, R2: group-wide roles, and providers with the client on their list; R17 first."""
    if (client, person.staff_id) in state.restricted:
        return False
    return bool(person.roles & GROUP_WIDE) or (
        Role.PROVIDER in person.roles and (client, person.staff_id) in state.links
    )


def reads_profile(state: State, person: Principal, client: int) -> bool:
    """R2, R18: those who see the client, and the holder of an emergency access open now."""
    return sees_client(state, person, client) or (client, person.staff_id) in state.emergency


def chart_authors(state: State, client: int) -> set[int]:
    """The providers with a chart of the client: notes, clinical documents, or on their list."""
    return (
        {n[2] for n in state.notes if n[1] == client}
        | {d[3] for d in state.documents if d[1] == client and d[2] == "clinical"}
        | {pr for c, pr in state.links if c == client}
    )


def may_open_emergency(state: State, person: Principal, ownership: dict, client: int) -> bool:
    """R18 with the practice's default settings: an allowed role, no access open already, and
    something the person does not read yet (the profile, or one chart)."""
    if not person.roles & EMERGENCY_USERS or (client, person.staff_id) in state.emergency:
        return False
    if (client, person.staff_id) in state.restricted:  # R17 first: the client does not exist
        return False
    return not sees_client(state, person, client) or not all(
        reads_chart(state, person, ownership, client, author)
        for author in chart_authors(state, client)
    )


def wrote_in_chart(state: State, person: Principal, client: int) -> bool:
    """The person has their own chart of the client: a note or a clinical document of theirs."""
    me = person.staff_id
    return any(n[1] == client and n[2] == me for n in state.notes) or any(
        d[1] == client and d[2] == "clinical" and d[3] == me for d in state.documents
    )


def opens_records(state: State, person: Principal, client: int) -> bool:
    """R2, R3: the client's records open to whoever sees the client, and to a provider who
    wrote in their own chart of the client, on their list or not (they never lose it); R16: to
    the supervisor of one of the client's providers (linked, or with notes of the client)."""
    if (client, person.staff_id) in state.restricted:
        return False
    providers = {pr for c, pr in state.links if c == client} | {
        n[2] for n in state.notes if n[1] == client
    }
    return (
        sees_client(state, person, client)
        or (Role.PROVIDER in person.roles and wrote_in_chart(state, person, client))
        or any(supervises(state, person, client, author) for author in providers)
    )


def reads_document(state: State, person: Principal, ownership: dict, document) -> bool:
    _, client, category, owner = document
    if category == "clinical":
        return reads_chart(state, person, ownership, client, owner)
    return reads_profile(state, person, client)


def may_share(state: State, person: Principal, ownership: dict, client: int, author: int) -> bool:
    """R5 (and R8): A while linked to C; record-keeping roles when A's records are group-owned."""
    return (person.staff_id == author and (client, author) in state.links) or (
        ownership.get(author) == "group" and bool(person.roles & RECORD_KEEPERS)
    )


def may_change_lists(state: State, person: Principal, client: int) -> bool:
    """R6: Owner, Manager, Record Custodian, Scheduler, or a provider linked to C."""
    return bool(person.roles & LIST_SHARERS) or (
        Role.PROVIDER in person.roles and (client, person.staff_id) in state.links
    )


def may_end_link(state: State, person: Principal, client: int, provider: int) -> bool:
    """R6 for ending a link (docs/decisions.md): the same roles for anyone's link; a provider
    for their own only."""
    return bool(person.roles & LIST_SHARERS) or (
        Role.PROVIDER in person.roles
        and (client, person.staff_id) in state.links
        and provider == person.staff_id
    )


# =============================================================================================
# The invariants
# =============================================================================================


@dataclass(frozen=True)
class Scopes:
    notes: set[int]
    documents: set[int]
    clients: set[int]
    #: the clients whose records open to the person (`clients_with_open_records`).
    records: set[int]
    #: the clients whose profile the person reads, emergency access included (R18).
    profiles: set[int]


def scopes_query(people: list[Principal]):
    """One query for what the SQL scopes select for each person: a UNION ALL of the scopes, with
    the current time as a parameter, so it is built once per practice and run at every step."""
    now = bindparam("now", type_=UTCDateTime())
    parts = []
    for number, person in enumerate(people):
        parts += [
            select(literal(number), literal("note"), ChartNote.id).where(
                readable_notes(person, now)
            ),
            select(literal(number), literal("document"), Document.id).where(
                readable_documents(person, now)
            ),
            select(literal(number), literal("client"), Client.id).where(
                visible_clients(person, Client.id)
            ),
            select(literal(number), literal("records"), Client.id).where(
                clients_with_open_records(person, Client.id)
            ),
            select(literal(number), literal("profile"), Client.id).where(
                readable_profiles(person, now, Client.id)
            ),
        ]
    return union_all(*parts)


def scopes_of(uow: UnitOfWork, p: Practice) -> dict[int, Scopes]:
    if p.scopes_query is None:
        p.scopes_query = scopes_query(p.people)
    found: dict[tuple[int, str], set[int]] = defaultdict(set)
    for number, what, row_id in uow.session.execute(p.scopes_query, {"now": uow.now()}):
        found[(number, what)].add(row_id)
    return {
        person.staff_id: Scopes(
            found[(n, "note")],
            found[(n, "document")],
            found[(n, "client")],
            found[(n, "records")],
            found[(n, "profile")],
        )
        for n, person in enumerate(p.people)
    }


def check_invariants(
    p: Practice, step: str, *, everyone: bool = False
) -> tuple[State, dict[int, Scopes]]:
    """Every rule, for every staff member and every row, in one transaction.

    The decisions are asked for every provider at every step, and for the other staff members
    at the end only: nothing a step does changes their facts (they hold no link and receive no
    share, R15, and record ownership does not change here), so asking earlier would only cost
    time.
    """
    with p.uow() as uow:
        state = read_state(uow)
        scopes = scopes_of(uow, p)
        check_scopes_follow_the_rules(p, state, scopes, step)
        askers = [x for x in p.people if everyone or Role.PROVIDER in x.roles]
        check_decisions_agree_with_scopes(uow, p, askers, state, scopes, step)
    return state, scopes


def check_scopes_follow_the_rules(
    p: Practice, state: State, scopes: dict[int, Scopes], step: str
) -> None:
    for person in p.people:
        me, seen = person.staff_id, scopes[person.staff_id]
        for note in state.notes:
            note_id, client, author, kind, status = note
            readable = note_id in seen.notes
            if readable and author != me and status != "signed":
                raise AssertionError(f"{step}: staff {me} reads draft {note_id} of {author}")
            if readable and author != me and kind == "private":
                assert state.shares.get((client, author, me)), (
                    f"{step}: R4: staff {me} reads private note {note_id} of {author} without "
                    "an active share that includes private notes"
                )
            if readable and author != me and kind == "progress":
                assert (
                    (client, author, me) in state.shares
                    or supervises(state, person, client, author)
                    or (p.ownership[author] == "group" and person.roles & RECORD_KEEPERS)
                    or (client, me) in state.emergency
                ), f"{step}: R3: staff {me} reads {author}'s chart of {client} without a share"
            if readable:
                assert (client, me) not in state.restricted, (
                    f"{step}: R17: staff {me} reads note {note_id} of a client restricted from them"
                )
            assert readable == reads_note(state, person, p.ownership, note), (
                f"{step}: staff {me}, note {note}: the scope says {readable}"
            )
        for document in state.documents:
            readable = document[0] in seen.documents
            assert readable == reads_document(state, person, p.ownership, document), (
                f"{step}: staff {me}, document {document}: the scope says {readable}"
            )
        for client in p.clients:
            visible = client in seen.clients
            assert visible == sees_client(state, person, client), (
                f"{step}: R2: staff {me}, client {client}: the scope says {visible}"
            )
            opens = client in seen.records
            assert opens == opens_records(state, person, client), (
                f"{step}: R3: staff {me}, records of client {client}: the scope says {opens}"
            )
            profile = client in seen.profiles
            assert profile == reads_profile(state, person, client), (
                f"{step}: R18: staff {me}, profile of client {client}: the scope says {profile}"
            )


def loaded_facts(uow: UnitOfWork, p: Practice, state: State, person, client, author):
    """`record_facts.chart_facts`, loaded again whenever the rows it stands on have changed:
    the link of each, and the share author->person in force (B2: as of the clock)."""
    key = (
        person.staff_id,
        client.id,
        author.staff_id,
        (client.id, author.staff_id) in state.links,
        (client.id, person.staff_id) in state.links,
        state.shares.get((client.id, author.staff_id, person.staff_id)),
        state.supervisor_of(author.staff_id, client.id),
        (client.id, person.staff_id) in state.restricted,
    )
    if key not in p.facts:
        p.facts[key] = chart_facts(uow, person, client, author)
    return p.facts[key]


def loaded_provider_facts(uow: UnitOfWork, p: Practice, state: State, author_id: int):
    """`record_facts.provider_facts`, loaded again when the provider's active flag changed."""
    key = ("author", author_id, author_id in state.active_staff)
    if key not in p.facts:
        p.facts[key] = provider_facts(uow, author_id)
    return p.facts[key]


def check_decisions_agree_with_scopes(
    uow: UnitOfWork,
    p: Practice,
    people: list[Principal],
    state: State,
    scopes: dict[int, Scopes],
    step: str,
) -> None:
    """The decision face, over the facts `record_facts` loads, says what the scope selected."""
    notes_by_chart: dict[tuple[int, int], list] = {}
    for note in state.notes:
        notes_by_chart.setdefault((note[1], note[2]), []).append(note)
    documents_by_chart: dict[tuple[int, int | None], list] = {}
    for document in state.documents:
        documents_by_chart.setdefault((document[1], document[3]), []).append(document)
    clients = {c: load_client(uow, c) for c in p.clients}
    authors = {a: loaded_provider_facts(uow, p, state, a) for a in p.provider_ids}
    for person in people:
        seen = scopes[person.staff_id]
        holds = {c for c, who in state.emergency if who == person.staff_id}
        for client_id, client in clients.items():
            linked = (client_id, person.staff_id) in state.links
            restricted = (client_id, person.staff_id) in state.restricted
            decision = policy.may_see_client(person, principal_linked=linked, restricted=restricted)
            assert decision.allowed == (client_id in seen.clients), (
                f"{step}: may_see_client({person.staff_id}, {client_id}) = {decision}"
            )
            # R18: the emergency fact as the services load it, only when one may be open
            urgent = client_id in holds and open_access_in_transaction(uow, person, client_id)
            urgent = bool(urgent)
            decision = policy.may_see_client(
                person, principal_linked=linked, emergency=urgent, restricted=restricted
            )
            assert decision.allowed == (client_id in seen.profiles), (
                f"{step}: may_see_client({person.staff_id}, {client_id}, emergency) = {decision}"
            )
            own = has_own_chart(uow, client_id, person.staff_id)
            decision = policy.may_open_records(
                person,
                principal_linked=linked,
                has_own_chart=own,
                supervises=supervises_client(uow, person, client_id),
                restricted=restricted,
            )
            assert decision.allowed == (client_id in seen.records), (
                f"{step}: may_open_records({person.staff_id}, {client_id}) = {decision}"
            )
            for document in documents_by_chart.get((client_id, None), []):
                decision = policy.may_read_document(
                    person, None, principal_linked=linked, emergency=urgent, restricted=restricted
                )
                assert decision.allowed == (document[0] in seen.documents), step
            for author_id, author in authors.items():
                notes = notes_by_chart.get((client_id, author_id), [])
                documents = documents_by_chart.get((client_id, author_id), [])
                if not notes and not documents:
                    continue
                facts = replace(
                    loaded_facts(uow, p, state, person, client, author), emergency=urgent
                )
                for note_id, _, _, kind, status in notes:
                    decision = policy.may_read_note(person, facts, kind=kind, status=status)
                    assert decision.allowed == (note_id in seen.notes), (
                        f"{step}: may_read_note({person.staff_id}, note {note_id} {kind} "
                        f"{status} of {author_id}) = {decision}, the scope disagrees"
                    )
                for document in documents:
                    decision = policy.may_read_document(
                        person,
                        facts,
                        principal_linked=facts.principal_linked,
                        restricted=restricted,
                    )
                    assert decision.allowed == (document[0] in seen.documents), (
                        f"{step}: may_read_document({person.staff_id}, {document}) = "
                        f"{decision}, the scope disagrees"
                    )


# =============================================================================================
# Running the operations
# =============================================================================================


def picked_share(state: State, operation: tuple) -> ShareRow | None:
    """The share an "end_share" operation points at: mostly one in force, sometimes any share
    ever made (ending one that has ended is refused)."""
    number = operation[2]
    in_force = [
        share
        for share in state.all_shares
        if (share.client_id, share.from_provider_id, share.to_provider_id) in state.shares
    ]
    pool = in_force if in_force and number < 16 else state.all_shares
    return pool[number % len(pool)] if pool else None


def deactivated_provider(p: Practice, state: State, operation: tuple) -> int:
    """The provider a "deactivate" operation deactivates: one receiving a share in force, by
    position (R12: their shares must end), or any provider when nobody receives one."""
    receiving = sorted({to for _, _, to in state.shares if to in p.provider_ids})
    number = operation[2]
    return receiving[number % len(receiving)] if receiving else p.people[number].staff_id


def removed_provider(p: Practice, state: State, operation: tuple) -> int:
    """The provider a "remove_from_list" operation takes off: one of those with the client, by
    position, or any provider when nobody has the client (which is refused)."""
    _, _, c, b = operation
    client = p.clients[c % len(p.clients)]
    on_list = sorted(provider for client_id, provider in state.links if client_id == client)
    return on_list[b % len(on_list)] if on_list else p.people[b].staff_id


def actor_of(p: Practice, state: State, operation: tuple) -> Principal:
    """Who does the operation: a staff member, or (AUTHOR) the author of the chart concerned."""
    kind, who, *args = operation
    if who != AUTHOR:
        return p.people[who]
    if kind == "end_share":
        share = picked_share(state, operation)
        return next(x for x in p.people if share and x.staff_id == share.from_provider_id)
    return p.people[args[1]]


def does_not_apply(p: Practice, state: State, operation: tuple) -> bool:
    """No share to end yet, or the actor was deactivated and can no longer sign in."""
    kind = operation[0]
    if kind in ("advance", "expire_due"):
        return False
    if kind == "end_share" and picked_share(state, operation) is None:
        return True
    if kind == "emergency_end":
        client = p.clients[operation[2] % len(p.clients)]
        if (client, p.people[operation[1]].staff_id) not in state.emergency:
            return True
    return actor_of(p, state, operation).staff_id not in state.active_staff


def run_operation(p: Practice, state: State, operation: tuple) -> None:
    """Apply one operation through the services."""
    kind, *args = operation
    people = p.people
    if kind == "advance":
        p.clock.advance(timedelta(days=args[0]))
        return
    if kind == "expire_due":
        sharing.expire_due_shares(p.uow())
        return
    actor = actor_of(p, state, operation)
    match kind:
        case "share":
            _, c, a, b, include_private, days = args
            until = p.clock.now() + timedelta(days=days) if days else None
            recipient = people[b] if b < PROVIDERS else people[OWNER]
            sharing.start_chart_share(
                p.uow(),
                actor,
                p.clients[c % len(p.clients)],
                people[a].staff_id,
                recipient.staff_id,
                include_private=include_private,
                until=until,
            )
        case "end_share":
            sharing.end_chart_share(p.uow(), actor, picked_share(state, operation).id)
        case "transfer":
            _, c, a, b, include_private = args
            transfers.transfer_client(
                p.uow(),
                actor,
                p.clients[c % len(p.clients)],
                people[a].staff_id,
                people[b].staff_id,
                include_private=include_private,
            )
        case "add_to_list":
            _, c, b = args
            provider_links.add_to_provider_list(
                p.uow(), actor, p.clients[c % len(p.clients)], people[b].staff_id
            )
        case "remove_from_list":
            _, c, b = args
            provider_links.remove_from_provider_list(
                p.uow(), actor, p.clients[c % len(p.clients)], removed_provider(p, state, operation)
            )
        case "deactivate":
            staff.deactivate_staff(p.uow(), actor, deactivated_provider(p, state, operation))
        case "emergency_open":
            client = p.clients[args[1] % len(p.clients)]
            emergency.open_emergency_access(p.uow(), actor, client, "Client in crisis")
        case "emergency_end":
            client = p.clients[args[1] % len(p.clients)]
            access = emergency.current_emergency_access(p.uow(), actor, client)
            emergency.end_emergency_access(p.uow(), actor, access.id)
        case "supervise":
            _, a, s, mode, c = args
            supervision.set_supervision(
                p.uow(),
                actor,
                people[a].staff_id,
                people[s].staff_id if s < PROVIDERS else None,
                mode,
                p.clients[c % len(p.clients)] if c is not None else None,
            )
        case "restrict":
            _, c, who = args
            restrictions.restrict_client(
                p.uow(), actor, p.clients[c % len(p.clients)], people[who].staff_id, "relative"
            )
        case "lift":
            _, c, who = args
            found = restrictions.restrictions_of(p.uow(), actor, p.clients[c % len(p.clients)])
            match = [r for r in found if r.staff_id == people[who].staff_id]
            restrictions.lift_restriction(p.uow(), actor, match[0].id if match else 10**6)


def expected_permission(p: Practice, state: State, operation: tuple) -> bool | None:
    """What SPEC.md says about the actor's permission (None: no opinion for this operation)."""
    kind, *args = operation
    if kind in ("advance", "expire_due"):
        return None
    if kind == "end_share" and picked_share(state, operation) is None:
        return None
    actor = actor_of(p, state, operation)
    match kind:
        case "share" | "transfer":
            client, author = p.clients[args[1] % len(p.clients)], p.people[args[2]].staff_id
            return may_share(state, actor, p.ownership, client, author)
        case "end_share":
            share = picked_share(state, operation)
            return may_share(state, actor, p.ownership, share.client_id, share.from_provider_id)
        case "add_to_list":
            return may_change_lists(state, actor, p.clients[args[1] % len(p.clients)])
        case "remove_from_list":
            client = p.clients[args[1] % len(p.clients)]
            return may_end_link(state, actor, client, removed_provider(p, state, operation))
        case "deactivate":
            return bool(actor.roles & STAFF_ADMINS)
        case "emergency_open":
            client = p.clients[args[1] % len(p.clients)]
            return may_open_emergency(state, actor, p.ownership, client)
        case "emergency_end":
            return True
        case "supervise":
            return bool(actor.roles & STAFF_ADMINS)
        case "restrict":
            client, who = p.clients[args[1] % len(p.clients)], p.people[args[2]].staff_id
            return bool(actor.roles & RESTRICTERS) and not (
                who == actor.staff_id
                or (client, who) in state.links
                or any(c == client and to == who for c, _, to in state.shares)
            )
        case "lift":
            return bool(actor.roles & RESTRICTERS)
    return None


def check_after(
    p: Practice, operation: tuple, before: State, after: State, scopes_before, scopes_after, step
) -> None:
    """What a successful operation must have done."""
    kind, *args = operation
    people = p.people
    if kind in ("end_share", "expire_due", "advance", "deactivate"):
        assert after.links == before.links, f"{step}: R6: ending a share never removes a link"
    if kind == "share":
        _, c, a, b, include_private, days = args
        client, author = p.clients[c % len(p.clients)], people[a].staff_id
        recipient = people[b].staff_id
        assert after.shares.get((client, author, recipient)) == include_private, step
        assert (client, recipient) in after.links, f"{step}: a share puts C on B's list"
        assert after.links >= before.links, step
        # One-way: the author gains nothing of the recipient's chart.
        assert scopes_after[author].notes == scopes_before[author].notes, (
            f"{step}: a share A->B changed what A reads"
        )
    if kind == "transfer":
        _, c, a, b, include_private = args
        client, author, recipient = p.clients[c % len(p.clients)], people[a], people[b]
        assert (client, author.staff_id) not in after.links, f"{step}: R8: C leaves A's list"
        assert (client, recipient.staff_id) in after.links, f"{step}: R8: C joins B's list"
        assert after.shares.get((client, author.staff_id, recipient.staff_id)) == include_private, (
            f"{step}: R8: a transfer shares A's chart with B, private notes as chosen"
        )
    if kind == "add_to_list":
        _, c, b = args
        client, recipient = p.clients[c % len(p.clients)], people[b].staff_id
        assert (client, recipient) in after.links, step
        assert after.shares == before.shares, f"{step}: R6 gives no chart access"
        assert scopes_after[recipient].notes == scopes_before[recipient].notes, (
            f"{step}: R6: demographics only, nothing of R3/R4"
        )
    if kind == "remove_from_list":
        client = p.clients[args[1] % len(p.clients)]
        provider = removed_provider(p, before, operation)
        assert (client, provider) not in after.links, step
        assert not any(k[0] == client and k[2] == provider for k in after.shares), (
            f"{step}: the shares made to a provider end when C leaves their list"
        )
    if kind == "deactivate":
        gone = deactivated_provider(p, before, operation)
        assert gone not in after.active_staff, step
        assert not any(k[2] == gone for k in after.shares), (
            f"{step}: R12: deactivating a provider ends the chart shares made to them"
        )
    if kind == "emergency_open":
        who, client = people[args[0]], p.clients[args[1] % len(p.clients)]
        assert (client, who.staff_id) in after.emergency, step
        assert after.links == before.links and after.shares == before.shares, (
            f"{step}: R18: emergency access changes no list and no share"
        )
        assert client in scopes_after[who.staff_id].profiles, step
    if kind == "emergency_end":
        who, client = people[args[0]], p.clients[args[1] % len(p.clients)]
        assert (client, who.staff_id) not in after.emergency, step
    if kind == "supervise":
        _, a, sup, _mode, c = args
        key = (people[a].staff_id, p.clients[c % len(p.clients)] if c is not None else None)
        wanted = people[sup].staff_id if sup < PROVIDERS else None
        assert after.supervisions.get(key) == wanted, f"{step}: R16: takes effect at once"
    if kind == "restrict":
        client, who = p.clients[args[1] % len(p.clients)], people[args[2]].staff_id
        assert (client, who) in after.restricted, step
        assert client not in scopes_after[who].clients | scopes_after[who].records, (
            f"{step}: R17: the client no longer exists for the person"
        )
    if kind == "expire_due":
        assert not any(
            s.ended_at is None and s.expires_at is not None and s.expires_at <= after.now
            for s in after.all_shares
        ), f"{step}: B2: every share past its end date is recorded as ended"


def run_plan(engine, plan: Plan) -> None:
    p = build(engine, plan)
    state, scopes = check_invariants(p, "initially")
    for number, operation in enumerate(plan.operations, start=1):
        step = f"step {number} {operation}"
        if does_not_apply(p, state, operation):
            continue
        expected = expected_permission(p, state, operation)
        rows_before = snapshot(engine) if operation[0] != "advance" else None
        try:
            run_operation(p, state, operation)
        except REFUSALS as refusal:
            assert snapshot(engine) == rows_before, f"{step}: refused ({refusal}) but changed rows"
            if isinstance(refusal, PermissionRefused):
                assert refusal.rule, f"{step}: a refusal names its rule"
            continue
        if expected is False:
            raise AssertionError(f"{step}: SPEC refuses this, but the service did it")
        event(f"{operation[0]} done")
        new_state, new_scopes = check_invariants(
            p, step, everyone=operation[0] in ("restrict", "lift")
        )
        check_after(p, operation, state, new_state, scopes, new_scopes, step)
        state, scopes = new_state, new_scopes
    check_invariants(p, "finally", everyone=True)
    assert audit.verify_chain(p.uow()).ok


# =============================================================================================
# The tests, on each database
# =============================================================================================

COMMON = {
    "deadline": None,
    "derandomize": True,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
}


@settings(max_examples=25, **COMMON)
@given(plan=plans)
def test_policy_properties_on_sqlite(_sqlite_template, plan: Plan) -> None:
    with worlds.sqlite_copy(_sqlite_template) as engine:
        run_plan(engine, plan)


@settings(max_examples=10, **COMMON)
@given(plan=plans)
def test_policy_properties_on_postgresql(postgres_server, _postgres_template, plan: Plan) -> None:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        run_plan(engine, plan)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_B2_a_share_past_its_end_date_is_recorded_as_ended_at_that_date(request, kind) -> None:
    """B2: a time-limited share ends by itself at the chosen date, audited like a manual end.

    Deactivating its recipient afterwards (R12) must not rewrite that end as a later one.
    """
    with worlds.database_copy(request, kind) as engine:
        plan = Plan(
            ownership=("group", "group", "group", "group"),
            extra_role=None,
            clients=(((True, True),) * PROVIDERS, ((False, False),) * PROVIDERS),
            shares=(),
            operations=(),
        )
        p = build(engine, plan)
        ana, ben, owner = p.people[0], p.people[1], p.people[OWNER]
        until = p.clock.now() + timedelta(days=5)
        sharing.start_chart_share(
            p.uow(), ana, p.clients[0], ana.staff_id, ben.staff_id, until=until
        )
        p.clock.advance(timedelta(days=10))
        staff.deactivate_staff(p.uow(), owner, ben.staff_id)
        with p.uow() as uow:
            share = uow.session.scalars(select(ChartShare)).one()
            assert (share.ended_at, share.end_reason) == (until, "expired")
            ended = uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == audit.Action.SHARE_ENDED)
            ).all()
            assert [json.loads(e.details)["reason"] for e in ended] == ["expired"]
