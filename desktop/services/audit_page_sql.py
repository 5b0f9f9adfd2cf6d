"""The Audit screen's page as ONE statement: the clients the typed name matches, the page of
entries (each with its client's name) and every staff member's name, read together, so a page
costs one statement (and on a server one round trip), whatever the filters.

The statement is a UNION ALL of two parts, told apart by the `part` column and put in order by
it:

- part 0: the page's entries, in the screen's order, with their client's first and last name;
- part 1, one row: every staff member's name by id as a JSON object (in `details`; a practice
  has a few hundred at most), and when a client's name is typed, how many clients it matches,
  up to one more than the screen filters by (in `seq`).

The matched clients are a CTE read once. On PostgreSQL each of them gives its own first entries
through the (client, seq) index (a LATERAL subquery), which are then merged, so a name matching
one client reads that client's page and no more, and the planner has no room for a scan of the
whole trail; SQLite, which has no LATERAL, reads the matched clients' entries through the same
index (`client_id IN (...)`). One statement is built per shape of the filter (which parts are
set, how many words the name has) and kept, so typing reuses its compiled form.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    Text,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    null,
    select,
    true,
    tuple_,
    union_all,
)

from ..db.tables import AuditEvent, Client, ClientNameWord, Staff

#: the orders the screen offers: by time (seq), or by a column then time.
SORT_COLUMNS = {
    "who": AuditEvent.actor_label,
    "action": AuditEvent.action,
    "workstation": AuditEvent.workstation,
}
#: a client search matching more clients than this asks for more of the name.
MAX_CLIENTS = 50

#: the parts of the statement's rows: the page's entries, then one row of facts.
ENTRY, FACTS = 0, 1

#: the columns an entry is read back from (not the hashes), in this order in every row.
ENTRY_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.occurred_at,
    AuditEvent.actor_id,
    AuditEvent.actor_label,
    AuditEvent.action,
    AuditEvent.client_id,
    AuditEvent.subject,
    AuditEvent.details,
    AuditEvent.workstation,
)


@dataclass(frozen=True)
class Shape:
    """What a page's statement depends on besides its values: each is one statement."""

    sort: str
    descending: bool
    after: bool
    start: bool
    end: bool
    actor: bool
    actions: bool
    workstation: bool
    #: per typed word of a client's name, whether its range has an end; None: no name typed;
    #: () a name typed with no words to match (it matches nobody).
    client_words: tuple[bool, ...] | None
    postgresql: bool


def _matched(words: tuple[bool, ...]):
    """The clients whose name has a word beginning with each typed word, lowest ids first, up
    to one more than the screen filters by."""
    conditions: list[ColumnElement[bool]] = []
    for number, has_end in enumerate(words):
        same = [ClientNameWord.word >= bindparam(f"word_{number}")]
        if has_end:
            same.append(ClientNameWord.word < bindparam(f"end_{number}"))
        conditions.append(Client.id.in_(select(ClientNameWord.client_id).where(*same)))
    if not conditions:
        conditions.append(false())
    found = select(Client.id).where(*conditions).order_by(Client.id).limit(MAX_CLIENTS + 1)
    return found.cte("matched")


def _conditions(shape: Shape) -> list[ColumnElement[bool]]:
    """The filters other than the client, and the keyset mark."""
    found: list[ColumnElement[bool]] = []
    if shape.start:
        found.append(AuditEvent.occurred_at >= bindparam("start"))
    if shape.end:
        found.append(AuditEvent.occurred_at < bindparam("end"))
    if shape.actor:
        found.append(AuditEvent.actor_id == bindparam("actor_id"))
    if shape.actions:
        found.append(AuditEvent.action.in_(bindparam("actions", expanding=True)))
    if shape.workstation:
        found.append(AuditEvent.workstation == bindparam("workstation"))
    if shape.after:
        column = SORT_COLUMNS.get(shape.sort)
        seq = bindparam("after_seq")
        if column is None:
            found.append(AuditEvent.seq < seq if shape.descending else AuditEvent.seq > seq)
        else:
            mark, value = tuple_(column, AuditEvent.seq), tuple_(bindparam("after_value"), seq)
            found.append(mark < value if shape.descending else mark > value)
    return found


def _order(shape: Shape, seq, column=None) -> list:
    keys = [seq] if column is None else [column, seq]
    return [key.desc() for key in keys] if shape.descending else keys


def _entries(shape: Shape, matched) -> Select:
    """The page's entries with their client's name, in no particular order (the union orders)."""
    conditions = _conditions(shape)
    column = SORT_COLUMNS.get(shape.sort)
    size = bindparam("size")
    if matched is None or not shape.postgresql:
        if matched is not None:
            chosen = select(matched.c.id).order_by(matched.c.id).limit(MAX_CLIENTS)
            conditions.append(AuditEvent.client_id.in_(chosen))
        keys = (
            select(AuditEvent.seq)
            .where(*conditions)
            .order_by(*_order(shape, AuditEvent.seq, column))
            .limit(size)
            .subquery("keys")
        )
    else:
        chosen = select(matched.c.id).order_by(matched.c.id).limit(MAX_CLIENTS).subquery("chosen")
        sort_columns = [AuditEvent.seq] if column is None else [AuditEvent.seq, column]
        own = (
            select(*sort_columns)
            .where(AuditEvent.client_id == chosen.c.id, *conditions)
            .order_by(*_order(shape, AuditEvent.seq, column))
            .limit(size)
            .lateral("own")
        )
        keys = (
            select(own.c.seq)
            .select_from(chosen)
            .join(own, true())
            .order_by(*_order(shape, own.c.seq, own.c[column.key] if column is not None else None))
            .limit(size)
            .subquery("keys")
        )
    return (
        select(*ENTRY_COLUMNS, Client.first_name, Client.last_name)
        .select_from(keys)
        .join(AuditEvent, AuditEvent.seq == keys.c.seq)
        .outerjoin(Client, Client.id == AuditEvent.client_id)
    )


@lru_cache(maxsize=64)
def page_statement(shape: Shape) -> CompoundSelect:
    """The one statement of a page of this shape; its values are bound by name: `size` (rows
    to read), `start`, `end`, `actor_id`, `actions`, `workstation`, `after_value`, `after_seq`,
    and per typed word `word_<n>` and `end_<n>`."""
    matched = None if shape.client_words is None else _matched(shape.client_words)
    entries = _entries(shape, matched).subquery("page")
    if shape.postgresql:
        staff_names = cast(func.json_object_agg(Staff.id, Staff.display_name), Text)
    else:
        staff_names = func.json_group_object(Staff.id, Staff.display_name)
    names = select(staff_names).scalar_subquery()
    count = (
        null() if matched is None else select(func.count()).select_from(matched).scalar_subquery()
    )
    # the facts row: how many clients matched in `seq`, the staff's names in `details`
    facts = [literal_column(str(FACTS)), count] + [null()] * 6 + [names, null(), null(), null()]
    union = union_all(select(literal_column(str(ENTRY)).label("part"), *entries.c), select(*facts))
    result = union.selected_columns
    column = SORT_COLUMNS.get(shape.sort)
    sort = None if column is None else result[column.key]
    return union.order_by(result.part, *_order(shape, result.seq, sort))
