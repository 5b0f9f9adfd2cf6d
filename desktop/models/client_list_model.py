"""The client list (R1) as a lazy table: client ids in the list's order, each row fetched when shown.

Shaped like Anki's browser table: the database searches and sorts; the model keeps the ordered
ids and fetches a row's details (a window of rows at a time) the first time the view asks for
it, keeping the most recently shown rows in a bounded cache.

A list costs one page however many clients match: its first page and its total come from one
`list_clients` call, and every id (`client_ids`, one query of integers) only when a row past
the first page is needed. What a row's cells say is worked out when the view first shows it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from ..services import client_list, client_rows
from ..services.client_rows import ClientRow
from ..services.principal import Principal
from .client_cells import (
    DATE_OF_BIRTH,
    HEADERS,
    MUTED,
    NAME,
    NEXT_APPOINTMENT,
    PROVIDERS,
    STATUS,
    ClientCells,
    ShownRow,
)

if TYPE_CHECKING:  # the unit of work is only passed through to the services
    from ..db.uow import UnitOfWork

log = logging.getLogger(__name__)

#: the service's sort key of each column the database sorts by; other columns are not sortable.
SORT_KEYS = {NAME: "name", DATE_OF_BIRTH: "date_of_birth", NEXT_APPOINTMENT: "next_appointment"}
#: why a column cannot be sorted, as its header's tooltip.
UNSORTABLE = {
    STATUS: "The list cannot be sorted by status. Choose a status in the filter instead.",
    PROVIDERS: "The list cannot be sorted by provider. Search or filter instead.",
}

#: the client id (int) behind a row, any column; None when the row is not known.
ClientIdRole = Qt.ItemDataRole.UserRole + 1
#: the ClientRow behind a row, any column; None while it cannot be fetched.
ClientRowRole = Qt.ItemDataRole.UserRole + 2
#: the cell's value in its own type for sorting (str, int, date or datetime; None when empty).
SortRole = Qt.ItemDataRole.UserRole + 3
#: how many linked profiles (R14, "Self") of the client the principal may see, any column.
LinkedProfilesRole = Qt.ItemDataRole.UserRole + 4

#: rows fetched together (about two screens) when the view asks for one that is not cached.
PAGE_SIZE = 50
#: the most rows kept; the least recently shown leave first.
CACHE_ROWS = 3000
#: shown in a row whose client the principal may no longer see (until the next refresh).
GONE_TEXT = "No longer on this list"
GONE_TIP = "This client is no longer on this list. Refresh the list to update it."

Index = QModelIndex | QPersistentModelIndex

# The roles as plain ints: data() compares them for every cell at every paint.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_CLIENT_ID = int(ClientIdRole)
_CLIENT_ROW = int(ClientRowRole)
_SORT = int(SortRole)
_LINKED = int(LinkedProfilesRole)
_ANSWERED = frozenset(
    {_DISPLAY, _TOOLTIP, _ACCESSIBLE, _FOREGROUND, _CLIENT_ID, _CLIENT_ROW, _SORT, _LINKED}
)


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


class ClientListModel(QAbstractTableModel):
    """The clients matching a ClientQuery, read-only, in the order the database sorts them.

    `set_query()` / `update_query()` / `sort()` / `refresh()` reset the model with the first
    page's rows already fetched. `rowCount()` is the number of matching clients; `data()`
    fetches uncached rows a page at a time with `client_rows.client_rows` (and, for the whole
    list, every id once a row past the first page is asked for). A client the principal may
    no longer see (a link ended) shows as GONE_TEXT until the next `refresh()`, which drops
    it. A failed fetch is reported through `fetch_failed` (the error), never raised from
    `data()`.
    """

    #: the error of a fetch that failed while the view was asking for rows.
    fetch_failed = Signal(object)
    #: the rows were replaced (a new query, a new sort, or a refresh); carries the new total.
    reloaded = Signal(int)

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        principal: Principal,
        time_zone: str,
        query: ClientQuery,
        parent=None,
        *,
        page_size: int = PAGE_SIZE,
        cache_rows: int = CACHE_ROWS,
    ) -> None:
        super().__init__(parent)
        self._uow = uow
        self.principal = principal
        self.time_zone = time_zone
        self._page_size = max(1, page_size)
        self._cache_rows = max(cache_rows, 2 * self._page_size)
        self._query = query
        self._cells = ClientCells(query.scope, principal.staff_id, time_zone)
        #: the ids in the list's order: the first page, or all of them once `_complete`.
        self._ids: list[int] = []
        self._complete = True
        self._total = 0
        self._positions: dict[int, int] | None = None
        #: fetched rows by client id (with their cells once shown), least recently shown first.
        self._cache: OrderedDict[int, ClientRow | ShownRow] = OrderedDict()
        #: the rows already shown, by row number: what a repaint asks first, answered at once.
        self._by_row: dict[int, ShownRow] = {}
        #: ids whose rows the principal may no longer see, or whose fetch failed.
        self._gone: set[int] = set()
        self._failed: set[int] = set()
        self._resync_pending = False

    # -- the query -----------------------------------------------------------------------------

    @property
    def query(self) -> ClientQuery:
        return self._query

    def set_query(self, query: ClientQuery) -> None:
        """Show the clients matching `query`. A refused or failed query raises the service's
        error and leaves the list as it was."""
        self._load(query)

    def update_query(self, **changes) -> None:
        """`set_query` with some fields of the current query changed: `update_query(search="ch")`."""
        self._load(replace(self._query, **changes))

    def refresh(self) -> None:
        """Search again with the same query: new, changed and no longer visible clients show."""
        self._load(self._query)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column the database can sort by; other columns leave the order as it is."""
        key = SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key != self._query.sort or descending != self._query.descending:
            self._load(replace(self._query, sort=key, descending=descending))

    @staticmethod
    def is_sortable(column: int) -> bool:
        return column in SORT_KEYS

    def sort_column(self) -> int:
        """The column the list is sorted by."""
        return next(c for c, key in SORT_KEYS.items() if key == self._query.sort)

    def sort_order(self) -> Qt.SortOrder:
        if self._query.descending:
            return Qt.SortOrder.DescendingOrder
        return Qt.SortOrder.AscendingOrder

    def _load(self, query: ClientQuery) -> None:
        # The first page and how many clients match (of maybe 200,000); every id only when a
        # row past the first page is asked for.
        page = client_list.list_clients(
            self._uow(),
            self.principal,
            scope=query.scope,
            search=query.search,
            status=query.status,
            sort=query.sort,
            descending=query.descending,
            offset=0,
            limit=self._page_size,
        )
        rows, ids = page.rows, [row.id for row in page.rows]
        total = max(page.total, len(ids))
        complete = len(ids) >= total
        self.beginResetModel()
        self._query = query
        if query.scope != self._cells.scope:
            self._cells = ClientCells(query.scope, self.principal.staff_id, self.time_zone)
        self._ids = ids
        self._total = total
        self._complete = complete
        self._positions = None
        self._by_row.clear()
        self._cache.clear()
        self._gone.clear()
        self._failed.clear()
        for row in rows:
            self._cache[row.id] = row
        if complete:
            self._gone.update(set(ids[: self._page_size]) - {row.id for row in rows})
        self.endResetModel()
        self.reloaded.emit(self._total)

    def _ids_of(self, query: ClientQuery) -> list[int]:
        return client_list.client_ids(
            self._uow(),
            self.principal,
            query.scope,
            query.search,
            query.status,
            query.sort,
            query.descending,
        )

    # -- rows ----------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many clients match the query."""
        return self._total

    def client_id(self, row: int) -> int | None:
        """The id of the client in `row`, or None (past the end, or not known)."""
        if not 0 <= row < self._total:
            return None
        if row >= len(self._ids) and not self._complete:
            self._load_all_ids()
        return self._ids[row] if row < len(self._ids) else None

    def client_row(self, row: int) -> ClientRow | None:
        """The ClientRow shown in `row`, fetched (with its window) if not cached."""
        shown = self._shown_at(row)
        return shown.row if shown is not None else None

    def _shown_at(self, row: int) -> ShownRow | None:
        ids = self._ids
        client_id = ids[row] if 0 <= row < len(ids) else self.client_id(row)
        if client_id is None:
            return None
        found = self._cache.get(client_id)
        if found is None:
            if client_id in self._gone or client_id in self._failed:
                return None
            self._fetch_window(row)
            found = self._cache.get(client_id)
            if found is None:
                return None
        else:
            self._cache.move_to_end(client_id)
        if type(found) is ClientRow:  # fetched, not shown yet: work out its cells once
            found = self._cache[client_id] = self._cells.shown(found)
        self._by_row[row] = found
        return found

    def row_of(self, client_id: int, *, fetch_ids: bool = True) -> int:
        """The row showing the client, or -1. Past the first page this needs every id; with
        `fetch_ids=False` only the ids already known are looked at."""
        if not self._complete:
            if client_id in self._ids:
                return self._ids.index(client_id)
            if not fetch_ids:
                return -1
            self._load_all_ids()
        if self._positions is None:
            self._positions = {cid: row for row, cid in enumerate(self._ids)}
        return self._positions.get(client_id, -1)

    def is_cached(self, client_id: int) -> bool:
        return client_id in self._cache

    def _load_all_ids(self) -> None:
        """Every matching id, in order: one query of integers, when first needed."""
        try:
            ids = self._ids_of(self._query)
        except Exception as error:
            log.warning("could not fetch the client list's ids", exc_info=error)
            self._complete = True  # show what is known; refresh() tries again
            self._schedule_resync()
            self.fetch_failed.emit(error)
            return
        if ids[: len(self._ids)] != self._ids:
            self._schedule_resync()  # someone changed the list since the first page
        self._ids = ids
        self._complete = True
        self._positions = None
        self._by_row.clear()
        if len(ids) != self._total:
            self._schedule_resync()

    def _fetch_window(self, row: int) -> None:
        """Fetch the rows of the page holding `row` that are not cached yet."""
        start = row - row % self._page_size
        wanted = [
            cid
            for cid in (self.client_id(r) for r in range(start, start + self._page_size))
            if cid is not None and cid not in self._cache and cid not in self._gone
        ]
        if not wanted:
            return
        try:
            rows = client_rows.client_rows(self._uow(), self.principal, wanted)
        except Exception as error:
            log.warning("could not fetch client rows", exc_info=error)
            self._failed.update(wanted)
            self.fetch_failed.emit(error)
            return
        for found in rows:
            self._cache[found.id] = found
        self._gone.update(set(wanted) - {found.id for found in rows})
        if len(self._cache) > self._cache_rows:
            self._by_row.clear()
            while len(self._cache) > self._cache_rows:
                self._cache.popitem(last=False)

    def _schedule_resync(self) -> None:
        """Bring rowCount in line with the ids after the view has finished asking for data."""
        if not self._resync_pending:
            self._resync_pending = True
            QTimer.singleShot(0, self._resync)

    def _resync(self) -> None:
        self._resync_pending = False
        self._by_row.clear()
        count = len(self._ids) if self._complete else self._total
        if count < self._total:
            self.beginRemoveRows(QModelIndex(), count, self._total - 1)
            self._total = count
            self.endRemoveRows()
        elif count > self._total:
            self.beginInsertRows(QModelIndex(), self._total, count - 1)
            self._total = count
            self.endInsertRows()
        if self._total:
            last = self.index(self._total - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.reloaded.emit(self._total)

    @property
    def cells(self) -> ClientCells:
        """What the cells of this list say (texts, tooltips, sort values)."""
        return self._cells

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return UNSORTABLE.get(section, f"Sort by {HEADERS[section].lower()}")
        return None

    def data(self, index: Index, role: int = _DISPLAY):
        # Asked for seven roles of every visible cell at each paint: a row already shown answers
        # its text and colour from one dictionary look-up; other roles it does not paint with.
        if role == _DISPLAY or role == _FOREGROUND:
            shown = self._by_row.get(index.row())
            if shown is not None:
                return (shown.texts if role == _DISPLAY else shown.colors)[index.column()]
        elif role not in _ANSWERED:
            return None
        row = index.row()
        if role == _CLIENT_ID:
            return self.client_id(row)
        shown = self._shown_at(row)
        column = index.column()
        if shown is None:
            return self._data_of_missing(row, column, role)
        if role == _DISPLAY:
            return shown.texts[column]
        if role == _FOREGROUND:
            return shown.colors[column]
        if role == _LINKED:
            return shown.linked
        if role == _TOOLTIP:
            return self._cells.tooltip(shown.row, column)
        if role == _ACCESSIBLE:
            return shown.texts[column] or "blank"
        if role == _SORT:
            return self._cells.sort_value(shown.row, column)
        if role == _CLIENT_ROW:
            return shown.row
        return None

    def _data_of_missing(self, row: int, column: int, role: int):
        known = self.client_id(row) is not None
        gone = known and self.client_id(row) in self._gone
        if role == _DISPLAY:
            return (GONE_TEXT if gone else "") if column == NAME else ""
        if role == _TOOLTIP and gone:
            return GONE_TIP
        if role == _FOREGROUND:
            return MUTED
        if role == _LINKED:
            return 0
        return None
