"""`clinicdesk db provision`: IT's one-time set-up of a practice's PostgreSQL server.

Upgrades the schema to this release, creates (or gives a new password to) the sign-in gate's
login, sets up the practice and its first Owner on an empty server, gives every active staff
member who has no login one with a temporary password, and prints the pg_hba.conf lines.
Runs with IT's login (in the address, its password in IT's keyring or typed at the prompt).
"""

from __future__ import annotations

import argparse
import secrets
import socket

import psycopg
from sqlalchemy import Engine, func, select
from sqlalchemy import exc as sa_exc

from ..app import StartupError, connect, database_url_for
from ..config import Config
from ..db import migrate, provision
from ..db.boundary import gate_login_name
from ..db.uow import UnitOfWork
from ..services import practice
from ..services.errors import InvalidInput, ServiceError
from ..services.passwords import Passwords
from ..services.server_logins import scram_verifier

#: the words of a temporary password (its strength is in the random suffix).
_TEMPORARY_LENGTH = 12


def run(args: argparse.Namespace, config: Config) -> int:
    url = database_url_for(config, demo=False)
    engine, label, embedded = connect(url, ca_file=config.ca_file)
    try:
        if embedded:
            raise StartupError("db provision sets up a PostgreSQL server; a file needs none.")
        _upgrade(engine, label)
        _practice(engine, args)
        gate = _gate(engine)
        for email, password in _missing_logins(engine):
            print(f"Login for {email}: temporary password {password} (give it to them in person).")
        with engine.connect() as connection:
            roles = provision.boundary_roles(connection)
            database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
        print(
            "\nAdd to pg_hba.conf (and set password_encryption = scram-sha-256, ssl = on):\n"
            + provision.hba_lines(database, roles, args.network)
        )
        print(
            f"\nOn each workstation, store the sign-in gate's password once:\n"
            f"  clinicdesk db set-password --database "
            f"postgresql://{gate or gate_login_name(database)}@{engine.url.host}"
            f"{':' + str(engine.url.port) if engine.url.port else ''}/{database}"
        )
        return 0
    except migrate.SchemaError as error:
        raise StartupError(str(error)) from None
    except (sa_exc.DatabaseError, psycopg.Error) as error:
        detail = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise StartupError(f"The set-up of {label} stopped: {detail}") from None
    finally:
        engine.dispose()


def _upgrade(engine: Engine, label: str) -> None:
    state = migrate.schema_state(engine)
    migrate.refuse_newer(state)
    if state.status == "current":
        print(f"{label} is at schema {state.head}.")
        return
    migrate.upgrade(engine, backup_first=False)
    print(f"{label} upgraded from schema {state.current or 'none'} to {state.head}.")


def _practice(engine: Engine, args: argparse.Namespace) -> None:
    """An empty server gets its practice and first Owner (with their login)."""
    from ..cli import ask_password

    if practice.practice_info(UnitOfWork(engine)) is not None:
        return
    wanted = (args.practice, args.time_zone, args.owner_name, args.owner_email)
    if not all(wanted):
        raise StartupError(
            "This server holds no practice yet: give --practice, --time-zone, --owner-name and "
            "--owner-email to set it up with its first Owner."
        )
    password = ask_password(f"First password for {args.owner_email}: ")
    again = ask_password("The same password again: ")
    setup = practice.PracticeSetup(
        practice_name=args.practice,
        time_zone=args.time_zone,
        owner_name=args.owner_name,
        owner_email=args.owner_email,
        password=password,
        password_again=again,
        owner_is_provider=args.owner_provider,
    )
    problems = practice.setup_problems(setup)
    if problems:
        raise StartupError(" ".join(str(problem) for problem in problems))
    try:
        practice.provision_practice(UnitOfWork(engine), Passwords(), setup, socket.gethostname())
    except (InvalidInput, ServiceError) as error:
        raise StartupError(str(error)) from None
    print(f"The practice '{args.practice}' is set up; {args.owner_email} signs in as its Owner.")


def _gate(engine: Engine) -> str | None:
    """The sign-in gate's login, with the password IT types (empty: left as it is)."""
    from ..cli import ask_password

    secret = ask_password("Password for the sign-in gate (empty: keep the present one): ")
    if not secret:
        return None
    if len(secret) < 16:
        raise StartupError("The sign-in gate's password needs at least 16 characters.")
    with engine.begin() as connection:
        login = provision.open_gate(connection, scram_verifier(secret))
    print(f"The sign-in gate's login {login} has its new password.")
    return login


def _missing_logins(engine: Engine) -> list[tuple[str, str]]:
    """A login with a temporary password for every active staff member who has none."""
    made = []
    with engine.begin() as connection:
        for staff_id, email, _name in provision.staff_without_login(connection):
            password = secrets.token_urlsafe(_TEMPORARY_LENGTH)
            connection.execute(select(func.app.create_login(staff_id, scram_verifier(password))))
            made.append((email, password))
    return made
