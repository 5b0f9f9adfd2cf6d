"""A caseload transfer of 5,000 clients (R9), on SQLite and on PostgreSQL (target: <= 30 s).

Run:  .venv/bin/python -m bench.caseload_bench [--clients 5000] [--databases sqlite,postgresql]

For each database a practice is made with the app's migrations: an Owner, a departing provider
with `--clients` clients on their list (a third of them also on another provider's list, a tenth
with a future appointment), the colleague who takes them over, and a few more providers. The
Owner plans and runs the caseload transfer through the services, moving the future appointments;
printed: the time, clients per second and the audit entries written. The baseline, measured in
the same run on the same database, is the single-client transfer (R8, `transfer_client`) of 200
other clients one by one; the ratio (the baseline's time per client over the caseload's) comes
last. PostgreSQL is a throwaway server started for the run (the tests' helper). Not a test: it
only prints.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
OWNER, DEPARTING, TAKER, OTHER = 1, 2, 3, 4
SINGLES = 200


def build(engine, clients: int) -> None:
    """The practice, through SQLAlchemy Core inserts (the same on both databases)."""
    from sqlalchemy import insert

    from desktop.db.migrate import upgrade
    from desktop.db.tables import (
        Appointment,
        Client,
        ClientProviderLink,
        Practice,
        ProviderProfile,
        Staff,
        StaffRole,
    )

    upgrade(engine)
    created = NOW - timedelta(days=400)
    with engine.begin() as db:
        db.execute(
            insert(Practice),
            [{"id": 1, "name": "Bench", "time_zone": "America/Toronto", "created_at": created}],
        )
        people = [(OWNER, "owner", None)] + [
            (n, "provider", "group") for n in (DEPARTING, TAKER, OTHER, 5, 6)
        ]
        db.execute(
            insert(Staff),
            [
                {
                    "id": i,
                    "email": f"s{i}@bench.example",
                    "display_name": f"Staff Member {i}",
                    "password_hash": "x",
                    "active": True,
                    "failed_sign_ins": 0,
                    "created_at": created,
                }
                for i, _r, _o in people
            ],
        )
        db.execute(insert(StaffRole), [{"staff_id": i, "role": r} for i, r, _o in people])
        db.execute(
            insert(ProviderProfile),
            [{"staff_id": i, "records_owner": o} for i, _r, o in people if o],
        )
        total = clients + SINGLES
        db.execute(
            insert(Client),
            [
                {
                    "id": c,
                    "first_name": f"Client{c}",
                    "last_name": f"Number{c:05d}",
                    "sort_name": f"number{c:05d} client{c}",
                    "created_at": created,
                    "updated_at": created,
                }
                for c in range(1, total + 1)
            ],
        )
        links = [
            {"client_id": c, "provider_id": DEPARTING, "status": "active", "created_at": created}
            for c in range(1, total + 1)
        ] + [
            {"client_id": c, "provider_id": OTHER, "status": "active", "created_at": created}
            for c in range(1, total + 1, 3)
        ]
        db.execute(insert(ClientProviderLink), links)
        start = NOW + timedelta(days=1)
        db.execute(
            insert(Appointment),
            [
                {
                    "provider_id": DEPARTING,
                    "client_id": c,
                    "starts_at": start + timedelta(hours=n),
                    "ends_at": start + timedelta(hours=n, minutes=50),
                    "status": "booked",
                    "created_by": OWNER,
                    "created_at": created,
                }
                for n, c in enumerate(range(SINGLES + 1, total + 1, 10))
            ],
        )


def measure(url, clients: int, label: str) -> tuple[float, float]:
    from sqlalchemy import func, select

    from desktop.clock import FixedClock
    from desktop.db.engine import create_database_engine
    from desktop.db.tables import AuditEvent
    from desktop.db.uow import UnitOfWork
    from desktop.services import caseload, transfers
    from desktop.services.principal import Principal, Role

    engine = create_database_engine(url)
    build(engine, clients)
    clock = FixedClock(NOW)

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, clock)

    owner = Principal(OWNER, "s1@bench.example", "Owner", frozenset({Role.OWNER}), "bench")
    with engine.connect() as db:
        entries_before = db.scalar(select(func.count()).select_from(AuditEvent))

    started = time.perf_counter()
    for client_id in range(1, SINGLES + 1):
        transfers.transfer_client(uow(), owner, client_id, DEPARTING, TAKER)
    single = (time.perf_counter() - started) / SINGLES

    started = time.perf_counter()
    plan = caseload.start_caseload_transfer(uow(), owner, DEPARTING, TAKER, move_appointments=True)
    result = caseload.run_caseload_transfer(uow(), owner, plan.transfer_id)
    elapsed = time.perf_counter() - started
    with engine.connect() as db:
        entries = db.scalar(select(func.count()).select_from(AuditEvent)) - entries_before
    engine.dispose()
    print(
        f"  {label}: {result.done:,} of {result.total:,} clients in {elapsed:.1f} s "
        f"({result.done / elapsed:.0f} clients/s, {elapsed / result.done * 1000:.1f} ms each; "
        f"target <= 30 s) · single transfers {single * 1000:.1f} ms each · "
        f"{entries:,} audit entries · load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    return elapsed / result.done, single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"Caseload transfer of {args.clients:,} clients (load {os.getloadavg()[0]:.2f})")
    ratios = []
    for name in args.databases.split(","):
        if name == "sqlite":
            from desktop.db.engine import sqlite_url

            folder = Path(tempfile.mkdtemp(prefix="clinicdesk-caseload-"))
            per_client, single = measure(sqlite_url(folder / "p.sqlite"), args.clients, "SQLite")
        else:
            from tests.pg_server import start_server

            server = start_server()
            try:
                url = server.create_database("caseload_bench")
                per_client, single = measure(url, args.clients, "PostgreSQL")
            finally:
                server.stop()
        ratios.append(f"{name} {single / per_client:.2f}x")
    print(
        "Ratio, time per client of single transfers over the caseload transfer: "
        + ", ".join(ratios)
        + f" (load {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
