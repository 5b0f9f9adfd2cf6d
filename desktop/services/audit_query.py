"""The Audit screen's reading of the trail (R13): filtered, sorted pages found by keyset (the
last row's sort value and seq), so the first page and every next one read only their own rows
through an index, however long the trail. Never loads the whole trail; exports stream it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TextIO

from sqlalchemy import ColumnElement, Select, bindparam, false, select, tuple_

from ..db.name_index import prefix_end, search_words
from ..db.tables import AuditEvent, Client, ClientNameWord, Staff
from ..db.uow import UnitOfWork
from . import audit
from . import audit_page_sql as page_sql
from .audit_words import Names, action_words, sentence_with
from .boundary import checked
from .errors import InvalidInput
from .policy import may_read_audit
from .principal import Principal

#: the orders the screen offers: by time (seq), or by a column then time.
SORTS = ("time", "who", "action", "workstation")
_SORT_COLUMNS = page_sql.SORT_COLUMNS
#: a client search matching more clients than this asks for more of the name.
MAX_CLIENTS = page_sql.MAX_CLIENTS
PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show; every part optional. `client` is a name typed (every word the
    beginning of a word of the name); `actions` stored action names; `end` is exclusive."""

    start: datetime | None = None
    end: datetime | None = None
    actor_id: int | None = None
    client: str | None = None
    actions: tuple[str, ...] = ()
    workstation: str | None = None


@dataclass(frozen=True)
class PageMark:
    """Where the next page starts: after the row with this sort value and seq."""

    value: str | None
    seq: int


@dataclass(frozen=True)
class AuditRow:
    """One entry with the words the screen shows for it."""

    entry: audit.AuditEntry
    who: str
    action: str
    client: str
    what: str


@dataclass(frozen=True)
class AuditPage:
    """One page of entries; `next_mark` is None on the last page. `too_many_clients` when the
    client search matched more clients than the screen filters by."""

    rows: list[AuditRow]
    next_mark: PageMark | None
    clients_matched: int | None = None
    too_many_clients: bool = False


def _clean(wanted: AuditFilter, sort: str) -> None:
    if sort not in SORTS:
        raise InvalidInput("Choose one of the orders offered.", field="sort")
    if wanted.start and wanted.end and wanted.end <= wanted.start:
        raise InvalidInput("The end of the period must come after its start.", field="end")
    if wanted.client is not None and len(wanted.client) > 200:
        raise InvalidInput("The client's name must be at most 200 characters.", field="client")
    if wanted.workstation is not None and len(wanted.workstation) > 255:
        raise InvalidInput("The workstation name is too long.", field="workstation")
    if len(wanted.actions) > 100 or any(len(a) > 64 for a in wanted.actions):
        raise InvalidInput("Choose one of the actions offered.", field="actions")


def _client_ids(uow: UnitOfWork, text: str) -> list[int]:
    """The ids of the clients whose name the text names (every typed word the beginning of a
    word of the name), up to one more than the screen filters by."""
    words = search_words(text)
    if not words:
        return []
    ends = [prefix_end(word) for word in words]
    query = _clients_named(tuple(end is not None for end in ends))
    values: dict[str, str] = {}
    for number, (word, end) in enumerate(zip(words, ends, strict=True)):
        values[f"word_{number}"] = word
        if end is not None:
            values[f"end_{number}"] = end
    return list(uow.session.connection().execute(query, values).scalars())


@lru_cache(maxsize=32)
def _clients_named(bounded: tuple[bool, ...]) -> Select:
    """The client search as one statement with the words as parameters, made once per shape
    (how many words, which have an end), so typing a name reuses its compiled form."""
    conditions = []
    for number, has_end in enumerate(bounded):
        word = ClientNameWord.word
        same = [word >= bindparam(f"word_{number}")]
        if has_end:
            same.append(word < bindparam(f"end_{number}"))
        conditions.append(Client.id.in_(select(ClientNameWord.client_id).where(*same)))
    return select(Client.id).where(*conditions).order_by(Client.id).limit(MAX_CLIENTS + 1)


def _conditions(wanted: AuditFilter, client_ids: list[int] | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if wanted.start:
        found.append(AuditEvent.occurred_at >= wanted.start)
    if wanted.end:
        found.append(AuditEvent.occurred_at < wanted.end)
    if wanted.actor_id is not None:
        found.append(AuditEvent.actor_id == wanted.actor_id)
    if client_ids is not None:
        if not client_ids:
            found.append(false())
        elif len(client_ids) == 1:
            found.append(AuditEvent.client_id == client_ids[0])
        else:
            found.append(AuditEvent.client_id.in_(client_ids))
    if wanted.actions:
        found.append(AuditEvent.action.in_(list(wanted.actions)))
    workstation = (wanted.workstation or "").strip()
    if workstation:
        found.append(AuditEvent.workstation == workstation)
    return found


def _ordered(query: Select, sort: str, descending: bool, after: PageMark | None) -> Select:
    column = _SORT_COLUMNS.get(sort)
    if column is None:
        if after is not None:
            query = query.where(
                AuditEvent.seq < after.seq if descending else AuditEvent.seq > after.seq
            )
        return query.order_by(AuditEvent.seq.desc() if descending else AuditEvent.seq)
    if after is not None:
        mark = tuple_(column, AuditEvent.seq)
        value = tuple_(after.value or "", after.seq)
        query = query.where(mark < value if descending else mark > value)
    if descending:
        return query.order_by(column.desc(), AuditEvent.seq.desc())
    return query.order_by(column, AuditEvent.seq)


def _entry(row) -> audit.AuditEntry:
    seq, occurred_at, actor_id, label, action, client_id, subject, details, station = row[:9]
    return audit.AuditEntry(
        seq=seq,
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        client_id=client_id,
        subject=subject,
        details=json.loads(details) if details else {},
        workstation=station,
    )


#: every staff member's name (a practice has a few hundred at most).
_STAFF_NAMES = select(Staff.id, Staff.display_name)


def names_for(
    uow: UnitOfWork, entries: Iterable[audit.AuditEntry], clients: dict[int, str] | None = None
) -> Names:
    """Every staff member's name (a practice has a few hundred at most) and the names of the
    clients these entries are about (read unless `clients` has them); in the caller's
    transaction."""
    staff = {key: name for key, name in uow.session.connection().execute(_STAFF_NAMES)}
    if clients is None:
        ids = sorted({e.client_id for e in entries if e.client_id is not None})
        clients = {}
        if ids:
            rows = uow.session.execute(
                select(Client.id, Client.first_name, Client.last_name).where(Client.id.in_(ids))
            )
            clients = {row.id: f"{row.first_name} {row.last_name}" for row in rows}
    return Names(staff, clients)


def row_for(entry: audit.AuditEntry, names: Names) -> AuditRow:
    who, client = names.actor(entry), names.client(entry.client_id)
    what = sentence_with(entry, names, who, client)
    return AuditRow(entry, who, action_words(entry.action), client, what)


def _filtered(
    uow: UnitOfWork, wanted: AuditFilter
) -> tuple[list[ColumnElement[bool]], list[int] | None]:
    client_ids = None
    text = (wanted.client or "").strip()
    if text:
        client_ids = _client_ids(uow, text)
    return _conditions(wanted, client_ids[:MAX_CLIENTS] if client_ids else client_ids), client_ids


def _shape(wanted: AuditFilter, sort: str, descending: bool, after, postgresql: bool):
    """The page's shape (which statement) and the values bound into it."""
    values: dict[str, object] = {}
    client_words = None
    text = (wanted.client or "").strip()
    if text:
        words = search_words(text)
        ends = [prefix_end(word) for word in words]
        client_words = tuple(end is not None for end in ends)
        for number, (word, end) in enumerate(zip(words, ends, strict=True)):
            values[f"word_{number}"] = word
            if end is not None:
                values[f"end_{number}"] = end
    workstation = (wanted.workstation or "").strip()
    for name, value in (
        ("start", wanted.start),
        ("end", wanted.end),
        ("actor_id", wanted.actor_id),
        ("actions", list(wanted.actions) or None),
        ("workstation", workstation or None),
    ):
        if value is not None:
            values[name] = value
    if after is not None:
        values["after_seq"] = after.seq
        if sort in _SORT_COLUMNS:
            values["after_value"] = after.value or ""
    shape = page_sql.Shape(
        sort=sort,
        descending=descending,
        after=after is not None,
        start="start" in values,
        end="end" in values,
        actor="actor_id" in values,
        actions="actions" in values,
        workstation="workstation" in values,
        client_words=client_words,
        postgresql=postgresql,
    )
    return shape, values


@checked
def audit_page(
    uow: UnitOfWork,
    principal: Principal,
    wanted: AuditFilter,
    sort: str = "time",
    descending: bool = True,
    after: PageMark | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of the entries `wanted` selects, in the order chosen (R13: Owner and Record
    Custodian); pass the page's `next_mark` as `after` for the next one. The clients the name
    matches, the entries with their clients' names and the staff's names are read in one
    statement (audit_page_sql), which needs no transaction around it."""
    may_read_audit(principal).require()
    _clean(wanted, sort)
    size = max(1, min(size, 1000))
    shape, values = _shape(wanted, sort, descending, after, uow.dialect == "postgresql")
    values["size"] = size + 1
    with uow.reading():
        found = uow.session.connection().execute(page_sql.page_statement(shape), values).all()
    entries, clients, staff = [], {}, {}
    matched = None
    for row in found:
        if row[0] == page_sql.ENTRY:
            entries.append(_entry(row[1:]))
            if row[10] is not None:
                clients[row[6]] = f"{row[10]} {row[11]}"
        else:  # the facts: the staff's names, and how many clients the name matched
            staff = {int(key): name for key, name in json.loads(row[8] or "{}").items()}
            matched = row[1]
    more = len(entries) > size
    entries = entries[:size]
    names = Names(staff, clients)
    rows = [row_for(entry, names) for entry in entries]
    mark = None
    if more and entries:
        last = entries[-1]
        column = _SORT_COLUMNS.get(sort)
        mark = PageMark(getattr(last, column.key) if column is not None else None, last.seq)
    return AuditPage(
        rows,
        mark,
        clients_matched=None if matched is None else min(matched, MAX_CLIENTS),
        too_many_clients=matched is not None and matched > MAX_CLIENTS,
    )


def _stream(uow: UnitOfWork, query: Select, batch: int = 1000) -> Iterator[list[AuditRow]]:
    """The rows of `query` in batches, each with its names; memory stays one batch."""
    result = uow.session.scalars(query.execution_options(yield_per=batch))
    for events in result.partitions(batch):
        entries = [audit.to_entry(event) for event in events]
        names = names_for(uow, entries)
        yield [row_for(entry, names) for entry in entries]
        uow.session.expunge_all()


CSV_COLUMNS = [
    "entry",
    "time (UTC)",
    "who",
    "action",
    "what happened",
    "client",
    "workstation",
    "action code",
    "details",
]


@checked
def export_filtered_csv(
    uow: UnitOfWork,
    principal: Principal,
    out: TextIO,
    wanted: AuditFilter,
    sort: str = "time",
    descending: bool = True,
) -> int:
    """Write every entry `wanted` selects, in the screen's order, as CSV in plain words with the
    stored details beside them; the export is itself audited (R13)."""
    may_read_audit(principal).require()
    _clean(wanted, sort)
    with uow:
        conditions, _ids = _filtered(uow, wanted)
        query = _ordered(select(AuditEvent).where(*conditions), sort, descending, None)
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for rows in _stream(uow, query):
            for row in rows:
                entry = row.entry
                writer.writerow(
                    [
                        entry.seq,
                        entry.occurred_at.isoformat(),
                        row.who,
                        row.action,
                        row.what,
                        row.client,
                        entry.workstation,
                        entry.action,
                        json.dumps(entry.details, sort_keys=True, ensure_ascii=False),
                    ]
                )
            count += len(rows)
        audit.record(
            uow,
            principal,
            audit.Action.AUDIT_EXPORTED,
            details={"entries": count, "filter": _filter_details(wanted)},
        )
        uow.commit()
        return count


def _filter_details(wanted: AuditFilter) -> dict:
    return {
        "start": wanted.start.isoformat() if wanted.start else None,
        "end": wanted.end.isoformat() if wanted.end else None,
        "actor_id": wanted.actor_id,
        "client": wanted.client or None,
        "actions": list(wanted.actions),
        "workstation": wanted.workstation or None,
    }
