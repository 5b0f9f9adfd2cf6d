"""A clinic day on one PostgreSQL server: 16 processes, each a different staff member (three at
the front desk, twelve providers, a biller), run a mixed workload through the services for
`--seconds`, against the same workload from one process (playing the 16 in turn) in the same
run. Prints each operation's p50 and p95 and the throughput of both, the errors, and last the
worst ratio of p95 (16 processes / 1 process).

    python -m bench.clinic_day_bench [--seconds 60] [--clients 20000] [--as-person] [--pace S]
        [--runs 3]

The work: the front desk searches the client list a keystroke at a time, opens a client's row,
books appointments and moves them; providers open My Clients, read a chart, write and sign a
note, share their chart with a colleague and end the share; the biller searches and opens
clients. Every process (a workstation) also ends the shares past their end date each half
minute, as the main window does. Expected refusals (a booking or a move that would double-book,
a chart already shared) are plainly worded conflicts and counted apart; anything else is an
error. Connected as
the superuser (RLS off), or with `--as-person` each as their own login (RLS on).

By default everyone works without a pause (the most the machine does). With `--pace S` each
person pauses between operations, S seconds on average (exponentially distributed), as people
at work do; the one process works without a pause either way (one operation at a time: nothing
of its own to wait for). The server's sessions are sampled while the 16 work: what they wait
on (a lock: one writer queued behind another) or whether they are on CPU.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

DESK, PROVIDERS, BILLER = 3, 12, 1
PASSWORD_HASH = "x"
LOGIN_PASSWORD = "x" * 12  # each person's server login, with `--as-person`
SWEEP_EVERY = 30.0  # s, the main window's timer for shares past their end date


def fill(admin, clients: int) -> list[tuple[int, str, str]]:
    """The practice; returns (staff id, email, role) of the 16 who work today."""
    c = int(clients)
    people = (
        [(f"desk{i}@day.test", "scheduler", None) for i in range(DESK)]
        + [(f"p{i}@day.test", "provider", "group") for i in range(PROVIDERS)]
        + [("biller@day.test", "biller", None), ("owner@day.test", "owner", None)]
    )
    admin.execute("INSERT INTO practice VALUES (1, 'Day', 'America/Toronto', now(), 1)")
    staff = []
    for email, role, owner in people:
        (staff_id,) = admin.execute(
            "INSERT INTO staff (email, display_name, password_hash, active, failed_sign_ins,"
            " created_at, version) VALUES (%s, %s, %s, true, 0, now(), 1) RETURNING id",
            (email, email.split("@")[0].title(), PASSWORD_HASH),
        ).fetchone()
        admin.execute("INSERT INTO staff_roles VALUES (%s, %s)", (staff_id, role))
        if owner:
            admin.execute(
                "INSERT INTO provider_profiles VALUES (%s, %s, NULL, NULL, 1)", (staff_id, owner)
            )
        staff.append((staff_id, email, role))
    providers = [s for s, _e, r in staff if r == "provider"]
    first = min(providers)
    for statement in (
        "INSERT INTO clients (first_name, last_name, sort_name, date_of_birth, created_at,"
        " updated_at, version) SELECT 'F' || i, 'L' || md5(i::text),"
        " lower('L' || md5(i::text) || ' F' || i), date '1940-01-01' + (i * 7919) % 25000,"
        f" now(), now(), 1 FROM generate_series(1, {c}) i",
        "INSERT INTO client_name_words (client_id, word, shared, sort_name)"
        " SELECT id, lower(last_name), 0, sort_name FROM clients"
        " UNION ALL SELECT id, lower(first_name), 0, sort_name FROM clients",
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating,"
        f" created_at, version) SELECT c.id, {first} + (c.id % {PROVIDERS}), 'active', false,"
        " now(), 1 FROM clients c",
        "INSERT INTO chart_notes (client_id, author_id, kind, status, title, body, created_at,"
        " updated_at, signed_at, version) SELECT l.client_id, l.provider_id, 'progress',"
        " 'signed', 'Session', repeat('words ', 100), now() - g * interval '7 days', now(),"
        " now(), 1 FROM client_provider_links l, generate_series(1, 5) g",
        "VACUUM ANALYZE",
    ):
        admin.execute(statement)
    return [(s, e, r) for s, e, r in staff if r != "owner"]


def _principal(staff_id: int, email: str, role: str):
    from desktop.services.principal import Principal, Role

    roles = {"scheduler": Role.SCHEDULER, "provider": Role.PROVIDER, "biller": Role.BILLER}
    return Principal(staff_id, email, email.split("@")[0].title(), frozenset({roles[role]}), "day")


class Staff:
    """One staff member's day: the operations of their role, through the services."""

    def __init__(self, engine, who: tuple[int, str, str], colleagues: list[int], seed: int):
        from desktop.services import client_list

        self.engine, self.rng = engine, random.Random(seed)
        self.clients = int(os.environ["CLINIC_DAY_CLIENTS"])
        self.principal = _principal(*who)
        self.role = who[2]
        self.colleagues = [c for c in colleagues if c != who[0]]
        self.providers = colleagues
        self.booked: list[int] = []
        self.shares: list[tuple[int, datetime | None]] = []
        self.mine: list[int] = []
        if self.role == "provider":
            self.mine = client_list.client_ids(self.uow(), self.principal, "mine")

    def uow(self):
        from desktop.clock import SystemClock
        from desktop.db.uow import UnitOfWork

        return UnitOfWork(self.engine, SystemClock())

    def operations(self) -> list[tuple[str, object, int]]:
        """(name, action, weight) for this role."""
        if self.role == "scheduler":
            return [("search", self.search, 4), ("open client", self.open_client, 3),
                    ("book", self.book, 2), ("move", self.move, 1)]  # fmt: skip
        if self.role == "provider":
            return [("my clients", self.my_clients, 2), ("read chart", self.read_chart, 3),
                    ("write and sign note", self.note, 2), ("share", self.share, 1),
                    ("end share", self.end_share, 1)]  # fmt: skip
        return [("search", self.search, 3), ("open client", self.open_client, 2)]

    def search(self) -> None:
        from desktop.services import client_list

        word = "l" + "".join(self.rng.choice("0123456789abcdef") for _ in range(3))
        for typed in (word[:1], word[:2], word[:3], word):  # a keystroke at a time
            client_list.list_clients(
                self.uow(), self.principal, scope="all", search=typed, limit=50, count=False
            )

    def open_client(self) -> None:
        from desktop.services import client_rows

        client_rows.client_rows(self.uow(), self.principal, [self.rng.randint(1, self.clients)])

    def _slot(self) -> datetime:
        day = datetime.now(UTC).replace(hour=13, minute=0, second=0, microsecond=0)
        return day + timedelta(days=self.rng.randint(1, 90), minutes=15 * self.rng.randint(0, 32))

    def book(self) -> None:
        from desktop.services.scheduling import BookingRequest, book_appointment

        provider = self.rng.choice(self.providers)
        # one of the provider's own clients (client c is on the list of provider c mod 12)
        client = (
            provider
            - min(self.providers)
            + PROVIDERS * self.rng.randint(1, self.clients // PROVIDERS - 1)
        )
        request = BookingRequest(provider_id=provider, client_id=client, starts_at=self._slot())
        result = book_appointment(self.uow(), self.principal, request)
        self.booked += [a.id for a in result.appointments]

    def move(self) -> None:
        from desktop.services.recurrence import move_appointment

        if not self.booked:
            return self.book()
        appointment = self.rng.choice(self.booked)
        move_appointment(self.uow(), self.principal, appointment, self._slot(), 50)

    def my_clients(self) -> None:
        from desktop.services import client_list

        client_list.list_clients(self.uow(), self.principal, scope="mine", limit=50, count=False)

    def read_chart(self) -> None:
        from desktop.services import charts

        charts.read_records(self.uow(), self.principal, self.rng.choice(self.mine))

    def note(self) -> None:
        from desktop.services import charts

        draft = charts.create_note(
            self.uow(), self.principal, self.rng.choice(self.mine),
            kind="progress", title="Session", body="Talked about the week. " * 20,
            session_date=None,
        )  # fmt: skip
        charts.sign_note(self.uow(), self.principal, draft.id, draft.version)

    def share(self) -> None:
        from desktop.services import sharing

        me = self.principal.staff_id
        # every other share has an end date 30-90 s away, for the workstations' sweeps
        until = datetime.now(UTC) + timedelta(seconds=self.rng.uniform(30, 90))
        until = until if self.rng.random() < 0.5 else None
        view = sharing.start_chart_share(
            self.uow(), self.principal, self.rng.choice(self.mine), me,
            self.rng.choice(self.colleagues), until=until,
        )  # fmt: skip
        self.shares.append((view.id, until))

    def end_share(self) -> None:
        from desktop.services import sharing

        now = datetime.now(UTC) + timedelta(seconds=1)
        self.shares = [(i, until) for i, until in self.shares if until is None or until > now]
        if not self.shares:
            return self.share()
        sharing.end_chart_share(self.uow(), self.principal, self.shares.pop(0)[0])


def sweep_expired_shares(engine) -> None:
    """What every open main window does each half minute: end the shares past their end date."""
    from desktop.clock import SystemClock
    from desktop.db.uow import UnitOfWork
    from desktop.services import sharing

    with UnitOfWork(engine, SystemClock()) as uow:
        sharing.end_expired_shares(uow)
        uow.commit()


def _work(
    url: str, people: list, providers: list[int], seconds: float, seed: int, out, start
) -> None:
    """One process: the staff members in `people` take turns, one operation each, until time.
    Each first does every operation of their role once, unmeasured (connections opened, queries
    compiled), and the clock starts when every process is ready (`start`, a barrier): the
    figures are those of a working day, not of programs starting."""
    from desktop.db.engine import create_database_engine
    from desktop.services.errors import Conflict

    day = [
        Staff(create_database_engine(who_url(url, who)), who, providers, seed + n)
        for n, who in enumerate(people)
    ]
    for staff in day:
        for _name, action, _w in staff.operations():
            try:
                action()
            except Exception:  # noqa: BLE001, S110 - warming up; the measured run counts errors
                pass
    sweep_expired_shares(day[0].engine)
    start.wait()
    times: dict[str, list[float]] = defaultdict(list)
    conflicts: dict[str, int] = defaultdict(int)
    errors: dict[str, int] = defaultdict(int)
    own_cpu: dict[str, list[float]] = defaultdict(list)  # the process's own CPU time per operation
    pace = float(os.environ.get("CLINIC_DAY_PACE", "0"))
    end = time.perf_counter() + seconds
    sweep = time.perf_counter() + day[0].rng.uniform(0, SWEEP_EVERY)  # this workstation's timer
    turn = 0
    while time.perf_counter() < end:
        if time.perf_counter() >= sweep:
            sweep += SWEEP_EVERY
            started = time.perf_counter()
            try:
                sweep_expired_shares(day[0].engine)
            except Exception as error:  # noqa: BLE001 - counted and shown, never hidden
                cause = getattr(error, "orig", None) or error
                errors[f"expiry sweep: {type(cause).__name__}: {str(cause)[:150]}"] += 1
            else:
                times["expiry sweep"].append((time.perf_counter() - started) * 1000)
        if pace and len(day) == 1:
            # A person's pause comes before each operation, the first too (people do not all
            # click at one instant), and a pause that runs past the end of the day ends it:
            # otherwise all sixteen would start an operation at the very moment the day ends.
            pause = day[0].rng.expovariate(1 / pace)
            if time.perf_counter() + pause >= end:
                break
            time.sleep(pause)
        staff = day[turn % len(day)]
        turn += 1
        operations = staff.operations()
        name, action, _w = staff.rng.choices(operations, [w for *_x, w in operations])[0]
        started, cpu = time.perf_counter(), time.process_time()
        try:
            action()
        except Conflict:
            conflicts[name] += 1
        except Exception as error:  # noqa: BLE001 - counted and shown, never hidden
            cause = getattr(error, "orig", None) or error  # the database's own words
            errors[f"{name}: {type(cause).__name__}: {str(cause).splitlines()[0][:150]}"] += 1
            continue
        times[name].append((time.perf_counter() - started) * 1000)
        own_cpu[name].append((time.process_time() - cpu) * 1000)
    out.put((dict(times), dict(conflicts), dict(errors), dict(own_cpu)))


def who_url(url: str, who) -> str:
    """The URL a staff member connects with: their own login with `--as-person`."""
    as_person = os.environ.get("CLINIC_DAY_AS_PERSON") == "1"
    if not as_person:
        return url
    from sqlalchemy.engine import make_url

    from desktop.db.boundary import login_name

    parsed = make_url(url)
    login = login_name(parsed.database, who[1])
    return parsed.set(username=login, password=LOGIN_PASSWORD).render_as_string(hide_password=False)


def _run(url: str, groups: list[list], seconds: float) -> tuple[dict, dict, dict, dict]:
    context = multiprocessing.get_context("spawn")
    out, start = context.Queue(), context.Barrier(len(groups))
    providers = [s for group in groups for s, _e, r in group if r == "provider"]
    workers = [
        context.Process(target=_work, args=(url, group, providers, seconds, 1000 * i, out, start))
        for i, group in enumerate(groups)
    ]
    for worker in workers:
        worker.start()
    # a process that failed to start sends nothing: give up on it rather than wait for ever
    results = [out.get(timeout=seconds + 1800) for _ in workers]
    for worker in workers:
        worker.join()
    times: dict[str, list[float]] = defaultdict(list)
    conflicts: dict[str, int] = defaultdict(int)
    errors: dict[str, int] = defaultdict(int)
    own_cpu: dict[str, list[float]] = defaultdict(list)
    for t, c, e, u in results:
        for k, v in t.items():
            times[k] += v
        for k, v in u.items():
            own_cpu[k] += v
        for k, v in c.items():
            conflicts[k] += v
        for k, v in e.items():
            errors[k] += v
    return times, conflicts, errors, own_cpu


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs on the same database")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--as-person", action="store_true")
    parser.add_argument("--pace", type=float, default=0, help="mean pause between operations, s")
    args = parser.parse_args()

    import psycopg

    from desktop.db.engine import create_database_engine
    from desktop.db.migrate import upgrade
    from desktop.services.server_logins import scram_verifier
    from tests.pg_server import start_server

    server = start_server()
    try:
        url = server.create_database("clinic_day")
        engine = create_database_engine(url)
        upgrade(engine)
        engine.dispose()
        with psycopg.connect(
            host=server.host, port=server.port, user="postgres", dbname="clinic_day",
            autocommit=True,
        ) as admin:  # fmt: skip
            people = fill(admin, args.clients)
            if args.as_person:
                for staff_id, _email, _role in people:
                    admin.execute(
                        "SELECT app.create_login(%s, %s)",
                        (staff_id, scram_verifier(LOGIN_PASSWORD)),
                    )
        os.environ["CLINIC_DAY_AS_PERSON"] = "1" if args.as_person else "0"
        os.environ["CLINIC_DAY_CLIENTS"] = str(args.clients)
        os.environ["CLINIC_DAY_PACE"] = str(args.pace)
        mode = (
            "each as their own login (RLS on)" if args.as_person else "as the superuser (RLS off)"
        )
        pace = f"a pause of {args.pace:g} s on average" if args.pace else "no pause"
        print(f"A clinic day, {len(people)} staff, {args.clients:,} clients, {mode}, {pace}")
        for run in range(1, args.runs + 1):
            _one_run(url, server, people, args.seconds, run)
    finally:
        server.stop()


def _one_run(url: str, server, people: list, seconds: float, run: int) -> None:
    """The one process, then the 16, on the same database; their figures side by side."""
    from bench.server_waits import WaitSampler

    print(f"Run {run}:")
    load_before = os.getloadavg()[0]
    single = _run(url, [people], seconds)
    print(f"  1 process done (load {load_before:.2f} -> {os.getloadavg()[0]:.2f})", flush=True)
    load_before = os.getloadavg()[0]
    with WaitSampler(server, "clinic_day") as waits:
        many = _run(url, [[who] for who in people], seconds)
    print(f"  16 processes done (load {load_before:.2f} -> {os.getloadavg()[0]:.2f})")
    waits.report()
    ratios = []
    for name in sorted(set(single[0]) | set(many[0])):
        one, sixteen = single[0].get(name, []), many[0].get(name, [])
        if not one or not sixteen:
            print(f"  {name}: 1 process {len(one)} done, 16 processes {len(sixteen)} done")
            continue
        ratio = _p(sixteen, 95) / _p(one, 95)
        ratios.append((ratio, name))
        print(
            f"  {name:20} 1 process: p50 {_p(one, 50):6.1f} ms p95 {_p(one, 95):6.1f} ms"
            f" ({len(one) / seconds:5.1f}/s) · 16 processes: p50"
            f" {_p(sixteen, 50):6.1f} ms p95 {_p(sixteen, 95):6.1f} ms"
            f" ({len(sixteen) / seconds:5.1f}/s) · p95 {ratio:.2f}x"
        )
    for label, (_t, conflicts, errors, cpu) in (("1 process", single), ("16 processes", many)):
        total = sum(len(v) for k, v in _t.items() if k in cpu)
        wall, own = sum(sum(_t[k]) for k in cpu), sum(map(sum, cpu.values()))
        print(
            f"  {label}: {total / seconds:.1f} operations/s; plainly worded conflicts"
            f" {dict(conflicts) or 'none'}; other errors {sum(errors.values())}; the client"
            f" processes' own CPU {own / max(1, total):.0f} ms per operation"
            f" ({100 * own / max(1.0, wall):.0f}% of its time)"
        )
        for message, count in sorted(errors.items(), key=lambda e: -e[1])[:5]:
            print(f"    {count} x {message}")
    worst, name = max(ratios)
    print(
        f"Worst p95 ratio, 16 processes / 1 process: {worst:.2f}x ({name}; target <= 2x,"
        f" load {os.getloadavg()[0]:.2f})",
        flush=True,
    )


if __name__ == "__main__":
    main()
