"""The client list's first page on PostgreSQL, without and with the full count, in every order.

Run:  .venv/bin/python -m bench.client_list_pg_bench [--clients 200000] [--providers 500]

Starts a throwaway PostgreSQL server (the tests' helper), fills it with `--clients` clients,
each linked to one of `--providers` providers, and asks the service the Clients screen calls
(`client_list.list_clients`, 50 rows with their details) for the first page of All Clients
(the Owner) and My Clients (a provider) in each order, ascending and descending: once as the
screen now asks on PostgreSQL (`count=False`, the count follows in `count_clients`) and once
with the count read first, as before. Best of five each. The baseline, measured in the same
run, is a plain `SELECT id FROM clients ORDER BY sort_name, id LIMIT 50`; the ratio (slowest
first page without the count over the baseline, target <= 3x) comes last. Only prints.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime

import psycopg
from sqlalchemy import text

from bench.client_sorts_bench import best
from desktop.clock import FixedClock
from desktop.db.engine import create_database_engine
from desktop.db.migrate import upgrade
from desktop.db.uow import UnitOfWork
from desktop.services import client_list
from desktop.services.principal import Principal, Role
from tests.pg_server import start_server

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
#: each figure is the best of this many runs.
RUNS = 5


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
        " CASE WHEN i % 10 = 0 THEN NULL ELSE date '1940-01-01' + (i % 25000) END,"
        f" now(), now(), 1 FROM generate_series(1, {c}) i",
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating,"
        f" created_at, version) SELECT c.id, 1 + (c.id % {p}), 'active', false, now(), 1"
        " FROM clients c",
        "ANALYZE",
    ):
        admin.execute(statement)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--providers", type=int, default=500)
    args = parser.parse_args()
    server = start_server()
    try:
        url = server.create_database("bench")
        engine = create_database_engine(url)
        upgrade(engine)
        with psycopg.connect(
            host=server.host, port=server.port, user="postgres", dbname="bench", autocommit=True
        ) as admin:
            fill(admin, args.clients, args.providers)
            owner_id = admin.execute("SELECT id FROM staff WHERE email LIKE 'owner%'").fetchone()[0]
        people = {
            "all": Principal(owner_id, "o", "Owner", frozenset({Role.OWNER}), "bench"),
            "mine": Principal(1, "p", "Provider", frozenset({Role.PROVIDER}), "bench"),
        }

        def uow() -> UnitOfWork:
            return UnitOfWork(engine, FixedClock(NOW))

        def plain() -> None:
            with engine.connect() as db:
                db.execute(text("SELECT id FROM clients ORDER BY sort_name, id LIMIT 50")).all()

        print(
            f"Client list first page on PostgreSQL, {args.clients:,} clients, "
            f"{args.providers} providers (load {os.getloadavg()[0]:.2f})"
        )
        baseline = best(plain, RUNS)
        quick, counted = [], []
        for scope, principal in people.items():
            for sort in client_list.SORTS:
                for descending in (False, True):
                    figures = []
                    for count in (False, True):

                        def page(count=count, p=principal, s=scope, o=sort, d=descending):
                            client_list.list_clients(
                                uow(), p, scope=s, sort=o, descending=d, limit=50, count=count
                            )

                        figures.append(best(page, RUNS))
                    quick.append(figures[0])
                    counted.append(figures[1])
                    print(
                        f"  {scope:4} {sort:16} {'descending' if descending else 'ascending ':10}"
                        f" first page {figures[0] * 1000:6.1f} ms · with the count first "
                        f"{figures[1] * 1000:6.1f} ms · load {os.getloadavg()[0]:.2f}",
                        flush=True,
                    )
        for scope, principal in people.items():
            took = best(
                lambda p=principal, s=scope: client_list.count_clients(uow(), p, scope=s), RUNS
            )
            print(f"  count that follows ({scope}): {took * 1000:.1f} ms")
        print(
            f"Slowest first page {max(quick) * 1000:.1f} ms (with the count first "
            f"{max(counted) * 1000:.1f} ms); plain SELECT ... LIMIT 50 {baseline * 1000:.2f} ms"
        )
        print(
            f"Ratio slowest first page / plain SELECT: {max(quick) / baseline:.1f}x "
            f"(with the count first {max(counted) / baseline:.1f}x; load "
            f"{os.getloadavg()[0]:.2f})"
        )
        engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
