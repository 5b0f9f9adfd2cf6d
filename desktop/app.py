"""The application context: built once at start-up and handed to every command and view."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .clock import Clock, SystemClock
from .config import DEFAULT_BACKUPS_KEPT, Config, database_location
from .db import migrate
from .db.encryption import EncryptionError, Progress, sqlcipher
from .db.engine import (
    create_database_engine,
    sqlite_path,
    sqlite_url,
    transport_label,
    with_transport,
)
from .db.server_access import ServerAccess, ServerRefused, without_login
from .db.uow import UnitOfWork
from .embedded_key import embedded_key
from .services import auth, server_sign_in, standing
from .services.credentials import KeyringUnavailable, database_account, read_secret
from .services.errors import RolesChanged, SessionEnded, SignInRefused
from .services.passwords import Passwords
from .services.principal import Principal
from .startup_error import StartupError

log = logging.getLogger(__name__)


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
    #: told (from any thread) when the signed-in person's standing changed (R19).
    standing_listeners: list[Callable[[SessionEnded | RolesChanged], None]] = field(
        default_factory=list
    )
    #: on PostgreSQL: the server, where signing in is connecting as the person (B5).
    server: ServerAccess | None = None
    #: on PostgreSQL, before anyone signs in: IT's engine when the address names a login, else
    #: one that is never used (`engine` becomes the signed-in person's own connection).
    _before_sign_in: Engine | None = None

    def uow(self) -> UnitOfWork:
        """A new unit of work on this database, with this context's clock. While someone is
        signed in, it first reads whether they are still active and hold the same roles (R19)."""
        if self.principal is None:
            return UnitOfWork(self.engine, self.clock)
        return UnitOfWork(self.engine, self.clock, on_open=self._check_standing)

    def _check_standing(self, session: Session) -> None:
        principal = self.principal
        if principal is None:
            return
        try:
            try:
                standing.check_standing(session, principal)
            except sa_exc.OperationalError as error:
                # On a server a deactivated person's connections are ended and their login
                # refused (B5): that is the deactivation, not an unexpected failure.
                if self.server is None or "not permitted to log in" not in str(error):
                    raise
                raise SessionEnded(standing.DEACTIVATED) from None
        except (SessionEnded, RolesChanged) as change:
            for listener in list(self.standing_listeners):
                listener(change)
            raise

    def sign_in(self, email: str, password: str) -> Principal:
        """Sign a person in; raises SignInRefused with words for them. On a server the email
        and password open the database as that person's own login, so from then on every
        screen reads and writes through the server's rules for them."""
        if self.server is None:
            return auth.sign_in(self.uow(), self.passwords, email, password, self.workstation)
        email = (email or "").strip().lower()
        password = password or ""
        if not email or not password:
            raise SignInRefused("Enter your email and password.")
        if not _sendable(email, 254) or not _sendable(password, 1024):
            raise SignInRefused(auth.WRONG_CREDENTIALS)
        try:
            engine = self.server.person_engine(email, password)
        except ServerRefused as refused:
            if refused.reason == "disabled":
                raise SignInRefused(server_sign_in.DEACTIVATED) from None
            if refused.reason == "unreachable":
                raise SignInRefused(
                    f"Cannot reach the database server {self.database_label}: {refused}"
                ) from None
            raise self._failed_attempt(email) from None
        try:
            state = migrate.schema_state(engine)
            if state.status != "current":
                raise SignInRefused(
                    f"The database is not at this release's schema ({state.current or 'empty'} "
                    f"instead of {state.head}). Ask IT to run: clinicdesk db upgrade"
                )
            principal = server_sign_in.begin_session(
                UnitOfWork(engine, self.clock), self.workstation
            )
        except BaseException:
            engine.dispose()
            raise
        self.signed_out()
        if self._before_sign_in is None:
            self._before_sign_in = self.engine
        self.engine = engine
        return principal

    def signed_out(self) -> None:
        """On a server, close the signed-in person's connections (after their sign-out is
        recorded): the next person signs in with their own."""
        if self._before_sign_in is not None and self.engine is not self._before_sign_in:
            self.engine.dispose()
            self.engine = self._before_sign_in

    def _failed_attempt(self, email: str) -> SignInRefused:
        """Count and audit a refused sign-in through the gate, when this workstation holds the
        gate's password; the refusal to show either way."""
        assert self.server is not None
        gate = self.server.gate_login
        url = self.server.url
        try:
            secret = read_secret(
                database_account(gate, url.host or "localhost", url.port, url.database or "")
            )
        except KeyringUnavailable:
            secret = None
        if not secret:
            log.warning("no password of the sign-in gate on this workstation: attempt not counted")
            return SignInRefused(auth.WRONG_CREDENTIALS)
        try:
            engine = self.server.engine_for(gate, secret)
        except ServerRefused as refused:
            log.warning("the sign-in gate could not connect: %s", refused)
            return SignInRefused(auth.WRONG_CREDENTIALS)
        try:
            return server_sign_in.record_failed_attempt(
                UnitOfWork(engine, self.clock), email, self.workstation
            )
        except Exception:
            log.exception("the sign-in gate could not record a failed attempt")
            return SignInRefused(auth.WRONG_CREDENTIALS)
        finally:
            engine.dispose()

    def close(self) -> None:
        self.signed_out()
        self.engine.dispose()


def _sendable(text: str, longest: int) -> bool:
    """Text a server login can be tried with: not too long, no NUL, no half characters."""
    if len(text) > longest or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def database_url_for(config: Config, *, demo: bool) -> str:
    """The URL to open: the demo file, the configured server, or the embedded file."""
    location = database_location(config, demo=demo)
    if isinstance(location, Path):
        return sqlite_url(location).render_as_string(hide_password=False)
    return location


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


def connect(
    url: str,
    *,
    create: bool = True,
    progress: Progress | None = None,
    demo_file: bool = False,
    ca_file: Path | None = None,
) -> tuple[Engine, str, bool]:
    """An engine whose database answers, with its label and whether it is embedded.

    An embedded file is opened with its key from the system keyring (made on first use); a file
    from an earlier, unencrypted release is encrypted first. With `create` False a file that
    does not exist is refused rather than made. Raises StartupError with one line for a bad
    address, an unreachable server, a missing key or a damaged file. The demo's own file
    (`demo_file`) is rebuilt when its key is gone: it holds no one's real records.
    """
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        raise StartupError(
            f"'{url[:200]}' is not a database address Clinic Desk understands."
        ) from None
    label = describe_url(url)
    embedded = parsed.get_backend_name() == "sqlite"
    key = None
    if embedded:
        path = sqlite_path(parsed)
        if path is None:
            raise StartupError("Clinic Desk keeps its embedded database in a file, not in memory.")
        if not create and not path.exists():
            raise StartupError(f"There is no database file {label}; nothing was created.")
        try:
            key = embedded_key(path, label, progress, rebuild_if_key_lost=demo_file)
        except KeyringUnavailable as error:
            raise StartupError(error.message) from None
        except EncryptionError as error:
            raise StartupError(f"Cannot encrypt the database {label}: {error}") from None
        except sqlcipher.DatabaseError as error:
            raise StartupError(_database_problem(label, True, error)) from None
        except OSError as error:
            raise StartupError(f"Cannot use the database file {label}: {error.strerror}.") from None
    else:  # the status bar says how the connection travels (B5)
        label = f"{label} ({transport_label(with_transport(parsed, ca_file))})"
    try:
        engine = create_database_engine(
            parsed,
            password=None if embedded else server_password(url),
            key=key,
            ca_file=ca_file,
        )
    except (ValueError, sa_exc.ArgumentError, ModuleNotFoundError) as error:
        raise StartupError(f"Cannot use the database {label}: {error}") from None
    except OSError as error:
        raise StartupError(f"Cannot create the database file {label}: {error.strerror}.") from None
    try:
        with engine.connect() as connection:
            if embedded:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except (sa_exc.DatabaseError, sqlcipher.DatabaseError, EncryptionError) as error:
        engine.dispose()
        raise StartupError(_database_problem(label, embedded, error)) from None
    return engine, label, embedded


def open_database(
    url: str,
    *,
    create: bool = True,
    progress: Progress | None = None,
    keep: int = DEFAULT_BACKUPS_KEPT,
    demo_file: bool = False,
    ca_file: Path | None = None,
) -> tuple[Engine, str, bool]:
    """Connect and check the schema. An embedded file is backed up and upgraded; a server must
    already be at this release's schema (IT runs `clinicdesk db upgrade`). Raises StartupError."""
    engine, label, embedded = connect(
        url, create=create, progress=progress, demo_file=demo_file, ca_file=ca_file
    )
    try:
        state = migrate.schema_state(engine)
        migrate.refuse_newer(state)
        if embedded and state.status in ("empty", "behind"):
            migrate.upgrade(engine, keep=keep)
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
    except (sa_exc.DatabaseError, sqlcipher.DatabaseError) as error:
        engine.dispose()
        raise StartupError(_database_problem(label, embedded, error)) from None
    return engine, label, embedded


def _database_problem(label: str, embedded: bool, error: Exception) -> str:
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
    if embedded:
        if "not a database" in detail or "malformed" in detail or "corrupt" in detail:
            return (
                f"The file {label} is not a Clinic Desk database, is damaged, or was encrypted "
                f"with another key ({detail}). Restore it from a backup; nothing was changed."
            )
        return f"Cannot open the database file {label}: {detail}."
    if "password" in detail or "authentication" in detail:
        return (
            f"The server {label} refused the sign-in ({detail}). Store the password with: "
            "clinicdesk db set-password --database URL"
        )
    return f"Cannot reach the database server {label}: {detail}."


def build_context(
    config: Config,
    *,
    demo: bool = False,
    clock: Clock | None = None,
    create: bool = True,
    progress: Progress | None = None,
    sign_in_later: bool = False,
) -> AppContext:
    """Open the configured (or demo) database and build the context. Raises StartupError.

    On a PostgreSQL server people sign in with their own login (`AppContext.sign_in`). With
    `sign_in_later` and an address that names no login, nothing connects before then: the
    workstation holds no password that could."""
    url = database_url_for(config, demo=demo)
    ca_file = None if demo else config.ca_file
    server = _server_access(url, ca_file)
    if sign_in_later and server is not None and not make_url(url).username:
        try:
            engine = create_database_engine(server.url, ca_file=ca_file)
        except (ValueError, sa_exc.ArgumentError) as error:
            raise StartupError(f"Cannot use the database {describe_url(url)}: {error}") from None
        embedded = False
    else:
        engine, label, embedded = open_database(
            url,
            create=create,
            progress=progress,
            keep=config.backups_kept,
            demo_file=demo and sqlite_path(make_url(url)) == config.demo_database,
            ca_file=ca_file,
        )
    if server is not None:  # people sign in as themselves: no login name in the label
        label = (
            f"{describe_url(server.url)} ({transport_label(with_transport(server.url, ca_file))})"
        )
    return AppContext(
        config=config,
        engine=engine,
        database_label=label,
        embedded=embedded,
        clock=clock or SystemClock(),
        demo=demo,
        server=server,
    )


def _server_access(url: str, ca_file: Path | None) -> ServerAccess | None:
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        return None  # `open_database` says what is wrong with it
    if parsed.get_backend_name() != "postgresql":
        return None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return ServerAccess(without_login(parsed), ca_file)
