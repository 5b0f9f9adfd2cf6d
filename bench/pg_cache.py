"""A PostgreSQL server whose data is kept between benchmark runs, so a large practice is built once.

The server's folder lives in the system temp folder under `clinicdesk-bench/` and is named by the
benchmark and its scale. The first run initialises it, fills it and marks it ready; later runs
start it again, bring the schema to this release's head and re-apply the boundary (the policies
and functions of the code being measured), then stop it without removing anything. Delete the
folder to build again.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from desktop.db import boundary
from desktop.db.engine import create_database_engine
from desktop.db.migrate import upgrade
from tests.pg_server import SERVER_ACCOUNT, PostgresServer, PostgresUnavailable, find_bindir

#: the one database a kept server holds.
DATABASE = "bench"
_READY = "ready"


class KeptServer(PostgresServer):
    """A server whose folder stays when it stops."""

    def stop(self) -> None:
        if self._running:
            self._running = False
            try:
                self._run("pg_ctl", "stop", "--pgdata", str(self.data_dir), "-m", "fast", "-w")
            except PostgresUnavailable:
                pass


def _account() -> str | None:
    if os.geteuid() != 0:
        return None
    pwd.getpwnam(SERVER_ACCOUNT)
    return SERVER_ACCOUNT


def kept_server(name: str, build: Callable[[KeptServer], None]) -> tuple[KeptServer, float]:
    """The started server `name` with its database `bench` at this release's schema and boundary;
    `build(server)` fills it on first use. Returns the server and the seconds spent building (0
    when it was reused)."""
    root = Path(tempfile.gettempdir()) / "clinicdesk-bench" / name
    bindir = find_bindir()
    account = _account()
    built = 0.0
    if not (root / _READY).exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        server = KeptServer(root, bindir, as_account=account)
        server.init()
        server.start()
        started = time.perf_counter()
        print(f"Building the practice into {root} (kept for later runs) …", flush=True)
        try:
            server.create_database(DATABASE)
            build(server)
        except BaseException:
            server.stop()
            raise
        built = time.perf_counter() - started
        (root / _READY).write_text("built\n")
    else:
        server = KeptServer(root, bindir, as_account=account)
        server.renew_certificate()
        server.start()
    engine = create_database_engine(server.url(DATABASE))
    try:
        upgrade(engine)
        with engine.begin() as connection:
            boundary.refresh(connection)
    finally:
        engine.dispose()
    return server, built
