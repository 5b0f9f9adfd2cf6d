"""The Records tab of a client with 2,000 notes over 10 providers, 500 providers in the practice.

Run:  .venv/bin/python -m bench.records_tab_bench [--providers 500] [--notes 2000] [--runs 5]

A practice of `--providers` providers (the client list benchmark's generator, few clients) gets
one client linked to 10 providers, each with a share of the notes (signed progress notes) and a
few chart shares between them. A provider of that client opens the client's window on the
Records tab; the time is taken from the click on the tab until the tab is painted (the charts
read, the sharing state read, the widgets built, one paint). Printed per run: the time, the SQL
statements sent and the Qt objects under the window. The baseline, measured in the same run, is
the same tab for a client with one note by one provider in the same practice; the ratio (the big
client over the small one) comes last. Not a test: it only prints.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import (  # noqa: E402
    UTC,
    datetime,
    timedelta,  # noqa: E402
)
from pathlib import Path  # noqa: E402

from bench.client_list_bench import (  # noqa: E402
    NOW,
    OWNER_ID,
    PROVIDER_ID,
    TIME_ZONE,
    practice_file,
)

#: the big client and the small one (baseline): the generated practice's first two clients.
BIG_CLIENT, SMALL_CLIENT = 1, 2
CHART_PROVIDERS = 10


def _stamp(moment: datetime) -> str:
    """A UTC moment as the app stores it in SQLite."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def add_charts(path: Path, notes: int) -> None:
    """Link the big client to 10 providers with `notes` notes between them and a few shares;
    the small client to the first provider with one note."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    created = _stamp(NOW - timedelta(days=300))
    providers = [PROVIDER_ID + n for n in range(CHART_PROVIDERS)]
    for client_id in (BIG_CLIENT, SMALL_CLIENT):
        db.execute("DELETE FROM client_provider_links WHERE client_id = ?", (client_id,))
    db.executemany(
        "INSERT INTO client_provider_links (client_id, provider_id, status, is_treating, "
        "created_at, ended_at, version) VALUES (?, ?, 'active', ?, ?, NULL, 1)",
        [(BIG_CLIENT, p, int(p == PROVIDER_ID), created) for p in providers]
        + [(SMALL_CLIENT, PROVIDER_ID, 1, created)],
    )
    rows = []
    for number in range(notes):
        author = providers[number % CHART_PROVIDERS]
        moment = _stamp(NOW - timedelta(days=300) + timedelta(hours=number * 3))
        rows.append(
            (
                BIG_CLIENT,
                author,
                (NOW - timedelta(days=300 - number // 8)).date().isoformat(),
                f"Session {number + 1}",
                "Progress in session; plan reviewed.",
                moment,
                moment,
                moment,
            )
        )
    rows.append(
        (
            SMALL_CLIENT,
            PROVIDER_ID,
            NOW.date().isoformat(),
            "Intake",
            "Intake.",
            created,
            created,
            created,
        )
    )
    db.executemany(
        "INSERT INTO chart_notes (client_id, author_id, kind, status, session_date, title, body, "
        "created_at, updated_at, signed_at, version) "
        "VALUES (?, ?, 'progress', 'signed', ?, ?, ?, ?, ?, ?, 1)",
        rows,
    )
    shares = [(BIG_CLIENT, a, b, created) for a in providers[:3] for b in providers if a != b]
    db.executemany(
        "INSERT INTO chart_shares (client_id, from_provider_id, to_provider_id, include_private, "
        f"started_at, started_by, version) VALUES (?, ?, ?, 0, ?, {OWNER_ID}, 1)",
        shares,
    )
    db.execute("COMMIT")
    db.close()


def practice(providers: int, notes: int) -> Path:
    source = practice_file(2_000, providers)
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-records-"))
    path = folder / "practice.sqlite"
    shutil.copyfile(source, path)
    add_charts(path, notes)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--notes", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, help="save the tab at two screen sizes here")
    args = parser.parse_args()

    import argon2
    from PySide6.QtCore import QObject
    from sqlalchemy import event

    from desktop.app import AppContext
    from desktop.clock import FixedClock
    from desktop.config import Config
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.services.passwords import Passwords
    from desktop.services.principal import Principal, Role
    from desktop.views.client_profile.window import ClientProfileWindow
    from desktop.views.style import ensure_application

    path = practice(args.providers, args.notes)
    app = ensure_application()
    engine = create_database_engine(sqlite_url(path))
    statements = [0]
    event.listen(
        engine,
        "before_cursor_execute",
        lambda *a, **k: statements.__setitem__(0, statements[0] + 1),
    )
    ctx = AppContext(
        config=Config(data_dir=path.parent, database_url=None, time_zone=TIME_ZONE, source="bench"),
        engine=engine,
        database_label=str(path),
        embedded=True,
        clock=FixedClock(NOW),
        passwords=Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
        workstation="bench",
    )
    provider = Principal(PROVIDER_ID, "p0@bench.example", "P", frozenset({Role.PROVIDER}), "bench")

    def open_records(client_id: int) -> tuple[float, int, int]:
        window = ClientProfileWindow(ctx, provider, client_id)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        statements[0] = 0
        started = time.perf_counter()
        window.show_tab("records")
        app.processEvents()
        window.repaint()
        elapsed = time.perf_counter() - started
        sent, objects = statements[0], len(window.findChildren(QObject))
        window.close()
        window.deleteLater()
        app.processEvents()
        return elapsed, sent, objects

    print(
        f"Records tab: {args.notes:,} notes over {CHART_PROVIDERS} providers, "
        f"{args.providers} providers in the practice (load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    open_records(SMALL_CLIENT)  # warm up: style sheets, fonts, first queries
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
        for width, height in ((1366, 768), (1920, 1080)):
            window = ClientProfileWindow(ctx, provider, BIG_CLIENT)
            window.resize(width, height)
            window.show()
            window.show_tab("records")
            app.processEvents()
            for _ in range(3):  # let the layout settle before scrolling to the sharing
                app.processEvents()
                window.records_tab.jump_to("sharing")
            window.grab().save(str(args.screenshots / f"records-sharing-{width}x{height}.png"))
            window.close()
    big, small = [], []
    for run in range(args.runs):
        b, b_sent, b_objects = open_records(BIG_CLIENT)
        s, s_sent, s_objects = open_records(SMALL_CLIENT)
        big.append(b)
        small.append(s)
        print(
            f"  run {run + 1}: big client {b * 1000:7.1f} ms ({b_sent} statements, "
            f"{b_objects:,} Qt objects) · small client {s * 1000:6.1f} ms ({s_sent} statements, "
            f"{s_objects:,} Qt objects) · load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    b_med, s_med = statistics.median(big), statistics.median(small)
    print(
        f"Median: big client {b_med * 1000:.1f} ms (target <= 300 ms), small {s_med * 1000:.1f} ms"
    )
    print(f"Ratio big / small client: {b_med / s_med:.2f}x (load {os.getloadavg()[0]:.2f})")
    ctx.close()


if __name__ == "__main__":
    main()
