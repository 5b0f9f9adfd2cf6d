"""Row-level security's cost on PostgreSQL (SPEC B5): each query as the person (RLS on) and, in
the same run, as the schema owner's side (superuser, RLS off) with the same filters written
in the query. Prints the figures, then the ratios last.

    python -m bench.rls_bench [--clients 200000 --providers 500 --notes 2000000]

Defaults are a reduced scale (20,000 clients, 50 providers, 200,000 notes).
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg

from desktop.db.boundary import login_name
from desktop.db.engine import create_database_engine
from desktop.db.migrate import upgrade
from desktop.services.server_logins import scram_verifier
from tests.pg_server import start_server

PAGE = 50


def _fill(admin: psycopg.Connection, clients: int, providers: int, notes: int) -> None:
    p, c, n = int(providers), int(clients), int(notes)
    for statement in (
        "INSERT INTO practice VALUES (1, 'Bench', 'UTC', now(), 1)",
        "INSERT INTO staff (email, display_name, password_hash, active, failed_sign_ins,"
        " created_at, version) SELECT 'p' || i || '@bench.test', 'P ' || i, 'x', true, 0,"
        f" now(), 1 FROM generate_series(1, {p}) i",
        "INSERT INTO staff (email, display_name, password_hash, active, failed_sign_ins,"
        " created_at, version) VALUES ('desk@bench.test', 'Desk', 'x', true, 0, now(), 1)",
        "INSERT INTO staff_roles SELECT id, 'provider' FROM staff WHERE email LIKE 'p%'",
        "INSERT INTO staff_roles SELECT id, 'scheduler' FROM staff WHERE email LIKE 'desk%'",
        "INSERT INTO provider_profiles SELECT id, 'group', NULL, NULL, 1 FROM staff"
        " WHERE email LIKE 'p%'",
        "INSERT INTO clients (first_name, last_name, sort_name, created_at, updated_at, version)"
        " SELECT 'F' || i, 'L' || md5(i::text), lower('L' || md5(i::text) || ' F' || i),"
        f" now(), now(), 1 FROM generate_series(1, {c}) i",
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating,"
        f" created_at, version) SELECT c.id, 1 + (c.id % {p}), 'active', false, now(), 1"
        " FROM clients c",
        "INSERT INTO chart_notes (client_id, author_id, kind, status, title, body, created_at,"
        f" updated_at, signed_at, version) SELECT 1 + (i % {c}), 1 + ((1 + (i % {c})) % {p}),"
        f" 'progress', 'signed', 't', 'body', now(), now(), now(), 1"
        f" FROM generate_series(1, {n}) i",
        "ANALYZE",
    ):
        admin.execute(statement)


def _p95(connection: psycopg.Connection, query: str, params, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        connection.execute(query, params).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(times, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--notes", type=int, default=200_000)
    args = parser.parse_args()
    server = start_server()
    try:
        url = server.create_database("bench")
        engine = create_database_engine(url)
        upgrade(engine)
        engine.dispose()
        admin = psycopg.connect(
            host=server.host, port=server.port, user="postgres", dbname="bench", autocommit=True
        )
        _fill(admin, args.clients, args.providers, args.notes)
        for (staff_id,) in admin.execute("SELECT id FROM staff").fetchall():
            admin.execute("SELECT app.create_login(%s, %s)", (staff_id, scram_verifier("x" * 12)))
        provider = 1
        desk = admin.execute("SELECT id FROM staff WHERE email = 'desk@bench.test'").fetchone()[0]
        chart_client = admin.execute(
            "SELECT client_id FROM chart_notes WHERE author_id = %s GROUP BY client_id"
            " ORDER BY count(*) DESC LIMIT 1",
            (provider,),
        ).fetchone()[0]

        def person(email: str) -> psycopg.Connection:
            return psycopg.connect(
                host=server.host, port=server.port, dbname="bench",
                user=login_name("bench", email), autocommit=True,
            )  # fmt: skip

        as_provider, as_desk = person("p1@bench.test"), person("desk@bench.test")
        cases = [
            ("All Clients first page", as_desk,
             f"SELECT id, sort_name FROM clients ORDER BY sort_name, id LIMIT {PAGE}", None,
             f"SELECT id, sort_name FROM clients ORDER BY sort_name, id LIMIT {PAGE}", None),
            ("My Clients first page", as_provider,
             f"SELECT id, sort_name FROM clients ORDER BY sort_name, id LIMIT {PAGE}", None,
             "SELECT id, sort_name FROM clients WHERE id IN (SELECT client_id FROM"
             " client_provider_links WHERE provider_id = %(p)s AND ended_at IS NULL)"
             f" ORDER BY sort_name, id LIMIT {PAGE}", {"p": provider}),
            ("Keystroke search (prefix)", as_provider,
             "SELECT id FROM clients WHERE sort_name >= 'l1' AND sort_name < 'l2'"
             f" ORDER BY sort_name, id LIMIT {PAGE}", None,
             "SELECT id FROM clients WHERE sort_name >= 'l1' AND sort_name < 'l2' AND id IN"
             " (SELECT client_id FROM client_provider_links WHERE provider_id = %(p)s"
             f" AND ended_at IS NULL) ORDER BY sort_name, id LIMIT {PAGE}", {"p": provider}),
            ("Open a chart", as_provider,
             "SELECT id, title, body FROM chart_notes WHERE client_id = %(c)s"
             " ORDER BY created_at", {"c": chart_client},
             "SELECT id, title, body FROM chart_notes WHERE client_id = %(c)s"
             " AND author_id = %(p)s ORDER BY created_at", {"c": chart_client, "p": provider}),
        ]  # fmt: skip
        print(
            f"scale: {args.clients} clients, {args.providers} providers, {args.notes} notes"
            f" (desk staff id {desk})"
        )
        ratios = []
        for name, conn, rls_query, rls_params, plain_query, plain_params in cases:
            rls = _p95(conn, rls_query, rls_params)
            plain = _p95(admin, plain_query, plain_params)
            ratios.append((name, rls / plain))
            print(
                f"{name}: RLS as the person p95 {rls:.2f} ms; owner, filters in query {plain:.2f} ms"
            )
        print("ratios (RLS / filters in query): " + "; ".join(f"{n} {r:.2f}x" for n, r in ratios))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
