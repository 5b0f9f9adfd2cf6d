"""The diagnosis picker's search per keystroke over the whole ICD-10-CM code set (target: p95
<= 30 ms), against a plain LIKE scan of the same codes in SQLite measured in the same run.

Each phrase is typed one character at a time, as a provider does in the search box; every
prefix is one search. The code set is loaded first (once per session in the app).

    .venv/bin/python bench/diagnosis_search_bench.py [--rounds 5]

The ratio (LIKE scan p95 / search p95) is printed last.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from desktop.services import icd10  # noqa: E402

PHRASES = (
    "generalized anxiety",
    "F43.22",
    "major depressive recurrent",
    "low back pain",
    "adjustment disorder with mixed",
    "M54.5",
    "post traumatic stress",
    "sprain of ankle",
    "z63",
    "insomnia",
)


def keystrokes() -> list[str]:
    return [phrase[:n] for phrase in PHRASES for n in range(1, len(phrase) + 1)]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def like_scan(connection, typed: str, limit: int = 40) -> list:
    """The baseline: every word must appear somewhere in the description, or the code starts
    with what was typed; shortest descriptions first."""
    words = typed.lower().split()
    conditions = " AND ".join(f"lower(description) LIKE :w{n}" for n in range(len(words)))
    params = {f"w{n}": f"%{w}%" for n, w in enumerate(words)}
    params["code"] = typed.replace(".", "").upper() + "%"
    return connection.execute(
        text(
            f"SELECT code, description FROM icd WHERE replace(code, '.', '') LIKE :code "
            f"OR ({conditions}) ORDER BY length(description), code LIMIT {limit}"
        ),
        params,
    ).all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds

    started = time.perf_counter()
    count = icd10.load()
    print(f"code set: {icd10.CODE_SET}; {count:,} billable codes loaded in "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip
    engine = create_engine("sqlite://")  # the baseline's own table, in memory
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE icd (code TEXT PRIMARY KEY, description TEXT)"))
        connection.execute(
            text("INSERT INTO icd VALUES (:code, :description)"),
            [{"code": d.code, "description": d.description} for d in icd10.search_all()],
        )
    typed = keystrokes()
    ours, theirs = [], []
    with engine.connect() as connection:
        for _ in range(rounds):
            for prefix in typed:
                at = time.perf_counter()
                icd10.search(prefix)
                ours.append((time.perf_counter() - at) * 1000)
                at = time.perf_counter()
                like_scan(connection, prefix)
                theirs.append((time.perf_counter() - at) * 1000)
    print(f"{len(typed)} keystrokes x {rounds} rounds")
    print(
        f"search:    median {statistics.median(ours):7.2f} ms   p95 {p95(ours):7.2f} ms   "
        f"max {max(ours):7.2f} ms   target p95 <= 30 ms: {'met' if p95(ours) <= 30 else 'MISSED'}"
    )
    print(
        f"LIKE scan: median {statistics.median(theirs):7.2f} ms   p95 {p95(theirs):7.2f} ms   "
        f"max {max(theirs):7.2f} ms"
    )
    print(f"ratio (LIKE scan p95 / search p95): {p95(theirs) / p95(ours):.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
