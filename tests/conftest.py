"""Shared fixtures: an isolated environment, and a fresh migrated database per test on SQLite and PostgreSQL.

Every test that takes ``database_url`` (or ``engine`` / ``uow_factory``) runs twice, once on an
embedded SQLite file and once on a throwaway PostgreSQL server the tests start themselves. Each
run gets its own database, copied from a template migrated once per session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

# Before anything imports Qt or reads the user's folders: no display, no real settings or data.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="clinicdesk-tests-"))
os.environ["CLINICDESK_DATA_DIR"] = str(_SESSION_DIR / "data")
os.environ["CLINICDESK_CONFIG_DIR"] = str(_SESSION_DIR / "config")
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = str(_SESSION_DIR / "xdg" / _name.removeprefix("XDG_").lower())
for _name in ("CLINICDESK_DATABASE_URL", "CLINICDESK_SITE_CONFIG"):
    os.environ.pop(_name, None)

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from sqlalchemy import Engine  # noqa: E402

from desktop.db.engine import create_database_engine, sqlite_url  # noqa: E402
from desktop.db.migrate import upgrade  # noqa: E402
from desktop.db.uow import UnitOfWork  # noqa: E402
from desktop.services.credentials import KEYRING_SERVICE  # noqa: E402
from desktop.services.database_key import DATABASE_KEY_ACCOUNT  # noqa: E402
from tests.pg_server import PostgresServer, PostgresUnavailable, start_server  # noqa: E402
from tests.sqlite_key import TEST_KEY, engine_for, open_file  # noqa: E402

DATABASES = ["sqlite", "postgresql"]

# Speed is measured in bench/, never asserted in tests: Hypothesis's per-example deadline and its
# too-slow health check are timings, which fail on a busy machine without any defect.
settings.register_profile("clinicdesk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("clinicdesk")
PG_TEMPLATE = "clinicdesk_template"
_database_numbers = count(1)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


def in_ci() -> bool:
    """True on a CI machine (env CI set), where a missing PostgreSQL server is a failure."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _postgres_attempt() -> Iterator[PostgresServer | PostgresUnavailable]:
    """Start the server at most once per session; keep the reason if it cannot start."""
    try:
        server: PostgresServer | PostgresUnavailable = start_server()
    except PostgresUnavailable as exc:
        server = exc
    yield server
    if isinstance(server, PostgresServer):
        server.stop()


@pytest.fixture(scope="session")
def postgres_server(_postgres_attempt) -> PostgresServer:
    """The session's throwaway server: `admin_url`, `url(name)`, `create_database()`, `drop_database`.

    When it cannot start, the tests needing it fail on CI (env CI) and are skipped elsewhere.
    """
    if isinstance(_postgres_attempt, PostgresUnavailable):
        message = f"PostgreSQL test server unavailable: {_postgres_attempt}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return _postgres_attempt


@pytest.fixture(scope="session")
def _postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated once, copied for every test (CREATE DATABASE ... TEMPLATE)."""
    url = postgres_server.create_database(PG_TEMPLATE)
    engine = create_database_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()  # a template must have no connections when it is copied
    return PG_TEMPLATE


@pytest.fixture
def fresh_postgres_database(postgres_server: PostgresServer) -> Iterator[Callable[..., str]]:
    """Make empty (or template-copied) databases for this test; they are dropped afterwards."""
    created: list[str] = []

    def make(template: str | None = None) -> str:
        name = f"test_{os.getpid()}_{next(_database_numbers)}"
        url = postgres_server.create_database(name, template=template)
        created.append(name)
        return url.render_as_string(hide_password=False)

    yield make
    for name in created:
        postgres_server.drop_database(name)


# -- SQLite -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file migrated once, encrypted with the test key, copied for every test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite"
    engine = create_database_engine(sqlite_url(path), key=TEST_KEY)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    # Everything into the main file, so copying that one file copies the whole database.
    connection = open_file(path, isolation_level=None)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    return path


def _copy_owner_only(source: Path, target: Path) -> None:
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out)


# -- the fixtures tests use -------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where test databases live: in memory (/dev/shm) when there is room, where a commit's
    fsync costs almost nothing; otherwise the usual temporary folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 1 << 30:
        folder = Path(tempfile.mkdtemp(prefix="clinicdesk-sqlite-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("sqlite-databases")


@pytest.fixture(params=DATABASES, ids=DATABASES)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh database at this release's schema, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        folder = request.getfixturevalue("_sqlite_scratch") / f"test-{next(_database_numbers)}"
        folder.mkdir()
        path = folder / "clinicdesk.sqlite"
        _copy_owner_only(request.getfixturevalue("_sqlite_template"), path)
        yield sqlite_url(path).render_as_string(hide_password=False)
        shutil.rmtree(folder, ignore_errors=True)
        return
    template = request.getfixturevalue("_postgres_template")
    yield request.getfixturevalue("fresh_postgres_database")(template)


@pytest.fixture(params=DATABASES, ids=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh database with no schema at all (for migration tests)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "empty.sqlite").render_as_string(hide_password=False)
    return request.getfixturevalue("fresh_postgres_database")()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on this test's fresh migrated database, disposed afterwards."""
    engine = engine_for(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    """Makes a new unit of work on this test's database at each call."""

    def make() -> UnitOfWork:
        return UnitOfWork(engine)

    return make


# -- Keyring ------------------------------------------------------------------------------------


class MemoryKeyring:
    """A keyring backend that keeps secrets in memory: tests never touch the real one, and
    never fall back to a plaintext file."""

    priority = 1

    def __init__(self) -> None:
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    import keyring
    from keyring.backend import KeyringBackend

    backend_class = type("TestKeyring", (MemoryKeyring, KeyringBackend), {})
    backend = backend_class()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    # The key of the tests' encrypted files, as the app would have made it on first run.
    backend.set_password(KEYRING_SERVICE, DATABASE_KEY_ACCOUNT, TEST_KEY.hex())
    yield backend
    keyring.set_keyring(previous)
