"""One pass over a large table: on SQLite, a small page cache while it lasts.

A pass that reads each page once gains nothing from a page cache, and a pooled connection's
large cache (engine.SQLITE_CACHE_KIB) would fill with pages never read again: with a small one
the memory of `audit verify` and `audit export` stays the same however long the trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

#: the page cache of a one-pass read, in KiB.
SCAN_CACHE_KIB = 2048


@contextmanager
def one_pass(connection: Connection) -> Iterator[None]:
    """A small page cache on `connection` (SQLite) inside the block; its own is restored."""
    if connection.dialect.name != "sqlite":
        yield
        return
    kept = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SCAN_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {kept}")
