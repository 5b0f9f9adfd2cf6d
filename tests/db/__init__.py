"""Tests of the database layer; the minimal valid rows they build on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from desktop.db.tables import Client, Practice, ProviderProfile, Staff

#: a fixed moment, so rows built by the tests are reproducible.
NOW = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)


def add_staff(session: Session, email: str, *, provider: bool = True) -> Staff:
    """A staff member (and, by default, their provider profile), flushed so the id is known."""
    staff = Staff(
        email=email,
        display_name=email.split("@")[0].title(),
        password_hash="argon2-placeholder",
        created_at=NOW,
    )
    session.add(staff)
    session.flush()
    if provider:
        session.add(ProviderProfile(staff_id=staff.id, records_owner="group"))
        session.flush()
    return staff


def add_client(session: Session, first: str = "Ada", last: str = "Lovelace") -> Client:
    client = Client(
        first_name=first,
        last_name=last,
        sort_name=f"{last} {first}".lower(),
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(client)
    session.flush()
    return client


@dataclass(frozen=True)
class Seeded:
    """The ids of the rows most tests need: two providers and a client."""

    provider_a: int
    provider_b: int
    client: int


def seed(session: Session) -> Seeded:
    """The practice, two providers and one client, flushed (the caller commits or not)."""
    session.add(
        Practice(id=1, name="Riverside Counselling", time_zone="America/Chicago", created_at=NOW)
    )
    a = add_staff(session, "avery@riverside.example")
    b = add_staff(session, "blake@riverside.example")
    client = add_client(session)
    return Seeded(provider_a=a.id, provider_b=b.id, client=client.id)
