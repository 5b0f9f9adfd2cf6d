"""The access matrix of supervision (R16) and restricted clients (R17).

Expected outcomes come from the text of SPEC.md R16 and R17 (the tables below), never from
`desktop.services.policy`. Each row asks both faces of the policy, which must agree: the SQL
scope (`readable_notes`, `readable_documents`, `visible_clients`, `clients_with_open_records`)
and the decision over `record_facts.chart_facts`.

The world, built once per database: provider A (records owned by the group) is supervised by S1
in a default mode, and by S2 in co-sign mode for client K (the per-client choice). A has, for
clients D (default supervision) and K, a signed progress note, a signed private note, a draft,
a note awaiting review (where the mode reviews it) and a returned note; X is an unrelated
provider. The world is built three times over, once per default mode.

For R17 every role, alone and with Provider, is restricted from client R (on A's list, with
A's notes and a clinical document) and sees nothing of it; the same person still sees client D
as their role allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.db.tables import (
    ChartNote,
    Client,
    ClientRestriction,
    Document,
    NoteReview,
    Supervision,
)
from desktop.db.uow import UnitOfWork
from desktop.services import policy
from desktop.services.policy.scopes import (
    clients_with_open_records,
    readable_documents,
    readable_notes,
    visible_clients,
)
from desktop.services.principal import Principal, Role
from desktop.services.record_facts import chart_facts, has_own_chart, is_linked, require_provider
from desktop.services.supervision_facts import (
    awaiting_review_by,
    is_restricted,
    supervises_client,
)

from . import worlds

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
MODES = ("read", "approve", "cosign")
NOTE_STATES = ("signed", "private", "draft", "awaiting", "returned")
VIEWERS = ("S1", "S2", "X", "owner")

# R16 as a table: who (besides the author) reads a note of A's, by the supervision that governs
# the client (the default one, or the per-client one) and the note's state.
#   "supervisor": the supervisor in force for that client; "group": the Owner (A's records are
#   group-owned, R3); a note awaiting review is read by its supervisor only.
READERS = {
    "signed": {"supervisor", "group"},
    "private": set(),  # R4, R16: supervision never reaches private notes
    "draft": set(),
    "awaiting": {"supervisor"},
    "returned": set(),
}
#: modes in which a finished note waits for review (R16).
REVIEWING = {"read": False, "approve": True, "cosign": True}


@dataclass
class World:
    engine: object
    mode: str
    people: dict[str, Principal]
    clients: dict[str, int]
    notes: dict[tuple[str, str], int] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, FixedClock(NOW))


RESTRICTED_ROLE_SETS = [frozenset({role}) for role in Role] + [
    frozenset({role, Role.PROVIDER}) for role in Role if role is not Role.PROVIDER
]


def _name(roles: frozenset[Role]) -> str:
    return "+".join(sorted(r.value for r in roles))


def build(engine, mode: str) -> World:
    with UnitOfWork(engine, FixedClock(NOW)) as uow:
        s = uow.session
        worlds.add_practice(s, NOW)
        people = {
            "owner": worlds.add_staff(s, "The Owner", {Role.OWNER}, NOW),
            "A": worlds.add_staff(s, "Ana", {Role.PROVIDER}, NOW, records_owner="group"),
            "S1": worlds.add_staff(s, "Sol", {Role.PROVIDER}, NOW),
            "S2": worlds.add_staff(s, "Sky", {Role.PROVIDER}, NOW),
            "X": worlds.add_staff(s, "Xan", {Role.PROVIDER}, NOW),
        }
        for roles in RESTRICTED_ROLE_SETS:
            people[_name(roles)] = worlds.add_staff(s, _name(roles), roles, NOW)
        clients = {name: worlds.add_client(s, name, "Client", NOW) for name in ("D", "K", "R")}
        for client in clients.values():
            worlds.add_link(s, client, people["A"].staff_id, NOW)
        a = people["A"].staff_id
        s.add(
            Supervision(
                supervisee_id=a,
                supervisor_id=people["S1"].staff_id,
                mode=mode,
                started_at=NOW,
                started_by=1,
            )
        )
        s.add(
            Supervision(
                supervisee_id=a,
                supervisor_id=people["S2"].staff_id,
                mode="cosign",
                client_id=clients["K"],
                started_at=NOW,
                started_by=1,
            )
        )
        w = World(engine, mode, people, clients)
        for client in ("D", "K"):
            supervisor = people["S2" if client == "K" else "S1"].staff_id
            reviewing = client == "K" or REVIEWING[mode]
            for state in NOTE_STATES:
                kind = "private" if state == "private" else "progress"
                signed = state in ("signed", "private")
                note = worlds.add_note(s, clients[client], a, kind, signed, NOW)
                w.notes[(client, state)] = note
                if state in ("awaiting", "returned") and reviewing:
                    s.add(
                        NoteReview(
                            note_id=note,
                            author_id=a,
                            client_id=clients[client],
                            supervisor_id=supervisor,
                            mode="cosign" if client == "K" else mode,
                            state=state,
                            comment="",
                            submitted_at=NOW,
                        )
                    )
        for state in ("signed", "private"):
            kind = "private" if state == "private" else "progress"
            w.notes[("R", state)] = worlds.add_note(s, clients["R"], a, kind, True, NOW)
        worlds.add_clinical_document(s, clients["R"], a, NOW)
        for roles in RESTRICTED_ROLE_SETS:
            s.add(
                ClientRestriction(
                    client_id=clients["R"],
                    staff_id=people[_name(roles)].staff_id,
                    reason="relative",
                    started_at=NOW,
                    started_by=1,
                )
            )
        uow.commit()
    return w  # fmt: skip


@pytest.fixture(scope="module", params=[(db, m) for db in ("sqlite", "postgresql") for m in MODES],
                ids=lambda p: f"{p[0]}-{p[1]}")  # fmt: skip
def world(request) -> World:
    with worlds.database_copy(request, request.param[0]) as engine:
        yield build(engine, request.param[1])


def _readable(w: World, who: Principal) -> set[int]:
    key = ("notes", who.staff_id)
    if key not in w.cache:
        with w.uow() as uow:
            w.cache[key] = set(
                uow.session.scalars(select(ChartNote.id).where(readable_notes(who, NOW)))
            )
    return w.cache[key]


def _decides_note(w: World, who: Principal, note_id: int) -> bool:
    with w.uow() as uow:
        note = uow.session.get(ChartNote, note_id)
        client = uow.session.get(Client, note.client_id)
        facts = chart_facts(uow, who, client, require_provider(uow, note.author_id))
        return bool(
            policy.may_read_note(
                who,
                facts,
                kind=note.kind,
                status=note.status,
                awaiting_review_by_principal=awaiting_review_by(uow, who, note.id),
            )
        )


NOTE_ROWS = [
    (client, state, viewer) for client in ("D", "K") for state in NOTE_STATES for viewer in VIEWERS
]


def _expected(w: World, client: str, state: str, viewer: str) -> bool:
    supervisor = "S2" if client == "K" else "S1"
    reviewing = client == "K" or REVIEWING[w.mode]
    readers = set(READERS[state])
    if state == "awaiting" and not reviewing:
        readers = set()  # never sent: a draft like any other
    grants = {"supervisor": viewer == supervisor, "group": viewer == "owner"}
    return any(grants[r] for r in readers)


@pytest.mark.parametrize("row", NOTE_ROWS, ids=["-".join(r) for r in NOTE_ROWS])
def test_R16_supervisor_mode_override_and_note_state(world: World, row) -> None:
    client, state, viewer = row
    who = world.people[viewer]
    note = world.notes[(client, state)]
    expected = _expected(world, client, state, viewer)
    assert (note in _readable(world, who)) is expected, "scope"
    assert _decides_note(world, who, note) is expected, "decision"


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("client", ["D", "K"])
def test_R16_who_reviews_the_note_awaiting_review(world: World, client, viewer) -> None:
    note = world.notes[(client, "awaiting")]
    who = world.people[viewer]
    with world.uow() as uow:
        review = uow.session.get(NoteReview, note)
        decision = policy.may_review_note(
            who,
            reviewer_id=review.supervisor_id if review else None,
            state=review.state if review else None,
        )
    reviewing = client == "K" or REVIEWING[world.mode]
    supervisor = "S2" if client == "K" else "S1"
    assert bool(decision) is (reviewing and viewer == supervisor)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("client", ["D", "K"])
def test_R16_the_supervisor_in_force_opens_the_clients_records(world, client, viewer) -> None:
    who = world.people[viewer]
    client_id = world.clients[client]
    with world.uow() as uow:
        scoped = uow.session.scalar(
            select(Client.id).where(
                Client.id == client_id, clients_with_open_records(who, Client.id)
            )
        )
        decided = policy.may_open_records(
            who,
            principal_linked=is_linked(uow, client_id, who.staff_id),
            has_own_chart=has_own_chart(uow, client_id, who.staff_id),
            supervises=supervises_client(uow, who, client_id),
            restricted=is_restricted(uow, client_id, who.staff_id),
        )
    expected = viewer == "owner" or viewer == ("S2" if client == "K" else "S1")
    assert (scoped is not None) is expected
    assert bool(decided) is expected


@pytest.mark.parametrize("roles", RESTRICTED_ROLE_SETS, ids=_name)
def test_R17_a_restricted_client_does_not_exist_for_any_role(world: World, roles) -> None:
    who = world.people[_name(roles)]
    r, d = world.clients["R"], world.clients["D"]
    with world.uow() as uow:
        visible = set(uow.session.scalars(select(Client.id).where(visible_clients(who, Client.id))))
        opened = set(
            uow.session.scalars(select(Client.id).where(clients_with_open_records(who, Client.id)))
        )
        documents = set(
            uow.session.scalars(select(Document.client_id).where(readable_documents(who, NOW)))
        )
        decided = policy.may_see_client(
            who, principal_linked=False, restricted=is_restricted(uow, r, who.staff_id)
        )
    assert r not in visible and r not in opened and r not in documents
    assert not decided and decided.rule == "R17"
    for state in ("signed", "private"):
        note = world.notes[("R", state)]
        assert note not in _readable(world, who)
        assert not _decides_note(world, who, note)
    # The same person still sees an unrestricted client as their roles allow (R1).
    sees_all = bool(roles - {Role.PROVIDER})
    assert (d in visible) is sees_all
