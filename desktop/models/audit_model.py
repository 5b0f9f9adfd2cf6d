"""The audit table (R13): entries in plain words, times in the practice's time zone, fetched a
page at a time as the table scrolls; sorting asks the database for a new first page.

Each page's cells are worked out once, when the page arrives, and handed to Qt as items it
keeps itself: painting a cell then asks C++ for its text and roles, never Python (a Python
data() is asked for seven roles of every visible cell at every paint).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from ..services.audit_query import AuditPage, AuditRow, PageMark
from ..services.audit_words import ACTION_WORDS

TIME, WHO, ACTION, WHAT, CLIENT, WORKSTATION = range(6)
HEADERS = ("Time", "Who", "Action", "What happened", "Client", "Workstation")
#: the column kept for older callers: the sentence is what the Details column used to hold.
DETAILS = WHAT
#: the service's name for each sortable column; the others keep the current order.
SORT_KEYS = {TIME: "time", WHO: "who", ACTION: "action", WORKSTATION: "workstation"}

#: how an action reads in the table; an action not listed shows as stored.
ACTION_LABELS = ACTION_WORDS

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Index = QModelIndex | QPersistentModelIndex
#: reads one page: (sort key, newest first?, after this mark or None) -> the page.
Fetch = Callable[[str, bool, PageMark | None], AuditPage]


def header_tooltip(section: int, time_zone: str) -> str:
    if section == TIME:
        return f"Times are in the practice's time zone, {time_zone}."
    if section in SORT_KEYS:
        return "Click to sort by this column; click again to reverse."
    return "Filter by this column above the table."


#: the flags of every cell.
READ_ONLY = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled


class AuditTableModel(QStandardItemModel):
    """Presents AuditRows a page at a time. `set_fetch` gives the query (the screen's filter
    bound in); `reload` reads the first page; the view's scrolling calls fetchMore. Each cell
    holds its text only: the screen's table shows that text whole as the cell's tooltip when
    asked, so a page hands Qt one value per cell."""

    def __init__(self, time_zone: str, parent=None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self._zone = ZoneInfo(time_zone)
        self.time_zone = time_zone
        self._rows: list[AuditRow] = []
        self._fetch: Fetch | None = None
        self._next: PageMark | None = None
        self.sort_key = "time"
        self.descending = True
        self.last_page: AuditPage | None = None
        #: set when a page could not be read; the screen shows it.
        self.on_error: Callable[[Exception], None] | None = None
        # Every cell Qt makes is a copy of this read-only item: painting asks C++ for the
        # flags of each cell, never a Python method.
        prototype = QStandardItem()
        prototype.setFlags(READ_ONLY)
        self.setItemPrototype(prototype)
        self.setHorizontalHeaderLabels(list(HEADERS))
        for section in range(len(HEADERS)):
            self.setHeaderData(
                section,
                Qt.Orientation.Horizontal,
                header_tooltip(section, time_zone),
                Qt.ItemDataRole.ToolTipRole,
            )

    def set_fetch(self, fetch: Fetch | None) -> None:
        self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        """Read the first page again in the current order."""
        self.beginResetModel()
        # the view learns of the new rows from the reset alone, not row by row
        self.blockSignals(True)
        try:
            self._rows, self._next = [], None
            page = self._read(None)
            rows = list(page.rows) if page is not None else []
            # the cells of rows kept are written over, not made again
            self.setRowCount(len(rows))
            if page is not None and rows:
                self._rows = rows
                self._next = page.next_mark
                self._put(0, rows)
        finally:
            self.blockSignals(False)
        self.endResetModel()

    def _read(self, after: PageMark | None) -> AuditPage | None:
        if self._fetch is None:
            return None
        try:
            page = self._fetch(self.sort_key, self.descending, after)
        except Exception as error:  # shown by the screen; the table keeps what it has
            if self.on_error is not None:
                self.on_error(error)
            self._next = None
            return None
        self.last_page = page
        return page

    def _put(self, first: int, rows: Sequence[AuditRow]) -> None:
        """Give Qt the cells of `rows`, from row `first` on (the rows exist already). The model makes its items itself: items made in Python
        and handed over would leave wrappers behind that outlive the items Qt deletes."""
        put, index, cells = self.setData, self.index, self.cells
        display = Qt.ItemDataRole.DisplayRole
        columns = range(len(HEADERS))
        for number, row in enumerate(rows, first):
            for column, text in zip(columns, cells(row), strict=True):
                put(index(number, column), text, display)

    def row(self, row: int) -> AuditRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def local_time(self, moment: datetime) -> str:
        """As TIME_FORMAT shows it (isoformat is several times quicker than strftime)."""
        return moment.astimezone(self._zone).replace(tzinfo=None).isoformat(" ", "seconds")

    @property
    def has_more(self) -> bool:
        return self._next is not None

    # -- Qt ------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._next is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or self._next is None:
            return
        page = self._read(self._next)
        if page is None or not page.rows:
            self._next = None
            return
        first = len(self._rows)
        self._rows.extend(page.rows)
        self._next = page.next_mark
        self.insertRows(first, len(page.rows))  # the view hears of the new rows once
        self.blockSignals(True)
        try:
            self._put(first, page.rows)
        finally:
            self.blockSignals(False)
        last = first + len(page.rows) - 1
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(HEADERS) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the database for the first page in this order (Qt's own sort would only order
        the rows already read)."""
        key = SORT_KEYS.get(column)
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def cells(self, row: AuditRow) -> tuple[str, ...]:
        entry = row.entry
        return (
            self.local_time(entry.occurred_at),
            row.who,
            row.action,
            row.what,
            row.client,
            entry.workstation,
        )

    def text(self, row: AuditRow, column: int) -> str:
        if column == TIME:
            return self.local_time(row.entry.occurred_at)
        if column == WHO:
            return row.who
        if column == ACTION:
            return row.action
        if column == WHAT:
            return row.what
        if column == CLIENT:
            return row.client
        if column == WORKSTATION:
            return row.entry.workstation
        return ""
