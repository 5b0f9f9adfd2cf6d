"""A throwaway PostgreSQL server for the tests: initdb in a temp folder, stopped at the end.

Its superuser connects without a password; every other login needs its SCRAM-SHA-256 password
and TLS (hostssl), as on a practice's server. The server's certificate is made out to
`tls_certs.SERVER_NAME` by a throwaway CA (`ca_file`), so a workstation can reach it by that
name with `sslmode=verify-full` while it listens on 127.0.0.1.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

from tests.tls_certs import SERVER_NAME, ServerCertificate, make_server_certificate

#: the superuser initdb creates (trust authentication, no password).
SUPERUSER = "postgres"
#: the OS account that runs the server when the tests run as root (PostgreSQL refuses root).
SERVER_ACCOUNT = "postgres"
START_TIMEOUT_S = 30
#: settings for speed: the data is thrown away, so durability does not matter. The WAL is kept
#: small because it may live in memory (see `_base_dir`).
FAST_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "max_wal_size=128MB",
    "min_wal_size=32MB",
)
#: a folder for the server's files, instead of the system temp folder (environment variable).
BASE_DIR_VARIABLE = "CLINICDESK_TEST_PG_DIR"


class PostgresUnavailable(Exception):
    """The server could not be started; the message says why and ends with the server log's tail."""


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: `pg_config --bindir`, else /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
            candidates.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    versioned = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(p) for p in versioned), key=_major_version, reverse=True)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found via `pg_config --bindir` "
        "or in /usr/lib/postgresql/*/bin; install the postgresql package (scripts/setup.sh)"
    )


def _major_version(bindir: Path) -> int:
    try:
        return int(bindir.parent.name)
    except ValueError:
        return 0


def _base_dir() -> str | None:
    """Where to put the server: a memory file system when there is one with room, else /tmp.

    Every test creates a database of a few hundred files; on a virtual machine's disk that costs
    about 0.3 s a test, in memory about a tenth of it.
    """
    override = os.environ.get(BASE_DIR_VARIABLE)
    if override:
        return override
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 1 << 30:
            return str(shm)
    except OSError:
        pass
    return None  # the system temp folder


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty server log)"


class PostgresServer:
    """A running server on 127.0.0.1:`port`, its data, socket and log under `root`."""

    def __init__(self, root: Path, bindir: Path, *, as_account: str | None) -> None:
        self.root = root
        self.bindir = bindir
        self.data_dir = root / "data"
        self.socket_dir = root / "socket"
        self.log_file = root / "server.log"
        self.host = "127.0.0.1"
        self.port = 0
        self._as_account = as_account
        self._running = False
        self._numbers = itertools.count(1)
        self.certificate: ServerCertificate | None = None
        #: the name the server's certificate is made out to (reach it at `host` by this name).
        self.tls_name = SERVER_NAME

    @property
    def ca_file(self) -> Path:
        """The CA that signed the server's certificate, as IT names it in the site configuration."""
        assert self.certificate is not None
        return self.certificate.ca_file

    # -- life cycle -------------------------------------------------------------------------

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bindir / program), *args]
        if self._as_account:
            command = ["runuser", "-u", self._as_account, "--", *command]
        return command

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        try:
            result = subprocess.run(
                self._command(program, *args),
                cwd=self.root,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise PostgresUnavailable(f"{program} could not run: {exc}") from exc
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{program} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}\n"
                f"--- server log ({self.log_file}) ---\n{_tail(self.log_file)}"
            )

    def init(self) -> None:
        self.socket_dir.mkdir()
        if self._as_account:
            account = pwd.getpwnam(self._as_account)
            for path in (self.root, self.socket_dir):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._run(
            "initdb",
            "--pgdata", str(self.data_dir),
            "--username", SUPERUSER,
            "--auth", "trust",
            "--encoding", "UTF8",
            "--no-locale",
            "--no-sync",
        )  # fmt: skip
        self.renew_certificate()

    def renew_certificate(self) -> None:
        """A new throwaway CA and server certificate (valid a day), and the sign-in rules of
        `pg_hba.conf`: at initialisation, and before a kept server's data starts again."""
        self.certificate = make_server_certificate(self.root, self.data_dir)
        if self._as_account:
            account = pwd.getpwnam(self._as_account)
            for path in (self.certificate.cert_file, self.certificate.key_file):
                os.chown(path, account.pw_uid, account.pw_gid)
        self._require_passwords()

    def _require_passwords(self) -> None:
        """Staff logins and the gate authenticate with SCRAM-SHA-256 over TLS only (hostssl), as
        on a practice's server; only the tests' own superuser keeps trust, with or without TLS
        (it stands for IT's login)."""
        hba = self.data_dir / "pg_hba.conf"
        hba.write_text(
            f"local all all trust\n"
            f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
            f"hostssl all all 127.0.0.1/32 scram-sha-256\n"
        )
        if self._as_account:
            account = pwd.getpwnam(self._as_account)
            os.chown(hba, account.pw_uid, account.pw_gid)

    def start(self, attempts: int = 3) -> None:
        for attempt in range(1, attempts + 1):
            self.port = _free_port()
            options = [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-k {self.socket_dir}",
                "-c ssl=on",
                "-c ssl_cert_file=server.crt",
                "-c ssl_key_file=server.key",
                *(f"-c {setting}" for setting in FAST_SETTINGS),
            ]
            try:
                self._run(
                    "pg_ctl",
                    "start",
                    "--pgdata", str(self.data_dir),
                    "--log", str(self.log_file),
                    "--wait",
                    "--timeout", str(START_TIMEOUT_S),
                    "-o", " ".join(options),
                    timeout=START_TIMEOUT_S + 10,
                )  # fmt: skip
            except PostgresUnavailable as exc:
                # Another process may have taken the port between our probe and the server's bind.
                if attempt < attempts and "already in use" in str(exc):
                    continue
                raise
            self._running = True
            return

    def stop(self) -> None:
        """Stop the server at once (the data is thrown away) and remove its folder."""
        if self._running or (self.data_dir / "postmaster.pid").exists():
            self._running = False
            try:
                self._run("pg_ctl", "stop", "--pgdata", str(self.data_dir), "-m", "immediate", "-w")
            except PostgresUnavailable:
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases --------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> URL:
        """The SQLAlchemy URL (psycopg 3) of `database` on this server, as the superuser."""
        return URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            host=self.host,
            port=self.port,
            database=database,
        )

    @property
    def admin_url(self) -> URL:
        return self.url("postgres")

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host, port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self, name: str | None = None, *, template: str | None = None) -> URL:
        """Create database `name` (a new unique name by default), empty or a copy of `template`.

        It lives until `drop_database` or the end of the session; returns its URL.
        """
        if name is None:
            name = f"db_{os.getpid()}_{next(self._numbers)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self._admin() as connection:
            connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop `name`, disconnecting whoever still uses it."""
        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def start_server() -> PostgresServer:
    """Initialise and start a throwaway server; raises PostgresUnavailable with the reason."""
    bindir = find_bindir()
    as_account = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root, but `runuser` is not available")
        try:
            pwd.getpwnam(SERVER_ACCOUNT)
        except KeyError as exc:
            raise PostgresUnavailable(
                f"running as root, but there is no '{SERVER_ACCOUNT}' account to run the server"
            ) from exc
        as_account = SERVER_ACCOUNT
    # Not in pytest's temp folders: those are closed to other users (the server's account).
    try:
        root = Path(tempfile.mkdtemp(prefix="clinicdesk-pg-", dir=_base_dir()))
    except OSError as exc:
        raise PostgresUnavailable(f"no folder for the server's files: {exc}") from exc
    server = PostgresServer(root, bindir, as_account=as_account)
    atexit.register(server.stop)
    try:
        server.init()
        server.start()
    except BaseException:
        server.stop()
        raise
    return server
