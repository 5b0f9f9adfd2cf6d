"""Creating the demo practice, after the imports (target: <= 1.5 s).

Run:  .venv/bin/python -m bench.demo_bench [--runs 5]

Each run makes a new migrated SQLite file and fills it with the demo practice through
`demo.ensure_demo_practice`, with the app's own password hasher (argon2 at its default cost);
the migrations are not counted. The baseline, measured in the same run, is setting up an empty
practice on a file made the same way (`practice.set_up_practice`: the Owner's login, one
password hash); the ratio (demo over empty practice) comes last. Not a test: it only prints.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.migrate import upgrade
    from desktop.db.uow import UnitOfWork
    from desktop.services import demo, practice
    from desktop.services.passwords import Passwords

    passwords = Passwords()
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-demo-"))

    def fresh(name: str):
        engine = create_database_engine(sqlite_url(folder / f"{name}.sqlite"))
        upgrade(engine)
        return engine

    def create_demo(number: int) -> float:
        engine = fresh(f"demo-{number}")
        started = time.perf_counter()
        demo.ensure_demo_practice(UnitOfWork(engine), passwords)
        elapsed = time.perf_counter() - started
        engine.dispose()
        return elapsed

    def set_up_empty(number: int) -> float:
        engine = fresh(f"empty-{number}")
        setup = practice.PracticeSetup(
            practice_name="Empty Practice",
            time_zone="America/Toronto",
            owner_name="Dana Owner",
            owner_email="owner@empty.example",
            password="correct horse battery",
            password_again="correct horse battery",
            owner_is_provider=True,
        )
        started = time.perf_counter()
        practice.set_up_practice(UnitOfWork(engine), passwords, setup, "bench")
        elapsed = time.perf_counter() - started
        engine.dispose()
        return elapsed

    print(f"Demo practice created after the imports (load {os.getloadavg()[0]:.2f})")
    demos, empties = [], []
    for number in range(args.runs):
        demos.append(create_demo(number))
        empties.append(set_up_empty(number))
        print(
            f"  run {number + 1}: demo {demos[-1] * 1000:.0f} ms · empty practice "
            f"{empties[-1] * 1000:.0f} ms · load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    d, e = statistics.median(demos), statistics.median(empties)
    print(f"Median: demo {d * 1000:.0f} ms (target <= 1500 ms), empty practice {e * 1000:.0f} ms")
    print(f"Ratio demo / empty practice: {d / e:.2f}x (load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
