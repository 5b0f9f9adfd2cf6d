"""Engine factory: SQLite with safe pragmas for one workstation, PostgreSQL for a clinic's server."""

from __future__ import annotations

import os
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from .encryption import connect_encrypted, sqlcipher

#: how long a SQLite writer waits for another to finish before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: the page cache of each SQLite connection, in KiB (SQLite's default is 2,000 KiB).
SQLITE_CACHE_KIB = 32 * 1024

#: the key each encrypted embedded engine was opened with (for its backups).
_engine_keys: WeakKeyDictionary[Engine, bytes] = WeakKeyDictionary()


def engine_key(engine: Engine) -> bytes | None:
    """The key an embedded engine's file is encrypted with; None for a server or a plain file."""
    return _engine_keys.get(engine)


def sqlite_url(path: Path) -> URL:
    """The URL of an embedded database file."""
    return URL.create("sqlite+pysqlite", database=str(path))


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for another database."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prepare_sqlite_file(path: Path) -> None:
    """Create the folder and an empty database file readable and writable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)


#: host names that mean this very computer: no network between the app and the server.
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def is_local_server(url: URL) -> bool:
    """True for this computer: a local address or a Unix socket folder."""
    host = url.host or url.query.get("host") or ""
    if isinstance(host, tuple):
        host = host[0] if host else ""
    return host in LOCAL_HOSTS or host.startswith("/")


def with_transport(url: URL, ca_file: Path | str | None = None) -> URL:
    """A server on another machine is reached over TLS with its certificate verified against
    the CA file IT names (``sslmode=verify-full``). An ``sslmode`` written in the address is
    IT's explicit choice and is kept: that is the documented way to opt out."""
    if url.get_backend_name() != "postgresql" or is_local_server(url) or "sslmode" in url.query:
        return url
    query = {"sslmode": "verify-full"}
    if ca_file:
        query["sslrootcert"] = str(ca_file)
    return url.update_query_dict(query)


def transport_label(url: str | URL) -> str:
    """How the connection travels, in words for the status bar."""
    url = make_url(url)
    if url.get_backend_name() != "postgresql":
        return "file on this computer"
    if is_local_server(url):
        return "server on this computer"
    mode = url.query.get("sslmode", "prefer")
    if mode == "verify-full":
        return "encrypted, server verified"
    if mode in ("require", "verify-ca"):
        return "encrypted, server name not verified"
    return "NOT ENCRYPTED"


#: a connection's execution option: its statements run without a transaction around them.
READ_WITHOUT_TRANSACTION = "clinicdesk_read_without_transaction"


def create_database_engine(
    url: str | URL,
    *,
    password: str | None = None,
    key: bytes | None = None,
    ca_file: Path | str | None = None,
) -> Engine:
    """An engine for `url`; a SQLite file is created owner-only if it does not exist yet.

    An embedded file is encrypted with `key` (256 bits, SQLCipher); without a key it is opened
    unencrypted, which only the conversion of a file from an earlier release and tests do. A
    server on another machine is reached with its certificate verified (`with_transport`)."""
    url = make_url(url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, key)
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        if password is not None and url.password is None:
            url = url.set(password=password)
        url = with_transport(url, ca_file)
        return create_engine(
            url,
            hide_parameters=True,  # client data never lands in a log or an error message
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10, "application_name": "Clinic Desk"},
        )
    raise ValueError(
        f"Clinic Desk works with SQLite files and PostgreSQL servers, not '{backend}'."
    )


def _sqlite_engine(url: URL, key: bytes | None) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        prepare_sqlite_file(path)
    target = str(path) if path is not None else ":memory:"

    def open_connection() -> sqlcipher.Connection:
        # The key is given before anything is read: without it the file is random bytes.
        return connect_encrypted(
            target, key, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    # Connections are kept between units of work: opening one costs the pragmas below and a
    # reading of the whole schema, some milliseconds that every page of a list would pay. A
    # connection is used by one thread at a time (the pool hands it out), so any thread may.
    engine = create_engine(
        url.set(drivername="sqlite+pysqlite"),
        module=sqlcipher,
        creator=open_connection,
        hide_parameters=True,  # client data never lands in a log or an error message
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=6,
    )

    if key is not None:
        _engine_keys[engine] = key

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlcipher.Connection, _record) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start (BEGIN IMMEDIATE below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Sorts and temporary tables stay in memory: a temporary file would not be encrypted.
        cursor.execute("PRAGMA temp_store = MEMORY")
        # A pooled connection keeps its page cache between units of work (until another
        # connection writes): lists and counts over 200,000 clients then read memory, not disk.
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A read in one statement (UnitOfWork.reading) needs no transaction: SQLite gives the
        # statement one consistent state by itself, and takes no write lock for it.
        if connection.get_execution_options().get(READ_WITHOUT_TRANSACTION):
            return
        # Take the write lock at the start, so two workstations never interleave a read-then-write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
