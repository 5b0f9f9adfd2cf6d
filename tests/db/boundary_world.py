"""A practice on PostgreSQL with a real login for each kind of staff member (SPEC B5 tests).

The rows are written as the test server's superuser; each person then connects with psycopg
as their own login and reads through row-level security. `expected_rows` says, table by table,
what the rules (the policy's SQL scopes, and R2, R6, R10, R11, R13 for the other tables) let
that person read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import Engine, select, text

from desktop.db.boundary import login_name
from desktop.db.tables import (
    Appointment,
    CaseloadTransfer,
    CaseloadTransferItem,
    ChartNote,
    Client,
    Document,
    EmergencyAccess,
    LinkedProfile,
    Notification,
)
from desktop.db.uow import UnitOfWork
from desktop.services import audit
from desktop.services.policy.scopes import (
    clients_with_open_records,
    readable_documents,
    readable_notes,
    readable_profiles,
    visible_clients,
)
from desktop.services.principal import Principal, Role
from desktop.services.server_logins import scram_verifier
from tests.services import worlds

PASSWORD = "a long server password"
RECORD_KEEPERS = {Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN}


@dataclass
class World:
    engine: Engine
    host: str
    port: int
    database: str
    people: dict[str, Principal] = field(default_factory=dict)
    clients: dict[str, int] = field(default_factory=dict)
    ownership: dict[int, str] = field(default_factory=dict)

    def login(self, who: str) -> str:
        return login_name(self.database, self.people[who].email)

    @contextmanager
    def connect_as(self, who: str, *, autocommit: bool = True) -> Iterator[psycopg.Connection]:
        connection = psycopg.connect(
            host=self.host,
            port=self.port,
            dbname=self.database,
            user=self.login(who),
            password=PASSWORD,
            autocommit=autocommit,
        )
        try:
            yield connection
        finally:
            connection.close()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def as_superuser(self, statement: str, **params):
        """One value read as the test server's superuser (past every policy)."""
        with self.engine.connect() as connection:
            return connection.execute(text(statement), params).one()


def build_world(engine: Engine, host: str, port: int) -> World:
    earlier = datetime.now(UTC) - timedelta(days=60)
    world = World(engine, host, port, engine.url.database)
    with world.uow() as uow:
        s = uow.session
        worlds.add_practice(s, earlier)
        for key, name, roles, owner in (
            ("owner", "Olive Owner", {Role.OWNER}, None),
            ("manager", "Mona Manager", {Role.MANAGER}, None),
            ("custodian", "Cora Custodian", {Role.RECORD_CUSTODIAN}, None),
            ("scheduler", "Sam Scheduler", {Role.SCHEDULER}, None),
            ("biller", "Bill Biller", {Role.BILLER}, None),
            ("grp", "Gale Group", {Role.PROVIDER}, "group"),
            ("own", "Owen Own", {Role.PROVIDER}, "provider"),
            ("recv", "Rhea Receiver", {Role.PROVIDER}, "group"),
            ("none", "Nell Noshare", {Role.PROVIDER}, "group"),
        ):
            person = worlds.add_staff(s, name, roles, earlier, records_owner=owner)
            world.people[key] = person
            if owner:
                world.ownership[person.staff_id] = owner
        p = {k: v.staff_id for k, v in world.people.items()}
        for key, linked in (
            ("both", ("grp", "own", "none", "recv")),
            ("grp", ("grp",)),
            ("own", ("own",)),
            ("alone", ()),
        ):
            client = worlds.add_client(s, "Client", key.title(), earlier)
            world.clients[key] = client
            for provider in linked:
                worlds.add_link(s, client, p[provider], earlier)
            s.add(
                Document(
                    client_id=client,
                    category="non_clinical",
                    file_name="intake.pdf",
                    media_type="application/pdf",
                    size_bytes=3,
                    sha256="1" * 64,
                    content=b"pdf",
                    uploaded_by=p["owner"],
                    uploaded_at=earlier,
                )
            )
        c = world.clients
        worlds.add_link(s, c["grp"], p["none"], earlier, ended_at=earlier + timedelta(days=1))
        for author, client in (("grp", "both"), ("grp", "grp"), ("own", "both"), ("own", "own")):
            for kind, signed in (("progress", True), ("private", True), ("progress", False)):
                worlds.add_note(s, c[client], p[author], kind, signed, earlier)
            worlds.add_clinical_document(s, c[client], p[author], earlier)
        worlds.add_share(s, c["both"], p["grp"], p["recv"], earlier, include_private=True)
        worlds.add_share(s, c["both"], p["own"], p["recv"], earlier, include_private=False)
        # a share that has passed its end date gives nothing (B2)
        worlds.add_share(
            s, c["grp"], p["grp"], p["none"], earlier,
            include_private=True, expires_at=earlier + timedelta(days=1),
        )  # fmt: skip
        for provider, client, days in (("grp", "grp", 1), ("none", "both", 2), ("own", "own", 3)):
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
            s.add(
                Appointment(
                    provider_id=p[provider],
                    client_id=c[client],
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    appointment_type="Intake",
                    note="private matter",
                    created_by=p["scheduler"],
                    created_at=earlier,
                )
            )
        for recipient in ("recv", "owner"):
            s.add(
                Notification(
                    recipient_id=p[recipient],
                    client_id=c["both"],
                    message="A chart was shared with you",
                    created_at=earlier,
                )
            )
        s.add(
            LinkedProfile(
                client_id=min(c["grp"], c["alone"]),
                other_client_id=max(c["grp"], c["alone"]),
                created_at=earlier,
            )
        )
        transfer = CaseloadTransfer(
            from_provider_id=p["own"],
            to_provider_id=p["recv"],
            started_by=p["own"],
            started_at=earlier,
        )
        s.add(transfer)
        s.flush()
        s.add(CaseloadTransferItem(transfer_id=transfer.id, client_id=c["own"]))
        # R18: Cora (Record Custodian) holds an emergency access to Owen's client open now (his
        # chart is his own); Rhea's ran out, and the Owner ended hers: those give nothing.
        now = datetime.now(UTC)
        for holder, client, opened, ended in (
            ("custodian", "own", now - timedelta(minutes=5), None),
            ("recv", "alone", earlier, None),
            ("owner", "own", now - timedelta(minutes=10), now - timedelta(minutes=9)),
        ):
            s.add(
                EmergencyAccess(
                    client_id=c[client],
                    staff_id=p[holder],
                    reason="Client in crisis",
                    opened_at=opened,
                    expires_at=opened + timedelta(hours=1),
                    ended_at=ended,
                )
            )
        audit.record(uow, world.people["owner"], audit.Action.CLIENT_CREATED, client_id=c["both"])
        for person in world.people.values():
            uow.session.execute(
                text("SELECT app.create_login(:id, :verifier)"),
                {"id": person.staff_id, "verifier": scram_verifier(PASSWORD)},
            )
        uow.commit()
    return world


def _ids(uow: UnitOfWork, statement) -> set:
    return set(uow.session.scalars(statement))


def expected_rows(world: World, who: str) -> dict[str, set]:
    """Per table, the ids (or client ids) the rules let `who` read, computed as the superuser."""
    person = world.people[who]
    me = person.staff_id
    keeps_records = bool(person.roles & RECORD_KEEPERS)
    with world.uow() as uow:
        now = uow.session.scalar(text("SELECT now()"))
        clients = _ids(uow, select(Client.id).where(readable_profiles(person, now, Client.id)))
        listed = _ids(uow, select(Client.id).where(visible_clients(person, Client.id)))
        rows = uow.session.execute(
            text(
                "SELECT 'links', id, client_id, provider_id, NULL::int FROM client_provider_links"
                " UNION ALL SELECT 'shares', id, client_id, from_provider_id, to_provider_id"
                " FROM chart_shares"
                " UNION ALL SELECT 'appointments', id, client_id, provider_id, NULL"
                " FROM appointments"
                " UNION ALL SELECT 'notifications', id, client_id, recipient_id, NULL"
                " FROM notifications"
                " UNION ALL SELECT 'linked_profiles', id, client_id, other_client_id, NULL"
                " FROM linked_profiles"
                " UNION ALL SELECT 'caseload_transfers', t.id, NULL, t.from_provider_id,"
                " t.to_provider_id FROM caseload_transfers t"
                " UNION ALL SELECT 'audit_events', seq, client_id, NULL, NULL FROM audit_events"
                " UNION ALL SELECT 'client_name_words', client_id, client_id, NULL, NULL"
                " FROM client_name_words"
                " UNION ALL SELECT 'emergency_accesses', id, client_id, staff_id, NULL"
                " FROM emergency_accesses"
            )
        ).all()
        expected = {
            # R3: a provider also reads the clients in whose chart they wrote (own charts);
            # R18: and those of an emergency access open now.
            "clients": clients
            | _ids(uow, select(Client.id).where(clients_with_open_records(person, Client.id))),
            "chart_notes": _ids(uow, select(ChartNote.id).where(readable_notes(person, now))),
            "documents": _ids(uow, select(Document.id).where(readable_documents(person, now))),
        }
    for table in (
        "links", "shares", "appointments", "notifications", "linked_profiles",
        "caseload_transfers", "audit_events", "client_name_words", "emergency_accesses",
    ):  # fmt: skip
        expected[table] = set()
    group_owned = {s for s, o in world.ownership.items() if o == "group"}
    for table, row_id, client, a, b in rows:
        allowed = {
            "links": client in clients,  # R2: provider settings go with the profile (R18 too)
            "shares": client in listed or me in (a, b),  # B1
            "appointments": client in listed or a == me,  # R2, R10
            "notifications": a == me,
            "linked_profiles": client in listed or a in listed,  # R14
            "caseload_transfers": me in (a, b) or (keeps_records and a in group_owned),  # R9
            "audit_events": bool(person.roles & {Role.OWNER, Role.RECORD_CUSTODIAN}),  # R13
            "client_name_words": client in listed,  # the name search is R1's, not R18's
            # R18: one's own uses; the Owner and Record Custodians review everyone's
            "emergency_accesses": a == me
            or bool(person.roles & {Role.OWNER, Role.RECORD_CUSTODIAN}),
        }[table]
        if allowed:
            expected[table].add(row_id)
    return expected


#: per table: what to select so it can be compared with `expected_rows`.
READ_AS_PERSON = {
    "clients": "SELECT id FROM clients",
    "chart_notes": "SELECT id FROM chart_notes",
    "documents": "SELECT id FROM documents",
    "links": "SELECT id FROM client_provider_links",
    "shares": "SELECT id FROM chart_shares",
    "appointments": "SELECT id FROM appointments",
    "notifications": "SELECT id FROM notifications",
    "linked_profiles": "SELECT id FROM linked_profiles",
    "caseload_transfers": "SELECT id FROM caseload_transfers",
    "audit_events": "SELECT seq FROM audit_events",
    "client_name_words": "SELECT DISTINCT client_id FROM client_name_words",
    "emergency_accesses": "SELECT id FROM emergency_accesses",
}


def read_as(world: World, who: str) -> dict[str, set]:
    with world.connect_as(who) as connection:
        return {
            table: {row[0] for row in connection.execute(query)}
            for table, query in READ_AS_PERSON.items()
        }
