"""The client list on the encrypted embedded file against the same practice in a plain file.

Run:  .venv/bin/python -m bench.encryption_bench [--clients 200000] [--providers 500]

The practice of the client list benchmark (generated once into its cache folder) is copied into
an encrypted file with a key made for this run (SQLCipher, as the app keeps its database). Both
files are then shown by the app's ClientListModel, taking turns: the first painted page of All
Clients and of My Clients, each keystroke while typing a last name, and the services behind the
list. Printed last: the ratio encrypted / plain of each figure. Target: at most 1.25x. Not a
test: it only prints.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import secrets  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.client_list_bench import (  # noqa: E402
    DEFAULT_CLIENTS,
    DEFAULT_PROVIDERS,
    NOW,
    OWNER_ID,
    PROVIDER_ID,
    LazyContender,
    Timing,
    first_paints,
    keystrokes,
    practice_file,
)

#: the encrypted file may take at most this much longer than the plain one, for every figure.
TARGET_RATIO = 1.25


def encrypted_copy(plain: Path, key: bytes) -> Path:
    """The plain practice copied into a new file encrypted with `key` (replacing an older copy)."""
    from desktop.db.encryption import connect_encrypted, export_copy

    target = plain.with_name(plain.stem + "-encrypted.sqlite")
    for old in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        old.unlink(missing_ok=True)
    source = connect_encrypted(plain, None, isolation_level=None)
    try:
        export_copy(source, target, key=key)
    finally:
        source.close()
    return target


def table_view():
    """A table the size of the Clients screen's, not shown on any screen."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTableView

    view = QTableView()
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.resize(1000, 700)
    view.setWordWrap(False)
    view.show()
    return view


def search_word(engine) -> str:
    """A long last name about a third of the way down the list, to type."""
    from sqlalchemy import text

    with engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM clients")).scalar()
        names = connection.execute(
            text("SELECT last_name FROM clients ORDER BY sort_name, id LIMIT 400 OFFSET :o"),
            {"o": total // 3},
        ).scalars()
        plain = [n for n in names if n.isalpha() and len(n) >= 7]
    return max(plain, key=len)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--providers", type=int, default=DEFAULT_PROVIDERS)
    parser.add_argument("--repeat", type=int, default=15, help="first-paint repetitions")
    parser.add_argument("--passes", type=int, default=3, help="times the name is typed")
    args = parser.parse_args(argv)

    from desktop.clock import FixedClock
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.uow import UnitOfWork
    from desktop.services import client_list, client_rows
    from desktop.services.principal import Principal, Role
    from desktop.views.style import ensure_application

    plain_path = practice_file(args.clients, args.providers)
    key = secrets.token_bytes(32)
    started = time.perf_counter()
    encrypted_path = encrypted_copy(plain_path, key)
    print(
        f"Encrypted a copy of {plain_path.name} ({plain_path.stat().st_size / 2**20:.0f} MiB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    ensure_application()
    engines = {
        "plain": create_database_engine(sqlite_url(plain_path)),
        "encrypted": create_database_engine(sqlite_url(encrypted_path), key=key),
    }
    clock = FixedClock(NOW)
    principals = {
        "all": Principal(OWNER_ID, "owner@bench.example", "Owner", frozenset({Role.OWNER}), "b"),
        "mine": Principal(PROVIDER_ID, "p0@bench.example", "P", frozenset({Role.PROVIDER}), "b"),
    }

    def uow_of(name: str) -> Callable[[], UnitOfWork]:
        return lambda: UnitOfWork(engines[name], clock)

    makers = {
        name: (lambda view, n=name: LazyContender(view, uow_of(n), principals)) for name in engines
    }
    word = search_word(engines["plain"])
    print(f"Practice: {args.clients:,} clients, {args.providers} providers; typing '{word}'.")
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for scope in ("mine", "all"):  # warm up: imports, compiled statements, page caches
        first_paints(makers, scope, 1, set())

    results: dict[str, dict[str, Timing]] = {name: {} for name in engines}
    for scope in ("all", "mine"):
        print(f"\nFirst painted page, {'All' if scope == 'all' else 'My'} Clients:")
        for name, timing in first_paints(makers, scope, args.repeat, set()).items():
            results[name][f"paint-{scope}"] = timing
            print(timing.line(name))

    print(f"\nPer keystroke, typing '{word}' in All Clients ({args.passes} passes, in turn):")
    views = {name: table_view() for name in engines}
    contenders = {name: makers[name](views[name]) for name in engines}
    for name in engines:
        results[name]["keys"], results[name]["keys-painted"] = Timing(), Timing()
    for _ in range(args.passes):
        for name, contender in contenders.items():
            fetched, painted = keystrokes(contender, "all", word, 1)
            results[name]["keys"].wall += fetched.wall
            results[name]["keys"].cpu += fetched.cpu
            results[name]["keys-painted"].wall += painted.wall
            results[name]["keys-painted"].cpu += painted.cpu
    for name in engines:
        print(results[name]["keys"].line(f"{name}, page fetched"))
        print(results[name]["keys-painted"].line(f"{name}, page painted"))

    print("\nThe services behind the list (median of 7, in turn):")
    calls = {
        "list_clients, page + total": lambda u: client_list.list_clients(
            u(), principals["all"], scope="all", limit=50
        ),
        "client_rows, 50 rows": lambda u: client_rows.client_rows(
            u(), principals["all"], list(range(1000, 1050))
        ),
        "client_ids, every id (All)": lambda u: client_list.client_ids(
            u(), principals["all"], "all"
        ),
        f"client_ids, search '{word[:4]}'": lambda u: client_list.client_ids(
            u(), principals["all"], "all", word[:4]
        ),
    }
    for label, call in calls.items():
        timings = {name: Timing() for name in engines}
        for _ in range(7):
            for name in engines:
                timings[name].start()
                call(uow_of(name))
                timings[name].stop()
        for name in engines:
            results[name][label] = timings[name]
            print(timings[name].line(f"{label} ({name})"))

    for engine in engines.values():
        engine.dispose()
    ratios = {
        key: results["encrypted"][key].median() / results["plain"][key].median()
        for key in results["plain"]
        if key != "keys"
    }
    ratios["keystroke p95"] = results["encrypted"]["keys"].p95() / results["plain"]["keys"].p95()
    worst = max(ratios.values())
    print(
        f"\nTarget: every figure at most {TARGET_RATIO}x the plain file's: "
        f"{'met' if worst <= TARGET_RATIO else 'MISSED'} (worst {worst:.2f}x)"
    )
    print(
        "Ratios encrypted / plain (median wall clock): "
        + "; ".join(f"{key} {ratio:.2f}x" for key, ratio in ratios.items())
    )


if __name__ == "__main__":
    main()
