"""The demo practice: one person in every role, four providers, about forty clients, two weeks booked."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..db.tables import (
    Appointment,
    ChartNote,
    ChartShare,
    Client,
    ClientProviderLink,
    Document,
    Notification,
    Practice,
    ProviderAvailability,
    ProviderProfile,
    Staff,
    StaffRole,
)
from ..db.uow import UnitOfWork
from . import audit, server_logins
from .demo_billing import DEMO_ADDRESS, DEMO_LICENCES, add_billing, add_billing_details
from .demo_sessions import add_session_notes, visit_outcome
from .demo_supervision import add_restriction, add_supervision
from .passwords import Passwords
from .principal import Principal, Role

#: every demo login uses this password (the demo holds no real client).
DEMO_PASSWORD = "demo-clinic-2026"
DEMO_PRACTICE = "Riverside Counselling & Physio"
DEMO_TIME_ZONE = "America/Toronto"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    roles: tuple[Role, ...]
    #: for providers: who owns the records they write.
    records_owner: str | None = None


DEMO_LOGINS = (
    DemoLogin("owner@demo.clinic", "Dr. Maya Okafor", (Role.OWNER,)),
    DemoLogin("manager@demo.clinic", "Sam Whitfield", (Role.MANAGER,)),
    DemoLogin("custodian@demo.clinic", "Priya Raman", (Role.RECORD_CUSTODIAN,)),
    DemoLogin("scheduler@demo.clinic", "Jordan Ellis", (Role.SCHEDULER,)),
    DemoLogin("biller@demo.clinic", "Chris Novak", (Role.BILLER,)),
    DemoLogin("ana@demo.clinic", "Ana Castillo, LCSW", (Role.PROVIDER,), "group"),
    DemoLogin("ben@demo.clinic", "Ben Adeyemi, PT", (Role.PROVIDER,), "group"),
    DemoLogin("lee@demo.clinic", "Dr. Daniel Lee", (Role.PROVIDER,), "provider"),
    DemoLogin("rosa@demo.clinic", "Dr. Rosa Lindqvist", (Role.PROVIDER,), "provider"),
    # pre-licensed: supervised by Dr. Lindqvist in co-sign mode (R16).
    DemoLogin("tess@demo.clinic", "Tess Morgan, LMSW", (Role.PROVIDER,), "group"),
)

_FIRST = (
    "Amelia Noah Olivia Liam Sofia Mateo Chloe Ethan Hana Lucas Zara Omar Grace Felix Leah Arjun "
    "Nora Tomas Ivy Kenji Maya Elias Ruby Jonah Aisha Marco Clara Diego Eva Samuel Lina Theo "
    "Freya Hugo Mira Caleb Iris Ravi Naomi Owen"
).split()
_LAST = (
    "Abbott Bergstrom Chen Dubois Eriksen Fernandes Garcia Haddad Ivanova Jensen Kowalski Laurent "
    "MacLeod Nakamura O'Brien Petrov Quinn Rossi Santos Tremblay Usman Vasquez Wright Xu Young "
    "Zimmerman Achebe Brennan Castellanos-Whitmore Dimitriou"
).split()
_DIAGNOSES = (
    "F41.1 Generalized anxiety disorder",
    "F32.1 Major depressive disorder, single episode, moderate",
    "F43.10 Post-traumatic stress disorder",
    "M54.5 Low back pain",
    "S83.5 Sprain of cruciate ligament of knee",
    "F90.0 ADHD, predominantly inattentive",
    "Z63.0 Relationship distress with partner",
)
#: the ICD-10-CM codes of the free-text diagnoses above (primary first); the sprain is left as
#: free text, to be coded later.
_CODES = {
    _DIAGNOSES[0]: "F41.1",
    _DIAGNOSES[1]: "F32.1\nF41.1",
    _DIAGNOSES[2]: "F43.10",
    _DIAGNOSES[3]: "M54.50",
    _DIAGNOSES[5]: "F90.0",
    _DIAGNOSES[6]: "Z63.0\nF43.22",
}


def _demo_diagnosis(rng) -> dict:
    text = rng.choice(_DIAGNOSES)
    return {"diagnosis": text, "diagnosis_codes": _CODES.get(text)}


_PROGRESS = (
    "Client reports better sleep since last session. Reviewed thought record; practised "
    "grounding. Plan: continue weekly, introduce exposure hierarchy.",
    "Range of motion improved 10 degrees. Home exercise programme updated; client to ice after "
    "activity. Reassess in two weeks.",
    "Discussed work stressors and boundary setting. Client identified two supports. Safety "
    "screen negative. Continue current plan.",
)
_PRIVATE = (
    "Process note: strong transference in today's session; explore in supervision.",
    "My impressions: client minimises family conflict; revisit the topic gently next time.",
)


def ensure_demo_practice(uow: UnitOfWork, passwords: Passwords) -> bool:
    """Fill an empty demo database; returns False when it already holds the demo practice."""
    with uow:
        if uow.session.get(Practice, 1) is not None:
            return False
        _seed(uow, passwords, random.Random(2026))
        uow.commit()
        return True


def _seed(uow: UnitOfWork, passwords: Passwords, rng: random.Random) -> None:
    session = uow.session
    now = uow.now()
    zone = ZoneInfo(DEMO_TIME_ZONE)
    session.add(Practice(id=1, name=DEMO_PRACTICE, time_zone=DEMO_TIME_ZONE, created_at=now))
    staff: dict[str, Staff] = {}
    # Every demo login has the same published password: one hash serves them all (hashing is
    # slow on purpose, and was most of the time the demo took to create).
    password_hash = passwords.hash(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        member = Staff(
            email=login.email,
            display_name=login.name,
            password_hash=password_hash,
            active=True,
            created_at=now,
            roles=[StaffRole(role=role.value) for role in login.roles],
        )
        session.add(member)
        session.flush()
        if login.records_owner:
            session.add(ProviderProfile(staff_id=member.id, records_owner=login.records_owner))
        staff[login.email] = member
        # On a server each demo person signs in with their own login (B5).
        server_logins.create_login(uow, member.id, DEMO_PASSWORD)
    session.flush()
    owner = staff["owner@demo.clinic"]
    providers = [
        staff[e]
        for e in ("ana@demo.clinic", "ben@demo.clinic", "lee@demo.clinic", "rosa@demo.clinic")
    ]
    therapists = {providers[0].id, providers[2].id, providers[3].id}

    clients = _clients(session, rng, now, owner.id)
    links: dict[int, list[int]] = {}
    for index, client in enumerate(clients):
        chosen = [providers[index % 4]]
        if index % 5 == 0:
            chosen.append(providers[(index + 1) % 4])
        links[client.id] = [p.id for p in chosen]
        for provider in chosen:
            session.add(
                ClientProviderLink(
                    client_id=client.id,
                    provider_id=provider.id,
                    status="discharged" if index % 13 == 12 else "active",
                    **_demo_diagnosis(rng),
                    start_date=(now - timedelta(days=rng.randint(20, 400))).date(),
                    is_treating=provider is chosen[0],
                    created_at=now,
                    created_by=owner.id,
                )
            )
            _notes(session, rng, now, client.id, provider.id, provider.id in therapists)
            if index % 3 == 0:
                _document(
                    session,
                    now,
                    client.id,
                    provider.id,
                    "treatment-plan.txt",
                    "clinical",
                    provider.id,
                )
        _document(session, now, client.id, owner.id, "intake-form.txt", "non_clinical", None)
    session.flush()
    _shares(session, clients, links, providers, owner, now)
    rosa, tess = staff["rosa@demo.clinic"], staff["tess@demo.clinic"]
    add_supervision(session, now, tess, rosa, owner, [clients[3], clients[7]])
    add_restriction(session, now, clients[-1], staff["scheduler@demo.clinic"], owner)
    _audit_shares(uow, staff)
    _appointments(session, rng, links, owner.id, now, zone, physio={providers[1].id})
    session.flush()
    add_session_notes(session, rng, now, zone)
    add_billing_details(session, DEMO_ADDRESS, DEMO_LICENCES, staff)
    add_billing(uow, staff["biller@demo.clinic"], rng)
    principal = Principal(
        owner.id, owner.email, owner.display_name, frozenset({Role.OWNER}), "demo"
    )
    audit.record(
        uow,
        principal,
        audit.Action.PRACTICE_CREATED,
        subject="practice:1",
        details={"name": DEMO_PRACTICE, "demo": True},
    )


def _clients(session, rng: random.Random, now: datetime, created_by: int) -> list[Client]:
    clients = []
    for index in range(40):
        first = _FIRST[index % len(_FIRST)]
        last = _LAST[(index * 7) % len(_LAST)]
        client = Client(
            first_name=first,
            last_name=last,
            sort_name=f"{last} {first}".lower(),
            date_of_birth=date(1950 + rng.randint(0, 55), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"{first}.{last}".lower().replace("'", "") + "@example.com",
            phone_mobile=f"(416) 555-{rng.randint(1000, 9999)}",
            city="Toronto",
            region="ON",
            emergency_contact_name=f"{rng.choice(_FIRST)} {last}",
            emergency_contact_phone=f"(416) 555-{rng.randint(1000, 9999)}",
            emergency_contact_relationship=rng.choice(("Partner", "Parent", "Sibling", "Friend")),
            created_at=now,
            created_by=created_by,
            updated_at=now,
        )
        session.add(client)
        clients.append(client)
    session.flush()
    return clients


def _notes(session, rng, now, client_id: int, provider_id: int, therapist: bool) -> None:
    for weeks_ago in (3, 2, 1):
        signed_at = now - timedelta(weeks=weeks_ago)
        session.add(
            ChartNote(
                client_id=client_id,
                author_id=provider_id,
                kind="progress",
                status="signed",
                session_date=signed_at.date(),
                title="Progress note",
                body=rng.choice(_PROGRESS),
                created_at=signed_at,
                updated_at=signed_at,
                signed_at=signed_at,
            )
        )
    session.add(
        ChartNote(
            client_id=client_id,
            author_id=provider_id,
            kind="progress",
            status="draft",
            session_date=now.date(),
            title="Progress note (draft)",
            body="Session in progress.",
            created_at=now,
            updated_at=now,
        )
    )
    if therapist:
        session.add(
            ChartNote(
                client_id=client_id,
                author_id=provider_id,
                kind="private",
                status="signed",
                session_date=(now - timedelta(weeks=1)).date(),
                title="Psychotherapy note",
                body=rng.choice(_PRIVATE),
                created_at=now,
                updated_at=now,
                signed_at=now,
            )
        )


def _document(
    session,
    now,
    client_id: int,
    uploaded_by: int,
    name: str,
    category: str,
    owner_provider_id: int | None,
) -> None:
    content = f"{name} for client {client_id} (demo document).\n".encode()
    session.add(
        Document(
            client_id=client_id,
            category=category,
            owner_provider_id=owner_provider_id,
            file_name=name,
            media_type="text/plain",
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            uploaded_by=uploaded_by,
            uploaded_at=now,
        )
    )


def _shares(session, clients, links, providers, owner, now) -> None:
    ana, ben, lee, rosa = providers
    plans = [
        (clients[0], ana, ben, False, None, ana),
        (clients[2], lee, rosa, True, None, lee),
        (clients[4], ben, ana, False, now + timedelta(days=30), owner),
        (clients[7], rosa, lee, False, None, rosa),
    ]
    for client, source, target, include_private, expires, by in plans:
        if source.id not in links[client.id]:
            continue
        if target.id not in links[client.id]:
            links[client.id].append(target.id)
            session.add(
                ClientProviderLink(
                    client_id=client.id,
                    provider_id=target.id,
                    status="active",
                    created_at=now,
                    created_by=by.id,
                )
            )
        session.add(
            ChartShare(
                client_id=client.id,
                from_provider_id=source.id,
                to_provider_id=target.id,
                include_private=include_private,
                started_at=now,
                started_by=by.id,
                expires_at=expires,
            )
        )
        session.add(
            Notification(
                recipient_id=target.id,
                client_id=client.id,
                created_at=now,
                message=(
                    f"{source.display_name} shared {client.first_name} {client.last_name}'s "
                    "chart with you."
                ),
            )
        )


#: why each demo share was started, in the order of `_shares` (B7's accounting shows them).
_SHARE_PURPOSES = (
    "Second opinion on the treatment plan",
    "Joint sessions with the family",
    "Covering a leave of absence",
    None,
)


def _audit_shares(uow: UnitOfWork, staff: dict[str, Staff]) -> None:
    """Each demo share's purpose and its audit entry, as a share started in the app has."""
    people = {member.id: member for member in staff.values()}
    shares = uow.session.scalars(select(ChartShare).order_by(ChartShare.id)).all()
    for share, purpose in zip(shares, _SHARE_PURPOSES, strict=False):
        share.purpose = purpose
        by = people[share.started_by]
        roles = frozenset(Role(r.role) for r in by.roles)
        audit.record(
            uow,
            Principal(by.id, by.email, by.display_name, roles, "demo"),
            audit.Action.SHARE_STARTED,
            client_id=share.client_id,
            subject=f"share:{share.id}",
            details={
                "from": share.from_provider_id,
                "to": share.to_provider_id,
                "include_private": share.include_private,
                "until": share.expires_at.isoformat() if share.expires_at else None,
                **({"purpose": purpose} if purpose else {}),
            },
            workstation="FRONT-DESK",
        )


def _appointments(
    session, rng, links, created_by: int, now: datetime, zone: ZoneInfo, physio: set[int]
) -> None:
    """The last two weeks (billed), this week and next, Monday to Friday, so the calendar and
    "next appointment" always show
    something whatever day the demo is opened; and working hours for Find Availability. A
    physiotherapist's sessions are physiotherapy visits (billed as such)."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    by_provider: dict[int, list[int]] = {}
    for client_id, provider_ids in links.items():
        for provider_id in provider_ids:
            by_provider.setdefault(provider_id, []).append(client_id)
    for provider_id in by_provider:
        for weekday in range(5):
            session.add(
                ProviderAvailability(
                    provider_id=provider_id, weekday=weekday, start_time=time(9), end_time=time(17)
                )
            )
    for provider_id, client_ids in by_provider.items():
        for day in (d for d in range(-14, 12) if d % 7 < 5):
            hours = rng.sample(range(9, 17), 3)
            for hour in sorted(hours):
                start = datetime.combine(monday + timedelta(days=day), time(hour), zone).astimezone(
                    UTC
                )
                session.add(
                    Appointment(
                        provider_id=provider_id,
                        client_id=rng.choice(client_ids),
                        starts_at=start,
                        ends_at=start + timedelta(minutes=50),
                        appointment_type="Physiotherapy"
                        if provider_id in physio
                        else "Individual session",
                        pos_code=rng.choice(("11", "11", "11", "10", "02")),
                        created_by=created_by,
                        created_at=now,
                        **visit_outcome(rng, start, now),
                    )
                )
