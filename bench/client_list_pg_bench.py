"""The client list's first page on PostgreSQL, in every order, against a plain SELECT of that page.

Run:  .venv/bin/python -m bench.client_list_pg_bench [--clients 200000] [--providers 500]

A PostgreSQL server kept between runs (bench/pg_cache.py) holds `--clients` clients, each
linked to one of `--providers` providers, a quarter of them with an upcoming appointment and
half with a past one. The Clients screen's service (`client_list.list_clients`, 50 rows with
their details, without the count: it follows in `count_clients`) gives the first page of All
Clients (the Owner) and My Clients (provider 1) in each order, ascending and descending, and a
page in the middle of the list (by its offset, and from just past the client in the row above,
as scrolling on reads it), signed in as the person (their own login: row-level security on).
Each case also with the count read first, as before.

The baseline, in the same run and for the same page: a plain SELECT written by hand and run as
the schema owner's superuser on the driver alone, giving the columns the screen shows (name,
birth date, next appointment, the providers with the client's status), ordered by the same
keys with LIMIT 50, each order read from its own index. Best of five each; the load beside
each figure; the ratio (slowest first page over its own baseline, target <= 3x) comes last.
Only prints.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from functools import partial

import psycopg
from sqlalchemy.engine import make_url

from bench.client_sorts_bench import best, jumps
from bench.pg_cache import DATABASE, KeptServer, kept_server
from desktop.clock import FixedClock
from desktop.db.boundary import login_name
from desktop.db.engine import create_database_engine
from desktop.db.migrate import upgrade
from desktop.db.uow import UnitOfWork
from desktop.services import client_list
from desktop.services.principal import Principal, Role
from desktop.services.server_logins import scram_verifier

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
#: each figure is the best of this many runs.
RUNS = 5
PASSWORD = "bench-password-1"
OWNER = "owner@bench.test"
PROVIDER = "p1@bench.test"


def fill(admin: psycopg.Connection, clients: int, providers: int) -> None:
    p, c = int(providers), int(clients)
    for statement in (
        "INSERT INTO practice VALUES (1, 'Bench', 'UTC', now(), 1)",
        "INSERT INTO staff (email, display_name, password_hash, active, failed_sign_ins,"
        " created_at, version) SELECT 'p' || i || '@bench.test', 'P ' || i, 'x', true, 0,"
        f" now(), 1 FROM generate_series(1, {p}) i",
        "INSERT INTO staff (email, display_name, password_hash, active, failed_sign_ins,"
        " created_at, version) VALUES ('owner@bench.test', 'Owner', 'x', true, 0, now(), 1)",
        "INSERT INTO staff_roles SELECT id, 'provider' FROM staff WHERE email LIKE 'p%'",
        "INSERT INTO staff_roles SELECT id, 'owner' FROM staff WHERE email LIKE 'owner%'",
        "INSERT INTO provider_profiles SELECT id, 'group', NULL, NULL, 1 FROM staff"
        " WHERE email LIKE 'p%'",
        "INSERT INTO clients (first_name, last_name, sort_name, date_of_birth, created_at,"
        " updated_at, version) SELECT 'F' || i, 'L' || md5(i::text),"
        " lower('L' || md5(i::text) || ' F' || i),"
        " CASE WHEN i % 10 = 3 THEN NULL ELSE date '1940-01-01' + (i % 25000) END,"
        f" now(), now(), 1 FROM generate_series(1, {c}) i",
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating,"
        f" created_at, version) SELECT c.id, 1 + (c.id % {p}), 'active', false, now(), 1"
        " FROM clients c",
        # a quarter with an upcoming appointment, half with one in the past
        "INSERT INTO appointments (provider_id, client_id, starts_at, ends_at, appointment_type,"
        " pos_code, status, attendance, created_by, created_at, version)"
        f" SELECT 1 + (c.id % {p}), c.id, t, t + interval '50 minutes', 'Session', '11',"
        " 'booked', 'scheduled', 1, now(), 1 FROM clients c,"
        " LATERAL (SELECT timestamptz '2026-03-02 09:00+00'"
        f" + (c.id / {p}) * interval '1 hour' * CASE WHEN c.id % 4 = 0 THEN 1"
        " ELSE -1 END AS t) s WHERE c.id % 4 = 0 OR c.id % 2 = 1",
        "VACUUM ANALYZE",
    ):
        admin.execute(statement)


#: what a line of the list shows, as one would write it by hand.
_COLUMNS = """c.id, c.last_name || ', ' || c.first_name AS name, c.date_of_birth,
  (SELECT min(a.starts_at) FROM appointments a WHERE a.client_id = c.id
      AND a.status = 'booked' AND a.starts_at >= %(now)s) AS next_appointment,
  (SELECT string_agg(s.display_name || ' (' || l.status || ')', ', ' ORDER BY s.display_name)
     FROM client_provider_links l JOIN staff s ON s.id = l.provider_id
    WHERE l.client_id = c.id AND l.ended_at IS NULL) AS providers"""
_MINE = (
    " JOIN client_provider_links m ON m.client_id = c.id"
    " AND m.provider_id = %(me)s AND m.ended_at IS NULL"
)
#: each client at their first upcoming appointment, read in time order (a GROUP BY of every
#: upcoming appointment would cost the baseline hundreds of milliseconds).
_NEXT = (
    " JOIN appointments n ON n.client_id = c.id AND n.status = 'booked'"
    " AND n.starts_at >= %(now)s AND NOT EXISTS (SELECT 1 FROM appointments e"
    " WHERE e.client_id = n.client_id AND e.status = 'booked' AND e.starts_at >= %(now)s"
    " AND (e.starts_at, e.id) < (n.starts_at, n.id))"
)


def plain_sql(scope: str, sort: str, descending: bool) -> str:
    """The page by hand: the same columns and keys; for birth date and next appointment the
    clients that have one (the first page holds only those: no client of provider 1 lacks a
    birth date, a quarter have an appointment)."""
    way = " DESC" if descending else ""
    names = f"c.sort_name{way}, c.id{way}"
    source = "clients c" + (_MINE if scope == "mine" else "")
    where = ""
    if sort == "name":
        order = names
    elif sort == "date_of_birth":
        where, order = " WHERE c.date_of_birth IS NOT NULL", f"c.date_of_birth{way}, {names}"
    else:
        source += _NEXT
        order = f"n.starts_at{way}, {names}"
    return f"SELECT {_COLUMNS} FROM {source}{where} ORDER BY {order} LIMIT 50"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--providers", type=int, default=500)
    args = parser.parse_args()

    def build(server: KeptServer) -> None:
        engine = create_database_engine(server.url(DATABASE))
        upgrade(engine)
        engine.dispose()
        with _superuser(server) as admin:
            fill(admin, args.clients, args.providers)
            for email in (OWNER, PROVIDER):
                (staff_id,) = admin.execute(
                    "SELECT id FROM staff WHERE email = %s", (email,)
                ).fetchone()
                admin.execute(
                    "SELECT app.create_login(%s, %s)", (staff_id, scram_verifier(PASSWORD))
                )

    server, _ = kept_server(f"client-list-{args.clients}-{args.providers}-v2", build)
    try:
        _measure(server, args)
    finally:
        server.stop()


def _superuser(server: KeptServer) -> psycopg.Connection:
    return psycopg.connect(
        host=server.host, port=server.port, user="postgres", dbname=DATABASE, autocommit=True
    )


def _fetch(connection: psycopg.Connection, statement: str, values: dict) -> None:
    connection.execute(statement, values).fetchall()


def _load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def _measure(server: KeptServer, args: argparse.Namespace) -> None:
    url = server.url(DATABASE)
    admin = _superuser(server)
    ids = dict(
        admin.execute("SELECT email, id FROM staff WHERE email IN (%s, %s)", (OWNER, PROVIDER))
    )
    people = {
        "all": Principal(ids[OWNER], OWNER, "Owner", frozenset({Role.OWNER}), DATABASE),
        "mine": Principal(ids[PROVIDER], PROVIDER, "P 1", frozenset({Role.PROVIDER}), DATABASE),
    }
    engines = {
        scope: create_database_engine(
            make_url(url).set(username=login_name(DATABASE, p.email), password=PASSWORD)
        )
        for scope, p in people.items()
    }
    sizes = {
        scope: client_list.count_clients(
            UnitOfWork(engines[scope], FixedClock(NOW)), p, scope=scope
        )
        for scope, p in people.items()
    }
    print(
        f"Client list first page on PostgreSQL, {args.clients:,} clients, "
        f"{args.providers} providers, as the person ({_load()})"
    )
    ratios, middles, seeks, counted, jumped = [], [], [], [], []
    for scope, principal in people.items():
        engine = engines[scope]

        def page(
            sort, descending, offset=0, count=False, after=None, p=principal, s=scope, e=engine
        ):
            client_list.list_clients(
                UnitOfWork(e, FixedClock(NOW)), p, scope=s, sort=sort, descending=descending,
                offset=offset, limit=50, count=count, after=after,
            )  # fmt: skip

        for sort in client_list.SORTS:
            for descending in (False, True):
                statement = plain_sql(scope, sort, descending)
                values = {"now": NOW, "me": principal.staff_id}
                run = partial(page, sort, descending)
                by_hand = partial(_fetch, admin, statement, values)
                run()  # warm: statements compiled, plans cached
                by_hand()
                # taking turns, so the machine's load hits both alike
                app, plain = [], []
                for _ in range(RUNS):
                    app.append(best(run, 1))
                    plain.append(best(by_hand, 1))
                first, baseline = min(app), min(plain)
                middle = best(partial(run, offset=sizes[scope] // 2), RUNS)
                row = sizes[scope] // 2
                above = client_list.list_clients(
                    UnitOfWork(engine, FixedClock(NOW)), principal, scope=scope, sort=sort,
                    descending=descending, offset=row - 1, limit=1, count=False,
                ).ids[0]  # fmt: skip
                sought = best(partial(run, offset=row, after=above), RUNS)
                with_count = best(partial(run, count=True), RUNS)
                walk, step, jump = jumps(
                    partial(UnitOfWork, engine, FixedClock(NOW)), principal, scope, sort,
                    descending, count_later=True,
                )  # fmt: skip
                jumped.append(jump)
                ratios.append(
                    (first / baseline, f"{scope} {sort} {'desc' if descending else 'asc'}")
                )
                middles.append(middle)
                seeks.append(sought)
                counted.append(with_count)
                print(
                    f"  {scope:4} {sort:16} {'descending' if descending else 'ascending ':10}"
                    f" first page {first * 1000:6.1f} ms, plain SELECT {baseline * 1000:5.2f} ms"
                    f" ({first / baseline:4.1f}x) · row {row:,} {middle * 1000:6.1f} ms by offset,"
                    f" {sought * 1000:5.1f} ms from the row above, jump {jump * 1000:5.1f} ms"
                    f" from a mark (walk {walk * 1000:.0f} ms, steps <= {step * 1000:.0f} ms)"
                    f" · with the count first {with_count * 1000:6.1f} ms · {_load()}",
                    flush=True,
                )
    for scope, principal in people.items():
        engine = engines[scope]
        took = best(
            lambda p=principal, s=scope, e=engine: client_list.count_clients(
                UnitOfWork(e, FixedClock(NOW)), p, scope=s
            ),
            RUNS,
        )
        print(f"  count that follows ({scope}): {took * 1000:.1f} ms · {_load()}")
    worst, case = max(ratios)
    print(
        f"Slowest page in the middle {max(middles) * 1000:.1f} ms by offset, "
        f"{max(seeks) * 1000:.1f} ms from the row above, slowest jump {max(jumped) * 1000:.1f} "
        f"ms from a mark (target 100 ms); slowest first "
        f"page with the count first {max(counted) * 1000:.1f} ms"
    )
    print(
        f"Ratio first page / plain SELECT of the same page, worst: {worst:.1f}x ({case}; {_load()})"
    )
    for engine in engines.values():
        engine.dispose()
    admin.close()


if __name__ == "__main__":
    main()
