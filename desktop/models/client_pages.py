"""Which client sits in each row of the client list, and the rows fetched so far: the lazy half
of the list model, without Qt.

A list starts with its first page and how many clients match (one `list_clients` call). Past
the first page, every order is fetched a page at a time: from just past the client in the row
above when that row is known (scrolling on: sought by the order's keys, as quick far down as at
the top), else by offset (next appointment: the clients with one by its time, then the others
by name); a jump far down (no row above known) reads from the nearest mark above it: the list
walks its ids a step at a time while it is shown (`walk`) and keeps every 200th client. Every
id (`client_ids`) is fetched only to find a client's row far down or when the list changed
since it was loaded.
Rows are cached by client id, the most recently shown kept.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from ..services import client_list, client_rows
from ..services.client_list import ClientPage
from ..services.client_rows import ClientRow
from ..services.principal import Principal
from .client_cells import ShownRow

if TYPE_CHECKING:  # the unit of work is only passed through to the services
    from ..db.uow import UnitOfWork

log = logging.getLogger(__name__)

#: sorts whose pages are fetched by offset as the view scrolls (each has an index-backed page
#: query); any other would fetch every id once.
PAGED_SORTS = frozenset({"name", "date_of_birth", "next_appointment"})
#: rows fetched together (about two screens) when the view asks for one that is not cached.
PAGE_SIZE = 50
#: the most rows kept; the least recently shown leave first.
CACHE_ROWS = 3000
#: while shown, the list walks itself a step of this many ids at a time (by the order's keys)
#: and keeps the client of every `MARK_EVERY`th row: a jump far down reads from the mark above
#: it, past at most that many rows, instead of walking every row before it.
WALK_STEP = 2000
MARK_EVERY = 200
#: a step that takes longer than this halves the next (down to `MARK_EVERY` ids), so the
#: screen never waits long for the walk; a quick one doubles it (up to 4 x `WALK_STEP`).
WALK_PAUSE = 0.04


@dataclass(frozen=True)
class ClientQuery:
    """What the list shows: whose clients, the search text, a status, and the order."""

    #: "mine" (My Clients) or "all" (All Clients, group-wide roles only; R1).
    scope: str
    search: str = ""
    #: "active", "inactive", "discharged", or None for every status.
    status: str | None = None
    #: "name", "date_of_birth" or "next_appointment".
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class WalkStep:
    """One step of a list's walk: `limit` ids of `query` past the client `after`."""

    query: ClientQuery
    after: int
    limit: int


class ClientPages:
    """The rows of one query: their client ids in order and the rows fetched.

    It tells its owner through three callables: `failed(error)` when a fetch fails (nothing is
    raised), `changed()` when the list turned out to have changed since it was loaded (its
    count may differ: see `known_count`), and `moved()` when rows may now hold other clients
    or left the cache, so anything kept by row number must be forgotten.
    """

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        principal: Principal,
        *,
        failed: Callable[[Exception], None],
        changed: Callable[[], None],
        moved: Callable[[], None],
        page_size: int = PAGE_SIZE,
        cache_rows: int = CACHE_ROWS,
        count_later: bool = False,
    ) -> None:
        self._uow = uow
        #: on PostgreSQL, show the first page before the matches are counted.
        self.count_later = count_later
        self.principal = principal
        self._failed_with = failed
        self._changed = changed
        self._moved = moved
        self.page_size = max(1, page_size)
        self._cache_rows = max(cache_rows, 2 * self.page_size)
        self.query: ClientQuery | None = None
        #: the ids in the list's order: the first page, or all of them once `complete`.
        self.ids: list[int] = []
        self.complete = True
        #: how many clients matched when the list was loaded.
        self.total = 0
        #: False while `total` is only a lower bound (see `count`).
        self.counted = True
        self._positions: dict[int, int] | None = None
        #: ids past the first page fetched a page at a time (name order), by row number, and
        #: the first rows of the pages asked for.
        self._paged: dict[int, int] = {}
        self._pages_asked: set[int] = set()
        #: fetched rows by client id (with their cells once shown), least recently shown first.
        self._cache: OrderedDict[int, ClientRow | ShownRow] = OrderedDict()
        #: ids whose rows the principal may no longer see, or whose fetch failed.
        self.gone: set[int] = set()
        self._failed: set[int] = set()
        #: the client of every `MARK_EVERY`th row, by row, as far as the list has walked.
        self.marks: dict[int, int] = {}
        self._walked = 0
        self._walk_last: int | None = None
        self._step = WALK_STEP
        self.walked = True

    def fetch(
        self,
        query: ClientQuery,
        offset: int = 0,
        after: int | None = None,
        after_row: int | None = None,
    ) -> ClientPage:
        """A page of `query` from `offset`, and the count (raises the service's errors). On a
        PostgreSQL server, with `count_later`, the first page comes without a count: `count`
        gives it afterwards. `after`, the client in the row before, lets the page be sought by
        its keys instead of walking `offset` rows; with `after_row` (a mark further up) the rows
        between are skipped."""
        uow = self._uow()
        return client_list.list_clients(
            uow,
            self.principal,
            **asdict(query),  # the service's own names: scope, search, status, sort, order
            offset=offset,
            limit=self.page_size,
            count=offset > 0 or not self.count_later or uow.dialect != "postgresql",
            after=after,
            after_row=after_row,
        )

    def count(self) -> None:
        """Count the matches of a list whose first page came without a count (raises the
        service's errors). The rows known stay; `total` becomes the count."""
        query = self.query
        if query is None or self.counted:
            return
        total = client_list.count_clients(
            self._uow(), self.principal, scope=query.scope, search=query.search, status=query.status
        )
        self.counted = True
        self.total = max(total, len(self.ids))
        self.complete = len(self.ids) >= self.total

    def start(self, query: ClientQuery, first: ClientPage) -> None:
        """Show `query`, whose first page is `first`: everything known before is dropped."""
        rows, ids = first.rows, [row.id for row in first.rows]
        self.query = query
        self.ids = ids
        self.total = max(first.total, len(ids))
        self.counted = first.counted
        self.complete = len(ids) >= self.total
        self._positions = None
        self._paged.clear()
        self._pages_asked.clear()
        self._cache.clear()
        self.gone.clear()
        self._failed.clear()
        for row in rows:
            self._cache[row.id] = row
        self.marks = {row: ids[row] for row in range(0, len(ids), MARK_EVERY)}
        self._walked = len(ids)
        self._walk_last = ids[-1] if ids else None
        self._step = WALK_STEP
        self.walked = self.complete or query.sort not in PAGED_SORTS

    def walk(self) -> bool:
        """One step of the walk that keeps the marks, read here and now (see `next_walk_step`);
        True while more of the list remains."""
        step = self.next_walk_step()
        if step is None:
            return False
        ids, took = self.read_walk_step(step)
        return self.keep_walk_step(step, ids, took)

    def next_walk_step(self) -> WalkStep | None:
        """What the next step of the walk reads (about `WALK_STEP` ids past the last one walked,
        fewer when a step was slow), or None once the list is walked."""
        if self.walked or self.query is None or self._walk_last is None:
            self.walked = True
            return None
        return WalkStep(self.query, self._walk_last, self._step)

    def read_walk_step(self, step: WalkStep) -> tuple[list[int] | None, float]:
        """The ids of `step` and the seconds they took; None if they could not be read. It only
        reads, so it may run on another thread than the list's."""
        query, started = step.query, time.perf_counter()
        try:
            ids = client_list.ids_after(
                self._uow(),
                self.principal,
                **asdict(query),
                after=step.after,
                limit=step.limit,
            )
        except Exception as error:
            log.warning("could not walk the client list", exc_info=error)
            ids = None
        return ids, time.perf_counter() - started

    def keep_walk_step(self, step: WalkStep, ids: list[int] | None, took: float) -> bool:
        """Keep the marks of a step read (`read_walk_step`); True while more of the list remains.
        A step of an earlier query, or one already kept, changes nothing; a failed step ends the
        walk quietly (jumps then read by offset, as before)."""
        if step.query is not self.query or step.after != self._walk_last or self.walked:
            return False
        if ids is None:
            self.walked = True
            return False
        first = self._walked
        for row in range(first + (-first % MARK_EVERY), first + len(ids), MARK_EVERY):
            self.marks[row] = ids[row - first]
        self._walked += len(ids)
        if ids:
            self._walk_last = ids[-1]
        self.walked = len(ids) < step.limit
        if took > WALK_PAUSE:
            self._step = max(MARK_EVERY, step.limit // 2)
        elif took < WALK_PAUSE / 4:
            self._step = min(4 * WALK_STEP, step.limit * 2)
        return not self.walked

    def _mark_above(self, row: int) -> tuple[int, int] | None:
        """The nearest mark above `row` (its row and client), or None."""
        mark = (row - 1) - (row - 1) % MARK_EVERY
        while mark >= 0 and mark not in self.marks:
            mark -= MARK_EVERY
        return (mark, self.marks[mark]) if mark >= 0 else None

    def known_count(self) -> int:
        """How many rows the list has as far as is known now."""
        return len(self.ids) if self.complete else self.total

    # -- rows ----------------------------------------------------------------------------------

    def client_id(self, row: int) -> int | None:
        """The id of the client in `row`, or None (past the end, or not known)."""
        if 0 <= row < len(self.ids):
            return self.ids[row]
        if self.complete or not 0 <= row < self.total:
            return None
        if self.query is not None and self.query.sort in PAGED_SORTS:
            if row - row % self.page_size not in self._pages_asked:
                self._fetch_page(row)
                if self.complete:  # the list had changed: every id was fetched instead
                    return self.ids[row] if row < len(self.ids) else None
            return self._paged.get(row)
        self._load_all_ids()
        return self.ids[row] if row < len(self.ids) else None

    def row(self, row: int) -> tuple[int | None, ClientRow | ShownRow | None]:
        """The client in `row` and its row, fetched (with its page) if not cached; the row is
        None while unknown, no longer visible, or not fetched because the fetch failed."""
        ids = self.ids
        client_id = ids[row] if 0 <= row < len(ids) else self.client_id(row)
        if client_id is None:
            return None, None
        found = self._cache.get(client_id)
        if found is None:
            if client_id in self.gone or client_id in self._failed:
                return client_id, None
            self._fetch_window(row)
            return client_id, self._cache.get(client_id)
        self._cache.move_to_end(client_id)
        return client_id, found

    def keep(self, client_id: int, shown: ShownRow) -> None:
        """Keep `shown` (the row with its cells worked out) in place of the fetched row."""
        if client_id in self._cache:
            self._cache[client_id] = shown

    def row_of(self, client_id: int, *, fetch_ids: bool = True) -> int:
        """The row showing the client, or -1. Past the pages known this needs every id; with
        `fetch_ids=False` only the ids already known are looked at."""
        if not self.complete:
            if client_id in self.ids:
                return self.ids.index(client_id)
            paged = next((row for row, cid in self._paged.items() if cid == client_id), None)
            if paged is not None:
                return paged
            if not fetch_ids:
                return -1
            self._load_all_ids()
        if self._positions is None:
            self._positions = {cid: row for row, cid in enumerate(self.ids)}
        return self._positions.get(client_id, -1)

    def is_cached(self, client_id: int) -> bool:
        return client_id in self._cache

    # -- fetching ------------------------------------------------------------------------------

    def _load_all_ids(self) -> None:
        """Every matching id, in order: one query of integers, when first needed."""
        query = self.query
        if query is None:
            return
        try:
            ids = client_list.client_ids(
                self._uow(),
                self.principal,
                query.scope,
                query.search,
                query.status,
                query.sort,
                query.descending,
            )
        except Exception as error:
            log.warning("could not fetch the client list's ids", exc_info=error)
            self.complete = True  # show what is known; a refresh tries again
            self._changed()
            self._failed_with(error)
            return
        changed = ids[: len(self.ids)] != self.ids or len(ids) != self.total
        self.ids = ids
        self.complete = True
        self._positions = None
        self._paged.clear()
        self._moved()
        if changed:  # someone changed the list since its first page was read
            self._changed()

    def _fetch_window(self, row: int) -> None:
        """Fetch the rows of the page holding `row` that are not cached yet."""
        start = row - row % self.page_size
        wanted = [
            cid
            for cid in (self.client_id(r) for r in range(start, start + self.page_size))
            if cid is not None and cid not in self._cache and cid not in self.gone
        ]
        if not wanted:
            return
        try:
            rows = client_rows.client_rows(self._uow(), self.principal, wanted)
        except Exception as error:
            log.warning("could not fetch client rows", exc_info=error)
            self._failed.update(wanted)
            self._failed_with(error)
            return
        self._remember(rows, wanted)

    def _fetch_page(self, row: int) -> None:
        """The ids and rows of the page holding `row`, by its offset in the list's order."""
        start = row - row % self.page_size
        self._pages_asked.add(start)
        before = start - 1  # known when the page above was read: scrolling on seeks from it
        after = self.ids[before] if 0 <= before < len(self.ids) else self._paged.get(before)
        after_row = None
        if after is None and start > 0:  # a jump: from the nearest mark above, if any
            mark = self._mark_above(start)
            if mark is not None:
                after_row, after = mark
        try:
            page = self.fetch(self.query, start, after, after_row)
        except Exception as error:
            log.warning("could not fetch a page of the client list", exc_info=error)
            self._failed_with(error)
            return
        if not self.counted:  # a later page came counted before the first page's count
            self.counted, self.total = True, max(page.total, len(self.ids))
            self._changed()
        elif page.total != self.total:  # the list changed since it was loaded: use every id
            self._load_all_ids()
            return
        for offset, client_id in enumerate(page.ids):
            self._paged[start + offset] = client_id
        self._remember(page.rows, page.ids)

    def _remember(self, rows: list[ClientRow], wanted: list[int]) -> None:
        """Cache fetched rows; the wanted ones that did not come back are no longer visible."""
        for found in rows:
            self._cache[found.id] = found
        self.gone.update(set(wanted) - {found.id for found in rows})
        if len(self._cache) > self._cache_rows:
            self._moved()
            while len(self._cache) > self._cache_rows:
                self._cache.popitem(last=False)
