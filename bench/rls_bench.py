"""Row-level security's cost on PostgreSQL (SPEC B5): the first page of All Clients (front
desk) and My Clients (a provider), each keystroke of a search in both, and the statement that
opens a chart of 200 notes, each as the person (their own login: RLS on) and, taking turns in
the same run, as the superuser (RLS off). The lists go through the app's own service
(`client_list.list_clients`, the Clients screen's page of 50 without the count) on two engines,
so both sides send the same SQL with the filters the app writes itself (a provider's own list);
the chart sends the app's statement with its readable authors. The difference is what the
policies add. Prints p50 and p95 with the machine's load, then the ratios at p95 last.

    python -m bench.rls_bench [--clients 200000 --providers 500 --notes 2000000]

Defaults are a reduced scale (20,000 clients, 50 providers, 200,000 notes). The practice is
made by the superuser with INSERT ... SELECT over generate_series, so the full scale takes
minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

import psycopg
from sqlalchemy.engine import make_url

from bench.pg_cache import DATABASE, KeptServer, kept_server
from desktop.clock import FixedClock
from desktop.db.boundary import login_name
from desktop.db.engine import create_database_engine
from desktop.db.migrate import upgrade
from desktop.db.uow import UnitOfWork
from desktop.services import client_list
from desktop.services.principal import Principal, Role
from desktop.services.server_logins import scram_verifier

PAGE = 50
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
#: every bench login's password.
PASSWORD = "bench-password-1"
#: notes in the chart that is opened.
CHART_NOTES = 200


def _fill(admin: psycopg.Connection, clients: int, providers: int, notes: int) -> int:
    """The practice; returns the id of the client whose chart of 200 notes provider 1 opens."""
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
        "INSERT INTO clients (first_name, last_name, sort_name, date_of_birth, created_at,"
        " updated_at, version) SELECT f, l, lower(l || ' ' || f),"
        " date '1940-01-01' + (i * 7919) % 25000,"
        f" now(), now(), 1 FROM generate_series(1, {c}) i,"
        # names spread over the first letters as real ones are (16 of them), not all alike
        " LATERAL (SELECT substr(md5((i + 7)::text), 1, 7) AS f, md5(i::text) AS l) n",
        # each client's name words, in order, with how many letters a word shares with the one
        # before it (so a search lists each client once), as the app's name index keeps them
        "INSERT INTO client_name_words (client_id, word, shared, sort_name)"
        " SELECT id, w, CASE WHEN w = hi THEN (SELECT count(*) FROM generate_series(1,"
        " least(length(lo), length(hi))) k WHERE left(lo, k) = left(hi, k)) ELSE 0 END,"
        " sort_name FROM clients, LATERAL (SELECT least(lower(first_name), lower(last_name)) lo,"
        " greatest(lower(first_name), lower(last_name)) hi) p, LATERAL (VALUES (lo), (hi)) v(w)",
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating,"
        f" created_at, version) SELECT c.id, 1 + (c.id % {p}), 'active', false, now(), 1"
        " FROM clients c",
        "INSERT INTO chart_notes (client_id, author_id, kind, status, title, body, created_at,"
        f" updated_at, signed_at, version) SELECT 1 + (i % {c}), 1 + ((1 + (i % {c})) % {p}),"
        " 'progress', 'signed', 't', 'body', now() - i * interval '1 minute', now(), now(), 1"
        f" FROM generate_series(1, {n}) i",
    ):
        admin.execute(statement)
    # A client of provider 1 (1 + id % p = 1) whose chart holds 200 notes.
    chart_client = p
    admin.execute(
        "INSERT INTO chart_notes (client_id, author_id, kind, status, title, body, created_at,"
        " updated_at, signed_at, version) SELECT %s, 1, 'progress', 'signed', 'Session', "
        " repeat('words ', 200), now() - i * interval '1 day', now(), now(), 1"
        " FROM generate_series(1, %s) i",
        (chart_client, CHART_NOTES),
    )
    admin.execute("VACUUM ANALYZE")
    return chart_client


_CHART = (
    "SELECT n.id, n.kind, n.status, n.title, n.body, n.created_at FROM chart_notes n"
    " WHERE n.client_id = %(c)s AND n.author_id = ANY(%(authors)s)"
    " ORDER BY n.created_at, n.id"
)


def _keystrokes(word: str) -> list[str]:
    """What the search box holds after each keystroke of `word`."""
    return [word[:k] for k in range(1, len(word) + 1)]


def _time(action, *args) -> float:
    start = time.perf_counter()
    action(*args)
    return (time.perf_counter() - start) * 1000


def _p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100)[q - 1] if len(times) > 1 else times[0]


def _superuser(server: KeptServer) -> psycopg.Connection:
    return psycopg.connect(
        host=server.host, port=server.port, user="postgres", dbname=DATABASE, autocommit=True
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--notes", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    scale = f"{args.clients}-{args.providers}-{args.notes}"

    def build(server: KeptServer) -> None:
        engine = create_database_engine(server.url(DATABASE))
        upgrade(engine)
        engine.dispose()
        with _superuser(server) as admin:
            _fill(admin, args.clients, args.providers, args.notes)
            for email in ("p1@bench.test", "desk@bench.test"):
                (staff_id,) = admin.execute(
                    "SELECT id FROM staff WHERE email = %s", (email,)
                ).fetchone()
                admin.execute(
                    "SELECT app.create_login(%s, %s)", (staff_id, scram_verifier(PASSWORD))
                )

    server, built = kept_server(f"rls-{scale}", build)
    try:
        url = server.url(DATABASE)
        admin = _superuser(server)
        # A client of provider 1 (1 + id % p = 1) whose chart holds 200 notes (see `_fill`).
        chart_client = args.providers

        def person(email: str) -> psycopg.Connection:
            return psycopg.connect(
                host=server.host, port=server.port, dbname=DATABASE,
                user=login_name(DATABASE, email), password=PASSWORD, autocommit=True,
            )  # fmt: skip

        # The app's own services on two engines: the person's login, and the superuser.
        as_person = create_database_engine(
            make_url(url).set(username=login_name(DATABASE, "p1@bench.test"), password=PASSWORD)
        )
        as_desk_login = create_database_engine(
            make_url(url).set(username=login_name(DATABASE, "desk@bench.test"), password=PASSWORD)
        )
        superuser = create_database_engine(url)
        me = 1
        desk_id = admin.execute("SELECT id FROM staff WHERE email = 'desk@bench.test'").fetchone()[
            0
        ]
        provider = Principal(me, "p1@bench.test", "P 1", frozenset({Role.PROVIDER}), "bench")
        desk = Principal(desk_id, "desk@bench.test", "Desk", frozenset({Role.SCHEDULER}), "bench")
        engines = {provider: (as_person, superuser), desk: (as_desk_login, superuser)}

        def listing(principal: Principal, scope: str):
            def action(side: int, typed: str | None) -> None:
                engine = engines[principal][side]
                client_list.list_clients(
                    UnitOfWork(engine, FixedClock(NOW)), principal, scope=scope,
                    search=typed or "", limit=PAGE, count=False,
                )  # fmt: skip

            return action

        as_provider = person("p1@bench.test")

        def chart(side: int, _typed) -> None:
            connection = (as_provider, admin)[side]
            connection.execute(_CHART, {"c": chart_client, "authors": [me]}).fetchall()

        word = admin.execute(
            "SELECT lower(c.last_name) FROM clients c JOIN client_provider_links l"
            " ON l.client_id = c.id WHERE l.provider_id = %s ORDER BY c.id LIMIT 1",
            (me,),
        ).fetchone()[0][:6]
        keys = _keystrokes(word)
        cases = [
            ("All Clients first page", listing(desk, "all")),
            ("My Clients first page", listing(provider, "mine")),
            ("All Clients keystroke", listing(desk, "all")),
            ("My Clients keystroke", listing(provider, "mine")),
            ("Open a chart of 200 notes", chart),
        ]
        print(
            f"scale: {args.clients} clients, {args.providers} providers, {args.notes} notes;"
            f" {f'built in {built:.0f} s' if built else 'the kept practice'};"
            f" searching {word!r} a keystroke at a time"
        )
        ratios = []
        for name, action in cases:
            rls: list[float] = []
            plain: list[float] = []
            steps = keys if "keystroke" in name else [None]
            for _ in range(3):  # warm both: plans cached, pages in memory
                for k in steps:
                    action(0, k)
                    action(1, k)
            load = os.getloadavg()[0]
            for _ in range(args.runs):
                for k in steps:
                    rls.append(_time(action, 0, k))
                    plain.append(_time(action, 1, k))
            ratio = _p(rls, 95) / _p(plain, 95)
            ratios.append((name, ratio))
            print(
                f"{name}: as the person p50 {_p(rls, 50):.2f} ms p95 {_p(rls, 95):.2f} ms;"
                f" RLS off p50 {_p(plain, 50):.2f} ms p95 {_p(plain, 95):.2f} ms;"
                f" {ratio:.2f}x (load {load:.2f})"
            )
        print("ratios at p95 (RLS / RLS off): " + "; ".join(f"{n} {r:.2f}x" for n, r in ratios))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
