"""What a PostgreSQL server's sessions wait on while a benchmark runs (pg_stat_activity)."""

from __future__ import annotations

import threading
from collections import defaultdict

import psycopg


class WaitSampler:
    """What the server's sessions wait on while the 16 work: pg_stat_activity ten times a second
    (a lock on a row or a transaction is one writer queued behind another)."""

    def __init__(self, server, database: str) -> None:
        self.server, self.database, self.counts = server, database, defaultdict(int)
        self.samples, self.stop = 0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> WaitSampler:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()

    def _sample(self) -> None:
        with psycopg.connect(
            host=self.server.host, port=self.server.port, user="postgres", dbname=self.database,
            autocommit=True,
        ) as conn:  # fmt: skip
            while not self.stop.wait(0.1):
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'),"
                    " left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_activity"
                    " WHERE datname = 'clinic_day' AND state = 'active'"
                    " AND pid <> pg_backend_pid()"
                ).fetchall()
                self.samples += 1
                for wait, query in rows:
                    key = (
                        wait
                        if wait == "on CPU" or not wait.startswith("Lock")
                        else f"{wait} {query}"
                    )
                    self.counts[key] += 1

    def report(self) -> None:
        busy = sum(self.counts.values())
        print(f"  server sessions busy, {self.samples} samples (per sample: what each waits on):")
        for key, count in sorted(self.counts.items(), key=lambda c: -c[1])[:8]:
            print(
                f"    {count / max(1, self.samples):5.2f} {100 * count / max(1, busy):3.0f}% {key}"
            )
