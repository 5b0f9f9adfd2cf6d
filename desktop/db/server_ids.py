"""New rows get their ids before they are written, on PostgreSQL.

An INSERT ... RETURNING is checked against the table's read policies too: a person who may
write a row but not read it back (a notice for a colleague, a client a provider adds before
the client is on their list) would be refused. Taking the ids from the tables' sequences first
means no RETURNING is needed: one query per table and flush, whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session, sessionmaker


def _needs_id(instance: object) -> str | None:
    """The table of a new row whose integer id the database would make, else None."""
    mapper = inspect(instance).mapper
    keys = mapper.primary_key
    if len(keys) != 1 or keys[0].name != "id" or keys[0].autoincrement not in (True, "auto"):
        return None
    if getattr(instance, mapper.get_property_by_column(keys[0]).key) is not None:
        return None
    if keys[0].type.python_type is not int:
        return None
    return keys[0].table.name


def _assign_ids(session: Session, _context, _instances) -> None:
    waiting: dict[str, list[object]] = defaultdict(list)
    for instance in session.new:
        table = _needs_id(instance)
        if table is not None:
            waiting[table].append(instance)
    for table, instances in waiting.items():
        ids = (
            session.connection()
            .execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
                ),
                {"table": f"public.{table}", "n": len(instances)},
            )
            .scalars()
            .all()
        )
        for instance, new_id in zip(instances, ids, strict=True):
            mapper = inspect(instance).mapper
            setattr(instance, mapper.get_property_by_column(mapper.primary_key[0]).key, new_id)


def give_ids_before_insert(factory: sessionmaker[Session]) -> None:
    """Sessions of `factory` (on PostgreSQL) number their new rows themselves."""
    event.listen(factory, "before_flush", _assign_ids)
