"""Fixtures for service tests: a clock, cheap password hashing, a practice with its Owner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher

from desktop.clock import FixedClock
from desktop.db.uow import UnitOfWork
from desktop.services import practice, staff
from desktop.services.passwords import Passwords
from desktop.services.principal import Principal, Role

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 14, 30, tzinfo=UTC))


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def uow(engine, clock) -> Callable[[], UnitOfWork]:
    """A factory of units of work on the test database, sharing the test clock."""
    return lambda: UnitOfWork(engine, clock)


@pytest.fixture
def owner(uow, passwords) -> Principal:
    return practice.set_up_practice(
        uow(),
        passwords,
        practice.PracticeSetup(
            practice_name="Harbour Therapy Group",
            time_zone="America/Toronto",
            owner_name="Dr. Maya Okafor",
            owner_email="owner@harbour.test",
            password=PASSWORD,
            password_again=PASSWORD,
        ),
        workstation="front-desk-1",
    )


@pytest.fixture
def add_member(uow, passwords, owner) -> Callable[..., Principal]:
    """Add a staff member as the Owner and return them as a principal."""

    def add(name: str, *roles: Role, records_owner: str | None = None) -> Principal:
        email = name.lower().replace(" ", ".").replace(",", "") + "@harbour.test"
        member = staff.add_staff(
            uow(),
            owner,
            passwords,
            staff.NewStaff(name, email, PASSWORD, frozenset(roles), records_owner),
        )
        return Principal(member.id, member.email, member.display_name, member.roles, "laptop-7")

    return add


def row_counts(engine) -> dict[str, int]:
    """How many rows each table holds, to prove a refused action changed nothing."""
    from sqlalchemy import func, select

    from desktop.db.tables import Base

    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table))
            for name, table in Base.metadata.tables.items()
        }


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refused action left the database exactly as it was."""
    from sqlalchemy import select

    from desktop.db.tables import Base

    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
            for name, table in Base.metadata.tables.items()
        }
