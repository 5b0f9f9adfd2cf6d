"""`audit verify` over a large trail against a plain loop over the same rows.

Run:  .venv/bin/python -m bench.audit_verify_bench [--entries 100000 1000000] [--rounds 2]

For each size, an encrypted trail of that many entries, with a checkpoint signed every 500
entries as the app makes them, is generated once into a cache folder (with the key made for it)
and reused. Then, taking turns, each in a new process so its peak memory is its own:

- verify: the app's `verify_chain` as `clinicdesk audit verify` runs it (streaming, every
  signed checkpoint checked);
- plain loop: the rows read with the database driver alone (sqlcipher3, one SELECT in seq
  order) and the same hashes recomputed and compared, nothing else.

Printed per size: the best wall and CPU time of each (on a shared machine CPU time is the fair
comparison) and its peak RSS (the process's maximum resident set, read from /proc, imports
included). The last two lines: verify's peak memory at the largest size against the smallest,
and the ratio verify / plain loop at each size. Targets: within 1.3x of the plain loop; memory
that does not grow with the trail. Not a test: it only prints.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

TARGET_RATIO = 1.3
START = datetime(2020, 1, 6, 8, 0, tzinfo=UTC)
ACTIONS = ("chart.read", "chart.note_created", "share.started", "session.sign_in", "client.updated")


def trail_file(entries: int) -> tuple[Path, bytes, str]:
    """The cached trail of this size: (file, its database key, the audit public key)."""
    from desktop.db.migrate import head_revision

    folder = Path(tempfile.gettempdir()) / "clinicdesk-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"audit-{entries}-schema-{head_revision()}.sqlite"
    keys = path.with_suffix(".keys.json")
    if not path.exists() or not keys.exists():
        started = time.perf_counter()
        print(f"Generating {entries:,} audit entries into {path} …", flush=True)
        path.unlink(missing_ok=True)
        database_key, public = build_trail(path, entries)
        keys.write_text(json.dumps({"database": database_key.hex(), "audit": public}))
        keys.chmod(0o600)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    saved = json.loads(keys.read_text())
    return path, bytes.fromhex(saved["database"]), saved["audit"]


def chained_rows(entries: int, audit_key) -> Iterator[tuple[tuple, tuple | None]]:
    """Each entry's row, chained to the one before, and the checkpoint signed after it (every
    `CHECKPOINT_EVERY` entries, as the app signs them; None between)."""
    from desktop.services.audit_chain import GENESIS_HASH, canonical, chain_hash
    from desktop.services.checkpoints import CHECKPOINT_EVERY, checkpoint_message

    details_of = [
        canonical({"provider": provider, "reason": "session", "n": n})
        for provider in range(40)
        for n in range(7)
    ]
    prev = GENESIS_HASH
    for seq in range(1, entries + 1):
        moment = START + timedelta(seconds=seq * 7, microseconds=(seq * 3917) % 1_000_000)
        stored = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        action = ACTIONS[seq % len(ACTIONS)]
        label = f"provider{seq % 40}@clinic.example"
        subject = f"chart:{seq % 5000}"
        details = details_of[(seq % 40) * 7 + seq % 7]
        station = f"room-{seq % 12}"
        digest = chain_hash(
            seq, moment.isoformat(), None, label, action, None, subject, details, station, prev
        )
        point = None
        if seq % CHECKPOINT_EVERY == 0:
            signed_at = moment.isoformat()
            message = checkpoint_message(seq, digest, signed_at, audit_key.key_id)
            point = (seq, digest, stored, audit_key.key_id, audit_key.sign(message), "server")
        yield (seq, stored, label, action, subject, details, station, prev, digest), point
        prev = digest


def build_trail(path: Path, entries: int) -> tuple[bytes, str]:
    """A migrated encrypted file holding `entries` chained entries and their checkpoints.

    Written as a bulk load: the table's secondary indexes are dropped first and made once at
    the end (sorted, instead of a million random inserts into each), the rows go in with
    executemany in batches of 50,000, with no journal and no syncing (a file that fails half-way
    is thrown away: it is written under another name and renamed when complete).
    """
    from desktop.db.encryption import connect_encrypted
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.migrate import upgrade
    from desktop.services.audit_key import new_key

    database_key = secrets.token_bytes(32)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = create_database_engine(sqlite_url(partial), key=database_key)
    upgrade(engine)
    engine.dispose()
    audit_key = new_key()
    connection = connect_encrypted(partial, database_key, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        # the unique index of hashes takes random inserts: a page cache that holds it
        connection.execute("PRAGMA cache_size = -1048576")
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'audit_events' AND sql IS NOT NULL"
        ).fetchall()
        connection.execute("BEGIN")
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        rows, points, last = [], [], (0, "")
        for row, point in chained_rows(entries, audit_key):
            rows.append(row)
            if point is not None:
                points.append(point)
            if len(rows) == 50_000:
                _insert(connection, rows, points)
                last, rows, points = (row[0], row[8]), [], []
        if rows:
            last = (rows[-1][0], rows[-1][8])
        _insert(connection, rows, points)
        connection.execute("UPDATE audit_head SET last_seq = ?, last_hash = ?", last)
        for _name, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
    finally:
        connection.close()
    partial.rename(path)
    return database_key, audit_key.public_hex


def _insert(connection, rows: list[tuple], points: list[tuple]) -> None:
    if rows:
        connection.executemany(
            "INSERT INTO audit_events (seq, occurred_at, actor_id, actor_label, action,"
            " client_id, subject, details, workstation, prev_hash, hash)"
            " VALUES (?, ?, NULL, ?, ?, NULL, ?, ?, ?, ?, ?)",
            rows,
        )
    if points:
        connection.executemany(
            "INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, signature,"
            " workstation) VALUES (?, ?, ?, ?, ?, ?)",
            points,
        )


# -- the two contenders, each run in a process of its own -------------------------------------


def run_verify(path: Path, database_key: bytes, public: str) -> dict:
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.uow import UnitOfWork
    from desktop.services.audit import verify_chain

    engine = create_database_engine(sqlite_url(path), key=database_key)
    started, cpu = time.perf_counter(), time.process_time()
    result = verify_chain(UnitOfWork(engine), public_keys=[public])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    assert result.ok and result.signatures_checked, result
    return {
        "seconds": seconds,
        "cpu": cpu,
        "entries": result.checked,
        "checkpoints": result.checkpoints,
    }


def run_plain(path: Path, database_key: bytes, public: str) -> dict:
    from desktop.db.encryption import connect_encrypted
    from desktop.services.audit_chain import GENESIS_HASH, chain_hash

    connection = connect_encrypted(path, database_key)
    started, cpu = time.perf_counter(), time.process_time()
    prev, seq = GENESIS_HASH, 0
    cursor = connection.execute(
        "SELECT seq, occurred_at, actor_id, actor_label, action, client_id, subject, details,"
        " workstation, prev_hash, hash FROM audit_events ORDER BY seq"
    )
    for row in cursor:
        seq += 1
        stored = row[1]
        fraction = stored[20:26]
        iso = (
            f"{stored[:10]}T{stored[11:19]}.{fraction}+00:00"
            if fraction and fraction != "000000"
            else f"{stored[:10]}T{stored[11:19]}+00:00"
        )
        if row[0] != seq or row[9] != prev or row[10] != chain_hash(seq, iso, *row[2:10]):
            raise AssertionError(f"entry {seq} does not verify")
        prev = row[10]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    return {"seconds": seconds, "cpu": cpu, "entries": seq, "checkpoints": 0}


def run_verify_traced(path: Path, database_key: bytes, public: str) -> dict:
    """verify again, untimed, with tracemalloc on: the peak of what Python itself allocated
    while checking (imports left out)."""
    import tracemalloc

    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.uow import UnitOfWork
    from desktop.services.audit import verify_chain

    engine = create_database_engine(sqlite_url(path), key=database_key)
    tracemalloc.start()
    result = verify_chain(UnitOfWork(engine), public_keys=[public])
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    assert result.ok, result
    return {"seconds": 0.0, "cpu": 0.0, "entries": result.checked, "traced_mib": peak / 2**20}


def export_copy(path: Path, database_key: bytes) -> Path:
    """A copy of the trail for `audit export` to write its own entry into (the trail the two
    contenders read stays as built), with the Owner who exports; made once and reused."""
    import shutil

    from desktop.db.encryption import connect_encrypted

    copy = path.with_suffix(".export.sqlite")
    if not copy.exists():
        partial = copy.with_suffix(".partial")
        shutil.copyfile(path, partial)
        connection = connect_encrypted(partial, database_key)
        connection.execute(
            "INSERT INTO staff (id, email, display_name, password_hash, active, failed_sign_ins,"
            " created_at, version) VALUES (1, 'owner@clinic.example', 'Owner', 'x', 1, 0,"
            " '2020-01-01 00:00:00.000000', 1)"
        )
        connection.execute("INSERT INTO staff_roles (staff_id, role) VALUES (1, 'owner')")
        connection.commit()
        connection.close()
        partial.rename(copy)
    return copy


def run_export(path: Path, database_key: bytes, public: str) -> dict:
    """`clinicdesk audit export` of the whole trail to a CSV file (streaming), as the Owner."""
    from desktop.clock import FixedClock
    from desktop.db.engine import create_database_engine, sqlite_url
    from desktop.db.uow import UnitOfWork
    from desktop.services.audit import export_csv
    from desktop.services.principal import Principal, Role

    engine = create_database_engine(sqlite_url(path), key=database_key)
    owner = Principal(1, "owner@clinic.example", "Owner", frozenset({Role.OWNER}), "bench")
    out_path = path.with_suffix(f".{os.getpid()}.csv")
    started, cpu = time.perf_counter(), time.process_time()
    with out_path.open("w", newline="", encoding="utf-8") as out:
        count = export_csv(UnitOfWork(engine, FixedClock(START)), owner, out)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = out_path.stat().st_size
    out_path.unlink()
    engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "entries": count, "csv_mib": size / 2**20}


CONTENDERS = {"verify": run_verify, "plain loop": run_plain}
#: run once per size after the rounds: memory, not speed.
EXTRAS = {"verify traced": run_verify_traced, "export": run_export}


def peak_rss_mib() -> float:
    """This process's peak resident set since it started (VmHWM; Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(name: str, path: Path, database_key: bytes, public: str) -> tuple[dict, float]:
    """Run one contender in a new process: (its figures, its peak RSS in MiB)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.audit_verify_bench", "--child", name, str(path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "BENCH_KEYS": json.dumps([database_key.hex(), public])},
    )
    output, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{name} failed (exit {child.returncode})")
    figures = json.loads(output)
    return figures, figures["peak_mib"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        database_hex, public = json.loads(os.environ["BENCH_KEYS"])
        figures = {**CONTENDERS, **EXTRAS}[args.child[0]](
            Path(args.child[1]), bytes.fromhex(database_hex), public
        )
        figures["peak_mib"] = peak_rss_mib()
        print(json.dumps(figures))
        return

    summary: list[tuple[int, float, float]] = []
    peaks: dict[int, float] = {}
    traced: dict[int, float] = {}
    exports: dict[int, float] = {}
    for entries in args.entries:
        path, database_key, public = trail_file(entries)
        best: dict[str, float] = {}
        best_cpu: dict[str, float] = {}
        rss: dict[str, float] = {}
        print(f"\n{entries:,} entries, {args.rounds} rounds taking turns:", flush=True)
        for _ in range(args.rounds):
            for name in CONTENDERS:
                figures, peak = measure(name, path, database_key, public)
                best[name] = min(best.get(name, float("inf")), figures["seconds"])
                best_cpu[name] = min(best_cpu.get(name, float("inf")), figures["cpu"])
                rss[name] = max(rss.get(name, 0.0), peak)
                extra = f", {figures['checkpoints']} checkpoints" if figures["checkpoints"] else ""
                print(
                    f"  {name:<10} {figures['seconds']:7.2f} s wall {figures['cpu']:7.2f} s CPU"
                    f"  peak RSS {peak:6.1f} MiB  ({figures['entries']:,} entries{extra}; "
                    f"load {os.getloadavg()[0]:.2f})",
                    flush=True,
                )
        peaks[entries] = rss["verify"]
        figures, _peak = measure("verify traced", path, database_key, public)
        traced[entries] = figures["traced_mib"]
        print(f"  verify, traced: peak of Python's own allocations {traced[entries]:.1f} MiB")
        figures, peak = measure("export", export_copy(path, database_key), database_key, public)
        exports[entries] = peak
        print(
            f"  audit export: {figures['seconds']:.2f} s wall, {figures['cpu']:.2f} s CPU, "
            f"{figures['entries']:,} entries, {figures['csv_mib']:.0f} MiB of CSV, peak RSS "
            f"{peak:.1f} MiB (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        print(
            f"  best: verify {best['verify']:.2f} s wall, {best_cpu['verify']:.2f} s CPU "
            f"({entries / best_cpu['verify']:,.0f} entries per CPU second); plain loop "
            f"{best['plain loop']:.2f} s wall, {best_cpu['plain loop']:.2f} s CPU; peak RSS "
            f"verify {rss['verify']:.1f} MiB, plain loop {rss['plain loop']:.1f} MiB"
        )
        summary.append(
            (
                entries,
                best["verify"] / best["plain loop"],
                best_cpu["verify"] / best_cpu["plain loop"],
            )
        )
    smallest, largest = min(peaks), max(peaks)
    met = all(cpu <= TARGET_RATIO for _, _, cpu in summary)
    ratios = "; ".join(f"{n:,}: {wall:.2f}x wall, {cpu:.2f}x CPU" for n, wall, cpu in summary)
    print(
        f"\nverify's peak RSS {peaks[smallest]:.1f} MiB at {smallest:,} entries and "
        f"{peaks[largest]:.1f} MiB at {largest:,} ({peaks[largest] - peaks[smallest]:+.1f} MiB); "
        f"traced {traced[smallest]:.1f} and {traced[largest]:.1f} MiB"
    )
    print(
        f"audit export's peak RSS {exports[smallest]:.1f} MiB at {smallest:,} entries and "
        f"{exports[largest]:.1f} MiB at {largest:,}"
    )
    print(
        f"verify / plain loop: {ratios} (target ≤ {TARGET_RATIO}x in CPU time: "
        f"{'met' if met else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
