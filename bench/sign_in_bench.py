"""From sign-in to the main window painted, 500 providers and 200,000 clients (target: <= 500 ms).

Run:  .venv/bin/python -m bench.sign_in_bench [--clients 200000] [--providers 500] [--runs 5]

The practice is the client list benchmark's (generated once into a cache folder). Timed: what
follows a correct password, for the Owner (All Clients, every provider on the calendar) and for
a provider (My Clients): the main window built (`session.build_main_window`), shown and painted
once, the events it posted handled. The password check itself (argon2, the same whatever the
practice's size) is left out. The SQL statements sent are counted. The baseline, measured in the
same run, is the same for the demo practice (9 staff, 40 clients); the ratio (large over demo)
comes last. Not a test: it only prints.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.client_list_bench import NOW, OWNER_ID, PROVIDER_ID, TIME_ZONE, practice_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import argon2
    from sqlalchemy import event, select

    from desktop.app import AppContext
    from desktop.clock import FixedClock
    from desktop.config import Config
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.migrate import upgrade
    from desktop.db.tables import Staff
    from desktop.services import auth, demo
    from desktop.services.passwords import Passwords
    from desktop.services.principal import Principal, Role
    from desktop.views.session import build_main_window
    from desktop.views.style import ensure_application

    app = ensure_application()
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    def context(path: Path) -> AppContext:
        engine = create_database_engine(sqlite_url(path))
        event.listen(engine, "before_cursor_execute", count)
        return AppContext(
            config=Config(data_dir=path.parent, database_url=None, time_zone=TIME_ZONE, source="b"),
            engine=engine,
            database_label=str(path),
            embedded=True,
            clock=FixedClock(NOW),
            passwords=Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
            workstation="bench",
        )

    large = context(practice_file(args.clients, args.providers))
    demo_path = Path(tempfile.mkdtemp(prefix="clinicdesk-signin-")) / "demo.sqlite"
    engine = create_database_engine(sqlite_url(demo_path))
    upgrade(engine)
    engine.dispose()
    small = context(demo_path)
    demo.ensure_demo_practice(small.uow(), small.passwords)

    def principal_of(ctx: AppContext, staff_id: int) -> Principal:
        with ctx.uow() as uow:
            member = uow.session.scalars(select(Staff).where(Staff.id == staff_id)).one()
            return auth.principal_for(member, "bench")

    people = {
        "large owner": (large, principal_of(large, OWNER_ID)),
        "large provider": (large, principal_of(large, PROVIDER_ID)),
        "demo owner": (small, principal_of(small, 1)),
    }
    assert Role.OWNER in people["demo owner"][1].roles

    def open_main(ctx: AppContext, principal: Principal) -> tuple[float, int]:
        statements[0] = 0
        started = time.perf_counter()
        window = build_main_window(ctx, principal)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        window.repaint()
        elapsed = time.perf_counter() - started
        sent = statements[0]
        window.close()
        window.deleteLater()
        app.processEvents()
        return elapsed, sent

    print(
        f"Sign-in to the main window painted: {args.providers} providers, {args.clients:,} "
        f"clients (load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    for ctx, principal in people.values():
        open_main(ctx, principal)  # warm up: style sheets, fonts, page cache
    times: dict[str, list[float]] = {name: [] for name in people}
    for run in range(args.runs):
        parts = []
        for name, (ctx, principal) in people.items():
            elapsed, sent = open_main(ctx, principal)
            times[name].append(elapsed)
            parts.append(f"{name} {elapsed * 1000:.0f} ms ({sent} statements)")
        print(f"  run {run + 1}: " + " · ".join(parts) + f" · load {os.getloadavg()[0]:.2f}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        "Median: "
        + ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in medians.items())
        + " (target <= 500 ms)"
    )
    worst = max(medians["large owner"], medians["large provider"])
    print(
        f"Ratio large practice (slower of owner and provider) / demo practice: "
        f"{worst / medians['demo owner']:.2f}x (load {os.getloadavg()[0]:.2f})"
    )
    large.close()
    small.close()


if __name__ == "__main__":
    main()
