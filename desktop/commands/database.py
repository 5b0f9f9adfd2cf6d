"""`clinicdesk db upgrade | status | set-password`: for IT, once per release against the server."""

from __future__ import annotations

import argparse

import psycopg
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from ..app import StartupError, connect, database_url_for, describe_url
from ..config import Config
from ..db import migrate
from ..services.credentials import KeyringUnavailable, database_account, store_secret


def run(args: argparse.Namespace, config: Config) -> int:
    url = database_url_for(config, demo=False)
    if args.db_command == "set-password":
        return _set_password(url)
    engine, label, _ = connect(url, ca_file=config.ca_file)
    try:
        state = migrate.schema_state(engine)
        if args.db_command == "status":
            print(
                f"{label}: schema {state.current or 'none'} ({state.status}); this release: {state.head}"
            )
            return 0
        migrate.refuse_newer(state)
        if state.status == "current":
            print(f"{label} is already at schema {state.head}; nothing to do.")
            return 0
        backup = (
            migrate.backup_sqlite(engine, keep=config.backups_kept)
            if state.status == "behind"
            else None
        )
        migrate.upgrade(engine, backup_first=False)
        note = f" (backup: {backup})" if backup else ""
        print(f"{label} upgraded from schema {state.current or 'none'} to {state.head}{note}.")
        return 0
    except migrate.SchemaError as error:
        raise StartupError(str(error)) from None
    except (sa_exc.DatabaseError, psycopg.Error) as error:  # the boundary's SQL goes to the driver
        detail = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise StartupError(f"The upgrade of {label} failed and was rolled back: {detail}") from None
    finally:
        engine.dispose()


def _set_password(url: str) -> int:
    from ..cli import ask_password

    label = describe_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.username:
        raise StartupError("set-password is for a PostgreSQL server address with a user name.")
    secret = ask_password(f"Password for {label}: ")
    if not secret:
        raise StartupError("No password given; nothing was stored.")
    account = database_account(
        parsed.username, parsed.host or "localhost", parsed.port, parsed.database or ""
    )
    try:
        store_secret(account, secret)
    except KeyringUnavailable as error:
        raise StartupError(error.message) from None
    print(f"The password for {label} is now in the system keyring.")
    return 0
