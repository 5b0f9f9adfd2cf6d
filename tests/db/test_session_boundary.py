"""R19 on PostgreSQL, connected as the person: they change their own password (their server
login follows), set up their second factor and read no one else's; an Owner resets it; nobody
changes a colleague's password row by SQL."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from desktop.db.uow import UnitOfWork
from desktop.services import password_change, second_factor
from desktop.services.passwords import Passwords
from tests.db.boundary_world import PASSWORD, World, build_world
from tests.services import worlds

NEW = "a brand new server password"


@pytest.fixture
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def engine_as(world: World, who: str, password: str = PASSWORD):
    url = URL.create(
        "postgresql+psycopg",
        username=world.login(who),
        password=password,
        host=world.host,
        port=world.port,
        database=world.database,
    )
    return create_engine(url)


def app_password(world: World, passwords: Passwords, *people: str) -> None:
    """The app's own password hashes for these people (the world stores placeholders)."""
    with world.engine.begin() as connection:
        for who in people:
            connection.execute(
                text("UPDATE staff SET password_hash = :h WHERE id = :id"),
                {"h": passwords.hash(PASSWORD), "id": world.people[who].staff_id},
            )


def verifier(world: World, who: str) -> str:
    return world.as_superuser(
        "SELECT rolpassword FROM pg_authid WHERE rolname = :r", r=world.login(who)
    )[0]


def test_R19_a_person_changes_their_own_password_and_their_login_follows(world, passwords):
    app_password(world, passwords, "scheduler")
    before = verifier(world, "scheduler")
    engine = engine_as(world, "scheduler")
    try:
        password_change.change_own_password(
            UnitOfWork(engine), world.people["scheduler"], passwords, PASSWORD, NEW, NEW
        )
    finally:
        engine.dispose()
    after = verifier(world, "scheduler")
    assert after.startswith("SCRAM-SHA-256$") and after != before
    row = world.as_superuser(
        "SELECT must_change_password FROM staff WHERE id = :id",
        id=world.people["scheduler"].staff_id,
    )
    assert row[0] is False


def test_R19_a_person_enrols_and_no_colleague_but_owner_or_manager_sees_it(world, passwords):
    app_password(world, passwords, "grp")
    engine = engine_as(world, "grp")
    grp = world.people["grp"]
    try:
        uow = UnitOfWork(engine)
        offer = second_factor.new_secret(grp)
        codes = second_factor.enrol(
            uow, grp, passwords, PASSWORD, offer.secret, pyotp.TOTP(offer.secret).now()
        )
        assert len(codes) == 10
        assert second_factor.second_factor_state(UnitOfWork(engine), grp).enrolled
    finally:
        engine.dispose()
    with world.connect_as("scheduler") as conn:
        assert conn.execute("SELECT count(*) FROM second_factors").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM recovery_codes").fetchone() == (0,)
        conn.execute("DELETE FROM second_factors")  # removes nothing it cannot see
    with world.connect_as("owner") as conn:
        assert conn.execute("SELECT count(*) FROM recovery_codes").fetchone() == (10,)
    owner_engine = engine_as(world, "owner")
    try:
        second_factor.reset_enrolment(UnitOfWork(owner_engine), world.people["owner"], grp.staff_id)
    finally:
        owner_engine.dispose()
    assert world.as_superuser("SELECT count(*) FROM second_factors")[0] == 0


def test_R19_nobody_rewrites_a_colleagues_staff_row_by_sql(world):
    with world.connect_as("grp") as conn:
        conn.execute(
            "UPDATE staff SET password_hash = 'mine' WHERE id = %s",
            (world.people["scheduler"].staff_id,),
        )
    row = world.as_superuser(
        "SELECT password_hash FROM staff WHERE id = :id", id=world.people["scheduler"].staff_id
    )
    assert row[0] == "x"
