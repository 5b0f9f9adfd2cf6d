"""What re-reading the signed-in person's standing costs each unit of work (R19): one query.

Run:  .venv/bin/python -m bench.standing_bench [--runs 2000]

On the demo practice (SQLite file), a typical small unit of work (the first page of All Clients'
ids for the Owner) is timed `--runs` times without the check (nobody signed in on the context)
and with it (the Owner signed in). The baseline is the run without; the ratio (with over
without) comes last. Not a test: it only prints.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()

    import argon2

    from desktop.app import AppContext
    from desktop.config import Config
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.migrate import upgrade
    from desktop.services import auth, client_list, demo
    from desktop.services.passwords import Passwords

    path = Path(tempfile.mkdtemp(prefix="clinicdesk-standing-")) / "demo.sqlite"
    engine = create_database_engine(sqlite_url(path))
    upgrade(engine)
    ctx = AppContext(
        config=Config(data_dir=path.parent, database_url=None, time_zone="UTC", source="bench"),
        engine=engine,
        database_label=str(path),
        embedded=True,
        passwords=Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
        workstation="bench",
    )
    demo.ensure_demo_practice(ctx.uow(), ctx.passwords)
    owner = auth.sign_in(ctx.uow(), ctx.passwords, "owner@demo.clinic", demo.DEMO_PASSWORD, "b")

    def once(signed_in: bool) -> float:
        ctx.principal = owner if signed_in else None
        start = time.perf_counter()
        client_list.client_ids(ctx.uow(), owner, "all")
        return (time.perf_counter() - start) * 1000

    for _ in range(50):  # warm up
        once(False), once(True)
    without, with_check = [], []
    for _ in range(args.runs):  # interleaved, so a busy moment weighs on both alike
        without.append(once(False))
        with_check.append(once(True))
    ctx.principal = None
    for label, times in (("without the check", without), ("with the check", with_check)):
        print(
            f"{label:>18}: median {statistics.median(times):.3f} ms, "
            f"p95 {statistics.quantiles(times, n=20)[18]:.3f} ms over {args.runs} units of work"
        )
    print(
        f"ratio (with / without, medians): {statistics.median(with_check) / statistics.median(without):.2f}"
    )
    ctx.close()


if __name__ == "__main__":
    main()
