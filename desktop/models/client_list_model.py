"""The client list (R1) as a lazy table: each row fetched when shown, the database searching
and sorting.

Shaped like Anki's browser table: `client_pages.py` knows which client sits in each row and
fetches rows a page at a time; this model answers the view from them, working out what a
row's cells say (`client_cells.py`) the first time the view shows it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

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
from .client_pages import CACHE_ROWS, PAGE_SIZE, ClientPages, ClientQuery, WalkStep

#: the thread that reads the lists' walks (one at a time: a walk is background work).
WALKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="client-list-walk")
#: how often the list looks whether the step under way has been read.
WALK_POLL_MS = 10
#: how long a list stays as it is before it starts its walk (each keystroke starts it again).
WALK_AFTER_MS = 400

if TYPE_CHECKING:  # the unit of work is only passed through to the services
    from ..db.uow import UnitOfWork

__all__ = ["ClientListModel", "ClientQuery"]

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


class ClientListModel(QAbstractTableModel):
    """The clients matching a ClientQuery, read-only, in the order the database sorts them.

    `set_query()` / `update_query()` / `sort()` / `refresh()` reset the model with the first
    page's rows already fetched. `rowCount()` is the number of matching clients; `data()`
    fetches uncached rows a page at a time (by offset in name order, else by id with
    `client_rows.client_rows` once every id is known). A client the principal may no longer
    see (a link ended) shows as GONE_TEXT until the next `refresh()`, which drops it. A
    failed fetch is reported through `fetch_failed` (the error), never raised from `data()`.
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
        count_later: bool = False,
    ) -> None:
        super().__init__(parent)
        self.principal = principal
        self.time_zone = time_zone
        self._query = query
        self._cells = ClientCells(query.scope, principal.staff_id, time_zone)
        #: a server's walk steps are read on a thread (they wait on the server); an embedded
        #: file's, quick and all Python, here between events, with no second thread to share
        #: the interpreter with the screen.
        self._walk_on_thread = uow().dialect == "postgresql"
        self._pages = ClientPages(
            uow,
            principal,
            failed=self.fetch_failed.emit,
            changed=self._schedule_resync,
            moved=self._forget_shown,
            page_size=page_size,
            cache_rows=cache_rows,
            count_later=count_later,
        )
        #: the number of rows the view is told of.
        self._total = 0
        #: the rows already shown, by row number: what a repaint asks first, answered at once.
        self._by_row: dict[int, ShownRow] = {}
        self._resync_pending = False
        #: the walk under way belongs to the query of this number.
        self._walking = 0

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
        # The first page and how many clients match (of maybe 200,000); the rest as shown.
        first = self._pages.fetch(query)
        self.beginResetModel()
        self._query = query
        if query.scope != self._cells.scope:
            self._cells = ClientCells(query.scope, self.principal.staff_id, self.time_zone)
        self._pages.start(query, first)
        self._total = self._pages.total
        self._by_row.clear()
        self.endResetModel()
        self.reloaded.emit(self._total)
        if not self._pages.counted:  # the first page is shown; the count follows
            QTimer.singleShot(0, self._count)
        self._walking += 1
        if not self._pages.walked:  # then the marks a jump far down reads from, once the list
            # has been still a moment: not while its first page is painted or a name is typed
            self._later(WALK_AFTER_MS, self._walk, self._walking)

    def stop_walking(self) -> None:
        """End the walk under way (the list is no longer shown); the next query starts another."""
        self._walking += 1

    def _later(self, ms: int, method: Callable, *args) -> None:
        """`method(*args)` from the event loop in `ms` ms, unless this list is gone by then: the
        timer holds no reference that would keep a list nobody shows alive, walking."""
        model, name = weakref.ref(self), method.__name__

        def call() -> None:
            alive = model()
            if alive is not None:
                getattr(alive, name)(*args)

        QTimer.singleShot(ms, self, call)

    def _walk(self, walking: int) -> None:
        """One step of the list's walk, then the next, until the walk ends or another query
        replaces this one. On a server the step is read on a thread of its own so the screen
        never waits for it (in next-appointment order a step can take a tenth of a second as the
        person) and its marks are kept here when it arrives."""
        if walking != self._walking:
            return
        if not self._walk_on_thread:
            if self._pages.walk():
                self._later(0, self._walk, walking)
            return
        step = self._pages.next_walk_step()
        if step is not None:
            self._await_step(walking, step, WALKER.submit(self._pages.read_walk_step, step))

    def _await_step(self, walking: int, step: WalkStep, read: Future) -> None:
        if not read.done():
            self._later(WALK_POLL_MS, self._await_step, walking, step, read)
            return
        ids, took = read.result()
        if walking == self._walking and self._pages.keep_walk_step(step, ids, took):
            self._later(0, self._walk, walking)

    @property
    def walked(self) -> bool:
        """True once the list has walked every row (or needs no walk): a jump anywhere is quick."""
        return self._pages.walked

    @property
    def counted(self) -> bool:
        """False while `total` is only the rows known so far and the count is on its way."""
        return self._pages.counted

    def _count(self) -> None:
        try:
            self._pages.count()
        except Exception as error:
            self.fetch_failed.emit(error)
            return
        self._resync()

    # -- rows ----------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many clients match the query."""
        return self._total

    def client_id(self, row: int) -> int | None:
        """The id of the client in `row`, or None (past the end, or not known)."""
        if not 0 <= row < self._total:
            return None
        return self._pages.client_id(row)

    def client_row(self, row: int) -> ClientRow | None:
        """The ClientRow shown in `row`, fetched (with its window) if not cached."""
        shown = self._shown_at(row)
        return shown.row if shown is not None else None

    def _shown_at(self, row: int) -> ShownRow | None:
        if not 0 <= row < self._total:
            return None
        client_id, found = self._pages.row(row)
        if found is None:
            return None
        if type(found) is ClientRow:  # fetched, not shown yet: work out its cells once
            found = self._cells.shown(found)
            self._pages.keep(client_id, found)
        self._by_row[row] = found
        return found

    def row_of(self, client_id: int, *, fetch_ids: bool = True) -> int:
        """The row showing the client, or -1. Past the pages known this needs every id; with
        `fetch_ids=False` only the ids already known are looked at."""
        return self._pages.row_of(client_id, fetch_ids=fetch_ids)

    def is_cached(self, client_id: int) -> bool:
        return self._pages.is_cached(client_id)

    def _forget_shown(self) -> None:
        self._by_row.clear()

    def _schedule_resync(self) -> None:
        """Bring rowCount in line with the ids after the view has finished asking for data."""
        if not self._resync_pending:
            self._resync_pending = True
            QTimer.singleShot(0, self._resync)

    def _resync(self) -> None:
        self._resync_pending = False
        self._by_row.clear()
        count = self._pages.known_count()
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
        client_id = self.client_id(row)
        gone = client_id is not None and client_id in self._pages.gone
        if role == _DISPLAY:
            return (GONE_TEXT if gone else "") if column == NAME else ""
        if role == _TOOLTIP and gone:
            return GONE_TIP
        if role == _FOREGROUND:
            return MUTED
        if role == _LINKED:
            return 0
        return None
