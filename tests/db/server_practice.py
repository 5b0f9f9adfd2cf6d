"""A practice on the test PostgreSQL server where people sign in with their own logins."""

from __future__ import annotations

from pathlib import Path

import argon2
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from desktop.app import AppContext
from desktop.config import Config
from desktop.db import provision
from desktop.db.engine import create_database_engine
from desktop.db.server_access import ServerAccess, without_login
from desktop.db.uow import UnitOfWork
from desktop.services import practice
from desktop.services.credentials import database_account, store_secret
from desktop.services.passwords import Passwords
from desktop.services.principal import Principal
from desktop.services.server_logins import scram_verifier

OWNER_EMAIL = "owner@harbour.test"
PASSWORD = "correct horse battery"
GATE_PASSWORD = "the gate's own long password"
WORKSTATION = "front-desk-1"


def cheap_passwords() -> Passwords:
    return Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def it_engine(url: str) -> Engine:
    """The test server's superuser: IT's login, past every policy."""
    return create_database_engine(url)


def set_up(engine: Engine, passwords: Passwords) -> Principal:
    """The practice and its Owner (whose login IT's set-up creates)."""
    return practice.set_up_practice(
        UnitOfWork(engine),
        passwords,
        practice.PracticeSetup(
            practice_name="Harbour Therapy Group",
            time_zone="America/Toronto",
            owner_name="Dr. Maya Okafor",
            owner_email=OWNER_EMAIL,
            password=PASSWORD,
            password_again=PASSWORD,
            owner_is_provider=True,
        ),
        workstation="it-laptop",
    )


def open_gate(engine: Engine, *, keep_on_workstation: bool = True) -> str:
    """Let the gate log in with its password (as `db provision` does) and keep that password
    in this workstation's keyring; the gate's login name."""
    url = engine.url
    with engine.begin() as connection:
        gate = provision.open_gate(connection, scram_verifier(GATE_PASSWORD))
    assert gate == ServerAccess(without_login(url)).gate_login
    if keep_on_workstation:
        store_secret(
            database_account(gate, url.host or "localhost", url.port, url.database or ""),
            GATE_PASSWORD,
        )
    return gate


def workstation(url: str, tmp_path: Path, passwords: Passwords) -> AppContext:
    """A workstation of the practice: it knows the server's address and no staff password."""
    parsed = make_url(url)
    return AppContext(
        config=Config(
            data_dir=tmp_path, database_url=url, time_zone="America/Toronto", source="tests"
        ),
        engine=create_database_engine(without_login(parsed)),
        database_label=f"{parsed.host}:{parsed.port}/{parsed.database} (server on this computer)",
        embedded=False,
        passwords=passwords,
        workstation=WORKSTATION,
        server=ServerAccess(without_login(parsed)),
    )


def session_user(ctx: AppContext) -> str:
    with ctx.engine.connect() as connection:
        return connection.execute(text("SELECT session_user")).scalar_one()
