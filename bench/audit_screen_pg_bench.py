"""The Audit screen's first page filtered by a client on PostgreSQL, over 1,000,000 entries.

Run:  .venv/bin/python -m bench.audit_screen_pg_bench [--entries 1000000] [--runs 15] [--as-person]

A kept server (bench/pg_cache.py, folder `audit-screen-<entries>`) holds a migrated database
into which the SQLite benchmark's cached practice with its `--entries` audit entries was
copied once (COPY; the trail's secondary indexes made after; about 130 s), with a login of
the Owner's own; later runs reuse it. The Owner's Audit screen, at 1366x768, reads from the
server; each run types a client's full name in the Client filter (shown, untimed) and the time
is taken from Enter until the first page (50 entries, in plain words) is painted. Baselines, in
the same run and for the same clients: the plain indexed SELECT of the same page with the
driver alone (psycopg, as the superuser), and that SELECT shown by Qt's QSqlQueryModel (its
PostgreSQL driver) painted in a table set up as the screen's, as in audit_screen_bench.py. The
targets: the first page within 150 ms and 1.5x the painted plain SELECT.

By default the screen connects as the server's superuser, so row-level security is not in the
figure; with `--as-person` it connects as the Owner's own login, as the signed-in app does: the
trail's policies apply and each unit of work first reads the person's standing (R19). Only
prints.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.audit_screen_bench import (  # noqa: E402
    CLIENTS,
    PAGE,
    compare,
    like_the_screen,
    painted,
    trail_file,
)
from bench.client_list_bench import NOW, OWNER_ID, TIME_ZONE, Timing  # noqa: E402

#: copied in this order (each table's references before it).
TABLES = (
    "practice",
    "staff",
    "staff_roles",
    "provider_profiles",
    "clients",
    "client_name_words",
    "client_provider_links",
    "audit_events",
)


def copy_practice(source: Path, server, database: str) -> None:
    """COPY every row of TABLES from the SQLite file into the migrated `database`."""
    import psycopg

    lite = sqlite3.connect(source)
    with psycopg.connect(
        host=server.host, port=server.port, user="postgres", dbname=database, autocommit=True
    ) as pg:
        pg.execute("SET session_replication_role = replica")  # no foreign-key checks per row
        # the trail's secondary indexes are made once after the COPY, not row by row
        indexes = pg.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_events'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ).fetchall()
        for name, _definition in indexes:
            pg.execute(f'DROP INDEX "{name}"')
        for table in TABLES:
            ours = {
                row[0]
                for row in pg.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    (table,),
                )
            }
            kinds = {row[1]: row[2].upper() for row in lite.execute(f"PRAGMA table_info({table})")}
            columns = [name for name in kinds if name in ours]
            started = time.perf_counter()
            count = 0
            with pg.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                    copy.write_row(_for_postgres(row, columns, kinds))
                    count += 1
            print(
                f"  {table}: {count:,} rows copied in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        started = time.perf_counter()
        for _name, definition in indexes:
            pg.execute(definition)
        print(
            f"  {len(indexes)} indexes of the trail made in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        for table in ("staff", "clients", "client_provider_links"):
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        last = pg.execute(
            "SELECT max(seq), (array_agg(hash ORDER BY seq DESC))[1] FROM audit_events"
        )
        pg.execute("UPDATE audit_head SET last_seq = %s, last_hash = %s", last.fetchone())
        pg.execute("ANALYZE")
    lite.close()


def _for_postgres(row: tuple, columns: list[str], kinds: dict[str, str]) -> tuple:
    """SQLite's values as PostgreSQL reads them: stored UTC times marked UTC, flags as booleans."""
    values = []
    for name, value in zip(columns, row, strict=True):
        kind = kinds[name]
        if value is not None and kind.startswith("BOOL"):
            value = bool(value)
        elif value is not None and kind.startswith("DATETIME"):
            value = f"{value}+00"
        values.append(value)
    return tuple(values)


#: the password of the Owner's own login on the kept server (`--as-person`).
PASSWORD = "bench-password-1"
OWNER_EMAIL = "owner@bench.example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--as-person",
        action="store_true",
        help="the screen reads as the Owner's own login (row-level security on) and checks "
        "their standing at every unit of work, as the signed-in app does",
    )
    args = parser.parse_args()

    import argon2
    import psycopg
    from PySide6.QtSql import QSqlDatabase, QSqlQuery, QSqlQueryModel
    from PySide6.QtWidgets import QTableView
    from sqlalchemy.engine import make_url

    from bench.pg_cache import DATABASE, kept_server
    from desktop.app import AppContext
    from desktop.clock import FixedClock
    from desktop.config import Config
    from desktop.db.boundary import login_name
    from desktop.db.engine import create_database_engine
    from desktop.db.migrate import upgrade
    from desktop.services.passwords import Passwords
    from desktop.services.principal import Principal, Role
    from desktop.services.server_logins import scram_verifier
    from desktop.views.audit_screen import AuditScreen
    from desktop.views.style import ensure_application

    source = trail_file(args.entries)

    def build(server) -> None:
        engine = create_database_engine(server.url(DATABASE))
        upgrade(engine)
        engine.dispose()
        print(f"Copying {source.name} into PostgreSQL …", flush=True)
        copy_practice(source, server, DATABASE)
        with psycopg.connect(
            host=server.host, port=server.port, user="postgres", dbname=DATABASE, autocommit=True
        ) as admin:
            admin.execute("SELECT app.create_login(%s, %s)", (OWNER_ID, scram_verifier(PASSWORD)))

    server, built = kept_server(f"audit-screen-{args.entries}", build)
    if built:
        print(f"  built in {built:.1f} s", flush=True)
    try:
        url = server.url(DATABASE)
        if args.as_person:
            url = make_url(url).set(username=login_name(DATABASE, OWNER_EMAIL), password=PASSWORD)
        engine = create_database_engine(url)

        app = ensure_application()
        folder = Path(tempfile.mkdtemp(prefix="clinicdesk-audit-pg-bench-"))
        owner = Principal(OWNER_ID, OWNER_EMAIL, "Owner", frozenset({Role.OWNER}), "bench")
        ctx = AppContext(
            config=Config(data_dir=folder, database_url=None, time_zone=TIME_ZONE, source="bench"),
            engine=engine,
            database_label="bench",
            embedded=False,
            clock=FixedClock(NOW),
            passwords=Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
            workstation="bench",
            principal=owner if args.as_person else None,
        )
        raw = psycopg.connect(
            host=server.host, port=server.port, user="postgres", dbname=DATABASE, autocommit=True
        )
        rng = random.Random(5)
        names = {}
        for client_id in rng.sample(range(1, CLIENTS + 1), args.runs + 3):
            first, last = raw.execute(
                "SELECT first_name, last_name FROM clients WHERE id = %s", (client_id,)
            ).fetchone()
            names[client_id] = f"{first} {last}"
        screen = AuditScreen(ctx, owner, TIME_ZONE)
        screen.resize(1366, 768)
        screen.show()
        app.processEvents()
        sql = (
            "SELECT e.occurred_at, e.actor_label, e.action, e.details,"
            " c.first_name || ' ' || c.last_name, e.workstation"
            " FROM audit_events e LEFT JOIN clients c ON c.id = e.client_id"
            " WHERE e.client_id = %s ORDER BY e.seq DESC LIMIT 51"
        )

        def ours(name: str, timing: Timing) -> int:
            screen.filters.client.setText(name)  # typed, and shown, before Enter
            app.processEvents()
            timing.start()
            screen.filters.client.editingFinished.emit()  # Enter
            painted(screen.table)
            timing.stop()
            return screen.model.rowCount()

        def plain_select(client_id: int, timing: Timing) -> int:
            timing.start()
            rows = raw.execute(sql, (client_id,)).fetchall()
            timing.stop()
            return min(len(rows), PAGE)

        # the same SELECT shown by Qt's own model through its PostgreSQL driver, in a table set
        # up as the screen's (as the SQLite benchmark's painted baseline)
        qt_db = QSqlDatabase.addDatabase("QPSQL", "audit-pg-bench")
        qt_db.setHostName(server.host)
        qt_db.setPort(server.port)
        qt_db.setUserName("postgres")
        qt_db.setDatabaseName(DATABASE)
        if not qt_db.open():
            raise RuntimeError(qt_db.lastError().text())
        plain_model = QSqlQueryModel()
        plain_view = QTableView()
        plain_view.setModel(plain_model)
        like_the_screen(plain_view, screen.table)
        plain_view.show()
        qt_sql = sql.replace("%s", "?")

        def plain_painted(client_id: int, timing: Timing) -> int:
            timing.start()
            query = QSqlQuery(qt_db)
            query.prepare(qt_sql)
            query.addBindValue(client_id)
            query.exec()
            plain_model.setQuery(query)
            painted(plain_view)
            timing.stop()
            return plain_model.rowCount()

        who = "the Owner's own login (RLS on)" if args.as_person else "the superuser"
        print(
            f"Audit screen on PostgreSQL as {who}: first page filtered by a client over "
            f"{args.entries:,} entries (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        compare(
            names, ours, plain_select, plain_painted, "Audit screen on PostgreSQL, painted",
            "psycopg",
        )  # fmt: skip
        plain_view.setModel(None)
        plain_model.clear()
        qt_db.close()
        qt_db = None
        QSqlDatabase.removeDatabase("audit-pg-bench")
        screen.close()
        raw.close()
        ctx.close()
        shutil.rmtree(folder, ignore_errors=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
