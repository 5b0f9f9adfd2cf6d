"""The calendar's "Busy" blocks on a PostgreSQL server (R10, SPEC B5).

On a server the rows of appointments whose client a person may not see never reach them; the
calendar still shows those times as "Busy", from `app.calendar_busy`, which returns when and
where only: never the client, type or note. On SQLite the services read the appointments and
blank those fields themselves (calendar_export._views); both give the same views.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime as SQLDateTime
from sqlalchemy import Select, column, func, select, type_coerce
from sqlalchemy.types import DateTime, Integer, String

from ..db.tables import Staff
from ..db.uow import UnitOfWork

#: the columns of app.calendar_busy, in order.
_COLUMNS = (
    column("appointment_id", Integer),
    column("provider_id", Integer),
    column("starts_at", DateTime(timezone=True)),
    column("ends_at", DateTime(timezone=True)),
    column("pos_code", String),
    column("series_id", Integer),
    column("version", Integer),
)


def on_server(uow: UnitOfWork) -> bool:
    return uow.session.get_bind().dialect.name == "postgresql"


def busy_rows(
    uow: UnitOfWork, provider_ids: list[int], start: datetime, end: datetime, seen: set[int]
) -> list[tuple]:
    """(id, provider_id, provider name, starts_at, ends_at, pos_code, series_id, version) of
    the booked appointments of `provider_ids` in [start, end) not among `seen`, by start."""
    busy = func.app.calendar_busy(start, end).table_valued(*_COLUMNS).alias("busy")
    query = (
        select(
            busy.c.appointment_id,
            busy.c.provider_id,
            Staff.display_name,
            busy.c.starts_at,
            busy.c.ends_at,
            busy.c.pos_code,
            busy.c.series_id,
            busy.c.version,
        )
        .join(Staff, Staff.id == busy.c.provider_id)
        .where(busy.c.provider_id.in_(list(provider_ids)))
        .order_by(busy.c.starts_at)
    )
    return [row for row in uow.session.execute(query) if row[0] not in seen]


def busy_spans(provider_ids: list[int], start: datetime, end: datetime) -> Select:
    """(provider_id, starts_at, ends_at) in naive UTC of every booked appointment of
    `provider_ids` in [start, end), the person's hidden ones included (for free-time search)."""
    busy = func.app.calendar_busy(start, end).table_valued(*_COLUMNS).alias("busy_spans")
    return select(
        busy.c.provider_id,
        type_coerce(func.timezone("UTC", busy.c.starts_at), SQLDateTime()),
        type_coerce(func.timezone("UTC", busy.c.ends_at), SQLDateTime()),
    ).where(busy.c.provider_id.in_(list(provider_ids)))
