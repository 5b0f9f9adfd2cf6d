"""The application context: built once at start-up and handed to every command and view."""

from __future__ import annotations

import socket
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from .clock import Clock, SystemClock
from .config import Config
from .db import migrate
from .db.engine import create_database_engine, sqlite_url, transport_label, with_transport
from .db.uow import UnitOfWork
from .services.credentials import KeyringUnavailable, database_account, read_secret
from .services.passwords import Passwords
from .services.principal import Principal


class StartupError(Exception):
    """Clinic Desk cannot start on this database; the message is one line for the user or IT."""


@dataclass
class AppContext:
    """Everything a view or command needs: settings, database, clock, passwords, who is signed in."""

    config: Config
    engine: Engine
    #: where the database is, as people read it: a file path or "user@host:port/name".
    database_label: str
    embedded: bool
    clock: Clock = field(default_factory=SystemClock)
    passwords: Passwords = field(default_factory=Passwords)
    workstation: str = field(default_factory=socket.gethostname)
    principal: Principal | None = None
    demo: bool = False

    def uow(self) -> UnitOfWork:
        """A new unit of work on this database, with this context's clock."""
        return UnitOfWork(self.engine, self.clock)

    def close(self) -> None:
        self.engine.dispose()


def database_url_for(config: Config, *, demo: bool) -> str:
    """The URL to open: the demo file, the configured server, or the embedded file."""
    if demo:
        return sqlite_url(config.demo_database).render_as_string(hide_password=False)
    if config.database_url:
        return config.database_url
    return sqlite_url(config.embedded_database).render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """A database location without any password, for the status bar and messages."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or ":memory:"))
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{user}{parsed.host or 'localhost'}{port}/{parsed.database or ''}"


def server_password(url: str) -> str | None:
    """The server password from the system keyring, when the URL names a user but no password."""
    parsed = make_url(url)
    if parsed.password is not None or not parsed.username:
        return None
    account = database_account(
        parsed.username, parsed.host or "localhost", parsed.port, parsed.database or ""
    )
    try:
        return read_secret(account)
    except KeyringUnavailable:
        return None


def connect(url: str, ca_file: Path | None = None) -> tuple[Engine, str, bool]:
    """An engine whose database answers, with its label and whether it is embedded.

    Raises StartupError with one line for a bad address, an unreachable server or a damaged file.
    """
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        raise StartupError(
            f"'{url[:200]}' is not a database address Clinic Desk understands."
        ) from None
    embedded = parsed.get_backend_name() == "sqlite"
    label = describe_url(url)
    if not embedded:  # the status bar says how the connection travels (B5)
        label = f"{label} ({transport_label(with_transport(parsed, ca_file))})"
    try:
        engine = create_database_engine(
            parsed, password=None if embedded else server_password(url), ca_file=ca_file
        )
    except (ValueError, sa_exc.ArgumentError, ModuleNotFoundError) as error:
        raise StartupError(f"Cannot use the database {label}: {error}") from None
    except OSError as error:
        raise StartupError(f"Cannot create the database file {label}: {error.strerror}.") from None
    try:
        with engine.connect() as connection:
            if embedded:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except (sa_exc.DatabaseError, sqlite3.DatabaseError) as error:
        engine.dispose()
        raise StartupError(_database_problem(label, embedded, error)) from None
    return engine, label, embedded


def open_database(url: str, ca_file: Path | None = None) -> tuple[Engine, str, bool]:
    """Connect and check the schema. An embedded file is backed up and upgraded; a server must
    already be at this release's schema (IT runs `clinicdesk db upgrade`). Raises StartupError."""
    engine, label, embedded = connect(url, ca_file)
    try:
        state = migrate.schema_state(engine)
        migrate.refuse_newer(state)
        if embedded and state.status in ("empty", "behind"):
            migrate.upgrade(engine)
        elif not embedded and state.status != "current":
            raise StartupError(
                f"The database {label} is not at this release's schema ({state.current or 'empty'} "
                f"instead of {state.head}). Ask IT to run: clinicdesk db upgrade --database URL"
            )
    except StartupError:
        engine.dispose()
        raise
    except migrate.SchemaError as error:
        engine.dispose()
        raise StartupError(str(error)) from None
    except (sa_exc.DatabaseError, sqlite3.DatabaseError) as error:
        engine.dispose()
        raise StartupError(_database_problem(label, embedded, error)) from None
    return engine, label, embedded


def _database_problem(label: str, embedded: bool, error: Exception) -> str:
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
    if embedded:
        if "not a database" in detail or "malformed" in detail or "corrupt" in detail:
            return (
                f"The file {label} is not a Clinic Desk database or is damaged ({detail}). "
                "Restore it from a backup; nothing was changed."
            )
        return f"Cannot open the database file {label}: {detail}."
    if "password" in detail or "authentication" in detail:
        return (
            f"The server {label} refused the sign-in ({detail}). Store the password with: "
            "clinicdesk db set-password --database URL"
        )
    return f"Cannot reach the database server {label}: {detail}."


def build_context(config: Config, *, demo: bool = False, clock: Clock | None = None) -> AppContext:
    """Open the configured (or demo) database and build the context. Raises StartupError."""
    engine, label, embedded = open_database(
        database_url_for(config, demo=demo), None if demo else config.ca_file
    )
    return AppContext(
        config=config,
        engine=engine,
        database_label=label,
        embedded=embedded,
        clock=clock or SystemClock(),
        demo=demo,
    )
