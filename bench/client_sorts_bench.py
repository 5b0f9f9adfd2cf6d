"""The client list in every sort order at 200,000 clients: a first page, and a page far down.

Run:  .venv/bin/python -m bench.client_sorts_bench [--clients 200000] [--providers 500]

On the client list benchmark's practice (SQLite; generated once into a cache folder), through
the service the list model calls (`client_list.list_clients`, 50 rows with their details and
the count): for All Clients (the Owner) and My Clients (a provider), in each order, ascending
and descending, the first page and the page at the middle of the list (what scrolling there
asks for), by its offset and, as scrolling on asks for it, from just past the client in the row
above (`after`, sought by the order's keys). Best of three each. The baseline, measured in the
same run, is a plain `SELECT id FROM clients ORDER BY sort_name, id LIMIT 50`; the ratio
(slowest first page over the baseline) comes last. Targets: first page <= 150 ms, any page
<= 100 ms. Not a test: it only prints.
"""

from __future__ import annotations

import argparse
import os
import time

from bench.client_list_bench import NOW, OWNER_ID, PROVIDER_ID, practice_file


def best(action, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def jumps(uow, principal, scope: str, sort: str, descending: bool, count_later: bool = False):
    """The list's walk and jumps far down as the Clients screen does them (its `ClientPages`):
    the first page, the walk that keeps a mark every 200 rows (all its steps), then a jump (no
    row above known) to rows at 12%, 37%, 61% and 93% of the list, each on its own. Returns the
    walk's seconds, its slowest step, and the slowest jump."""
    from desktop.models.client_pages import ClientPages, ClientQuery

    def pages() -> ClientPages:
        def ignore(*_):
            return None

        return ClientPages(
            uow, principal, failed=ignore, changed=ignore, moved=ignore, count_later=count_later
        )

    query = ClientQuery(scope=scope, sort=sort, descending=descending)
    walked = pages()
    walked.start(query, walked.fetch(query))
    walked.count()
    started, slowest_step = time.perf_counter(), 0.0
    while not walked.walked:
        step = time.perf_counter()
        walked.walk()
        slowest_step = max(slowest_step, time.perf_counter() - step)
    walk = time.perf_counter() - started
    marks = dict(walked.marks)
    slowest_jump = 0.0
    for share in (0.12, 0.37, 0.61, 0.93):
        row = int(walked.total * share)
        walked.start(query, walked.fetch(query))  # a fresh list: no row above known
        walked.count()
        walked.marks, walked.walked = dict(marks), True
        started = time.perf_counter()
        walked.row(row)
        slowest_jump = max(slowest_jump, time.perf_counter() - started)
    return walk, slowest_step, slowest_jump


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--providers", type=int, default=500)
    args = parser.parse_args()

    from sqlalchemy import text

    from desktop.clock import FixedClock
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.uow import UnitOfWork
    from desktop.services import client_list
    from desktop.services.principal import Principal, Role

    engine = create_database_engine(sqlite_url(practice_file(args.clients, args.providers)))

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, FixedClock(NOW))

    people = {
        "all": Principal(OWNER_ID, "o", "Owner", frozenset({Role.OWNER}), "bench"),
        "mine": Principal(PROVIDER_ID, "p", "Provider", frozenset({Role.PROVIDER}), "bench"),
    }

    def plain() -> None:
        with engine.connect() as db:
            db.execute(text("SELECT id FROM clients ORDER BY sort_name, id LIMIT 50")).all()

    print(f"Client list sort orders, {args.clients:,} clients (load {os.getloadavg()[0]:.2f})")
    baseline = best(plain)
    firsts, deepest, sought, jumped = [], [], [], []
    for scope, principal in people.items():
        total = client_list.list_clients(uow(), principal, scope=scope, limit=1).total
        for sort in client_list.SORTS:
            for descending in (False, True):
                figures = []
                for offset in (0, total // 2):

                    def page(
                        offset=offset,
                        principal=principal,
                        scope=scope,
                        sort=sort,
                        descending=descending,
                    ) -> None:
                        client_list.list_clients(
                            uow(),
                            principal,
                            scope=scope,
                            sort=sort,
                            descending=descending,
                            offset=offset,
                            limit=50,
                        )

                    figures.append(best(page))
                middle = total // 2
                options = {"scope": scope, "sort": sort, "descending": descending}
                above = client_list.list_clients(
                    uow(), principal, offset=middle - 1, limit=1, **options
                ).ids[0]

                def scrolled(principal=principal, options=options, middle=middle, above=above):
                    client_list.list_clients(
                        uow(), principal, offset=middle, limit=50, after=above, **options
                    )

                figures.append(best(scrolled))
                walk, step, jump = jumps(uow, principal, scope, sort, descending)
                firsts.append(figures[0])
                deepest.append(figures[1])
                sought.append(figures[2])
                jumped.append(jump)
                print(
                    f"  {scope:4} {sort:16} {'descending' if descending else 'ascending ':10} "
                    f"first page {figures[0] * 1000:6.1f} ms · row {middle:,} by offset "
                    f"{figures[1] * 1000:6.1f} ms, from the row above {figures[2] * 1000:6.1f} ms"
                    f" · jump from a mark {jump * 1000:5.1f} ms (walk {walk * 1000:.0f} ms, steps"
                    f" <= {step * 1000:.0f} ms) · load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
    print(
        f"Slowest first page {max(firsts) * 1000:.1f} ms (target <= 150 ms), slowest page far "
        f"down {max(deepest) * 1000:.1f} ms by offset, {max(sought) * 1000:.1f} ms from the row "
        f"above, {max(jumped) * 1000:.1f} ms jumping from a mark (target <= 100 ms); plain "
        f"SELECT ... LIMIT 50 {baseline * 1000:.2f} ms"
    )
    print(
        f"Ratio slowest first page / plain SELECT: {max(firsts) / baseline:.1f}x "
        f"(load {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
