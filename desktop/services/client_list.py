"""The client list (R1): "My Clients" and "All Clients", searched, sorted and paged by the database.

Which clients match is `client_search.py`, the orders are `client_orders.py`; this pages them,
with statements built once per shape of the list. A page is one
statement: the page's ids in order (each order read from its index, with LIMIT and OFFSET) as
a subquery, joined by `client_rows.py` to the lines' details, providers and next appointment,
so 200,000 clients cost one page. Orders in two parts (those with a birth date or an upcoming
appointment, then the others) read the second part only when the first ends within the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    bindparam,
    func,
    select,
)

from ..db.tables import Appointment, Client
from ..db.uow import UnitOfWork
from .boundary import checked
from .client_orders import (
    Part,
    birth_date_order,
    is_upcoming,
    name_order,
    next_appointment_order,
    with_clients,
)
from .client_rows import ClientRow, page_rows_in_transaction, page_statement
from .client_search import Matching, matching
from .errors import InvalidInput
from .policy import may_see_all_clients, refused
from .principal import Principal

SCOPES = ("mine", "all")
SORTS = ("name", "date_of_birth", "next_appointment")
#: the most rows one page may hold.
MAX_PAGE = 1000


@dataclass(frozen=True)
class ClientPage:
    """One page of the list and how many rows match in all.

    When the page was asked for without a count (`counted=False`) and more rows follow it,
    `total` is only what is known so far: the rows up to the page and one more. Ask
    `count_clients` for the exact figure afterwards.
    """

    rows: list[ClientRow]
    total: int
    #: the page's client ids in order (a row the principal may no longer see has no ClientRow).
    ids: list[int] = field(default_factory=list)
    #: False when `total` is a lower bound waiting for `count_clients`.
    counted: bool = True


def _require_list(principal: Principal, scope: str) -> None:
    """R1: "All Clients" is for group-wide roles; everyone may ask for their own list."""
    if scope not in SCOPES:
        raise InvalidInput("Choose My Clients or All Clients.", field="scope")
    if scope == "all" and not may_see_all_clients(principal):
        refused(
            "R1",
            "All Clients is for the Owner, Managers, Record Custodians, Schedulers and Billers. "
            "My Clients shows the clients on your list.",
        ).require()


#: past this offset a page's statement reads the rows it skips from the index alone (a jump
#: from a mark skips at most 200 rows).
SHALLOW_OFFSET = 1000


def _ids_in_parts(connection: Connection, parts: tuple[Part, ...], values: dict) -> list[int]:
    """Every id of the parts, one part after the other."""
    return [i for part in parts for i in connection.scalars(part.ordered(), values)]


def _start_after(
    connection: Connection, found: Matching, parts: tuple[Part, ...], values: dict, after: int
) -> tuple[int, tuple] | None:
    """Which part the listed client `after` is in and its keys there, to read the page just past
    it; None when it is not (or no longer) one of the matching clients."""
    upcoming = (
        select(func.min(Appointment.starts_at))
        .where(Appointment.client_id == Client.id, *is_upcoming(values["now"]))
        .scalar_subquery()
    )
    keys = found.select(Client.sort_name, Client.date_of_birth, upcoming)
    listed = with_clients(found, keys, always=True).where(found.id == after)
    known = connection.execute(listed, values).first()
    if known is None:
        return None
    name, born, next_appointment = known
    leads = {"date_of_birth": born, "next_appointment": next_appointment}
    for index, part in enumerate(parts):
        if part.lead is None:
            return index, (name, after)
        if leads[part.lead] is not None:
            return index, (leads[part.lead], name, after)
    return None


#: the principal's staff id and "now" in the statements of a list's shape (`_Shape`).
_ME = bindparam("me", type_=Integer)
_NOW = bindparam("now", type_=Appointment.starts_at.type)


@dataclass
class _Shape:
    """The matching clients and the parts of the list in one order, for one kind of principal,
    built with the principal's id and "now" as parameters (`me`, `now`), and each part's page
    statement, made at its first use (from `Part.page` and `client_rows.page_statement`)."""

    principal: Principal
    found: Matching
    parts: tuple[Part, ...]
    #: the list's scope: My Clients' matching is the provider's own list already.
    scope: str = "all"
    pages: dict[tuple[int, bool, bool], Select | None] = field(default_factory=dict)

    def page(self, index: int, seeking: bool, deep: bool) -> Select | None:
        """The page statement of part `index`, read from its start or, when `seeking`, from just
        past the keys `after_0`...; parameters `offset` (`deep`: more than a jump's few hundred
        rows) and `limit`."""
        key = (index, seeking, deep)
        if key not in self.pages:
            part = self.parts[index].after() if seeking else self.parts[index]
            page = part.page(deep)
            self.pages[key] = page_statement(
                self.principal, page, part.order_of(page), listed=self.scope == "mine"
            )
        return self.pages[key]


#: the shapes of the lists without a search, by the principal's roles, scope, status filter and
#: order: built once, as building a statement costs more than running it on a server.
_SHAPES: dict[tuple, _Shape] = {}


def _rows_in_parts(
    uow: UnitOfWork,
    principal: Principal,
    shape: _Shape,
    offset: int,
    limit: int,
    start: tuple[int, tuple] | None = None,
) -> list[ClientRow]:
    """The lines of the parts one after the other, from `offset` or from just past a row
    (`start`: its part and keys; then `offset` rows past it), at most `limit`: each part's page
    and its lines in one index-backed statement; a part before the page is counted, never
    read."""
    rows: list[ClientRow] = []
    values = {"now": uow.now(), "me": principal.staff_id}
    for index, part in enumerate(shape.parts):
        seek: tuple = ()
        if start is not None and index <= start[0]:
            if index < start[0]:
                continue
            seek, part = start[1], part.after()
        if rows:
            offset = 0
        asked = {"offset": offset, "limit": limit - len(rows), **values}
        asked.update((f"after_{i}", value) for i, value in enumerate(seek))
        statement = shape.page(index, bool(seek), offset > SHALLOW_OFFSET)
        found = page_rows_in_transaction(uow, principal, statement, asked)
        if not found and offset:
            counted = select(func.count()).select_from(part.query.subquery())
            offset = max(0, offset - (uow.session.connection().scalar(counted, asked) or 0))
        rows += found
        if len(rows) == limit:
            break
    return rows


def _shape(
    principal: Principal, scope: str, search: str, status: str | None, sort: str, descending: bool
) -> _Shape:
    """The matching clients and the queries of their ids in the order asked, one after the
    other, with the principal's id and "now" as parameters `me` and `now`. Without a search the
    shape is built once."""
    _require_list(principal, scope)
    if sort not in SORTS:
        raise InvalidInput("Sort by name, date of birth or next appointment.", field="sort")
    key = (principal.roles, scope, status, sort, descending)
    shape = None if search else _SHAPES.get(key)
    if shape is not None:
        return shape
    anyone = replace(principal, staff_id=_ME)
    found = matching(anyone, scope, search or "", status)
    if sort == "next_appointment":
        parts = next_appointment_order(found, _NOW, descending)
    elif sort == "date_of_birth":
        parts = birth_date_order(found, descending)
    else:
        parts = name_order(found, descending)
    shape = _Shape(anyone, found, parts, scope)
    if not search:
        _SHAPES[key] = shape
    return shape


@checked
def list_clients(
    uow: UnitOfWork,
    principal: Principal,
    *,
    scope: str,
    search: str = "",
    status: str | None = None,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
    count: bool = True,
    after: int | None = None,
    after_row: int | None = None,
) -> ClientPage:
    """One page of "My Clients" (scope "mine") or "All Clients" (scope "all", R1), and how
    many clients match in all.

    The page is read with one row more than asked: a page that ends the list gives the exact
    total without counting. Otherwise the matches are counted, unless `count` is False: then
    the page comes back at once with a lower bound (`counted` False), so the first page never
    waits for a count of 200,000 rows; `count_clients` gives the figure afterwards.

    `after` is the id of the client in the row before `offset` (known from the page before):
    the page is then read from just past that client by the order's keys, as quick far down as
    at the top, where an offset walks every row before it. A client no longer listed is ignored
    (the page is read by offset). `after_row`, when given, is the row of `after` further up (a
    mark kept while the list is walked): the page is then read past that client, skipping the
    rows between it and `offset`, so a jump far down walks at most those rows.
    """
    if after is not None and (isinstance(after, bool) or not isinstance(after, int)):
        raise InvalidInput("Choose a client in the list.", field="after")
    if after_row is not None and (
        isinstance(after_row, bool) or not isinstance(after_row, int) or not 0 <= after_row < offset
    ):
        raise InvalidInput("Choose a row above the page.", field="after_row")
    with uow.reading():
        shape = _shape(principal, scope, search, status, sort, descending)
        offset, limit = max(0, offset), max(1, min(limit, MAX_PAGE))
        connection = uow.session.connection()
        values = {"now": uow.now(), "me": principal.staff_id}
        start = None
        if after is not None and offset > 0:
            start = _start_after(connection, shape.found, shape.parts, values, after)
        skip = offset
        if start is not None:
            skip = offset - 1 - (offset - 1 if after_row is None else after_row)
        rows = _rows_in_parts(uow, principal, shape, skip, limit + 1, start)
        more = len(rows) > limit
        rows = rows[:limit]
        ids = [row.id for row in rows]
        counted = True
        if not more and (ids or offset == 0) and after_row is None:
            total = offset + len(ids)
        elif count:  # counted after a jump too: a client added above the mark shows in the count
            total = connection.scalar(shape.found.select(func.count()), values) or 0
        else:
            total, counted = offset + len(ids) + 1, False
        return ClientPage(rows=rows, total=total, ids=ids, counted=counted)


@checked
def count_clients(
    uow: UnitOfWork,
    principal: Principal,
    *,
    scope: str,
    search: str = "",
    status: str | None = None,
) -> int:
    """How many clients match, for a list whose first page came without a count."""
    with uow.reading():
        _require_list(principal, scope)
        found = matching(principal, scope, search or "", status)
        return uow.session.connection().scalar(found.select(func.count())) or 0


@checked
def client_ids(
    uow: UnitOfWork,
    principal: Principal,
    scope: str,
    search: str = "",
    status: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> list[int]:
    """The ids of every matching client, in order, for a lazy list that fetches rows as shown."""
    with uow.reading():
        shape = _shape(principal, scope, search, status, sort, descending)
        values = {"now": uow.now(), "me": principal.staff_id}
        return _ids_in_parts(uow.session.connection(), shape.parts, values)


@checked
def ids_after(
    uow: UnitOfWork,
    principal: Principal,
    *,
    scope: str,
    search: str = "",
    status: str | None = None,
    sort: str = "name",
    descending: bool = False,
    after: int | None = None,
    limit: int = 10_000,
) -> list[int]:
    """The ids of the `limit` matching clients that follow client `after` in the list's order
    (the first ones when `after` is None), read by the order's keys: a list walks itself this
    way a step at a time to keep a mark every few hundred rows. Empty when `after` is no longer
    listed."""
    if after is not None and (isinstance(after, bool) or not isinstance(after, int)):
        raise InvalidInput("Choose a client in the list.", field="after")
    limit = max(1, min(limit, 100_000))
    with uow.reading():
        shape = _shape(principal, scope, search, status, sort, descending)
        connection = uow.session.connection()
        values = {"now": uow.now(), "me": principal.staff_id}
        start = (0, ())
        if after is not None:
            start = _start_after(connection, shape.found, shape.parts, values, after)
            if start is None:
                return []
        found: list[int] = []
        for index, part in enumerate(shape.parts[start[0] :], start[0]):
            asked = dict(values)
            if index == start[0] and start[1]:
                part = part.after()
                asked.update((f"after_{i}", value) for i, value in enumerate(start[1]))
            ordered = part.ordered().limit(limit - len(found))
            found += connection.scalars(ordered, asked)
            if len(found) >= limit:
                break
        return found
