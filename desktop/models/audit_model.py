"""The audit table (R13): entries in plain words, times in the practice's time zone, fetched a
page at a time as the table scrolls; sorting asks the database for a new first page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..services.audit_query import AuditPage, AuditRow, PageMark
from ..services.audit_words import ACTION_WORDS

TIME, WHO, ACTION, WHAT, CLIENT, WORKSTATION = range(6)
HEADERS = ("Time", "Who", "Action", "What happened", "Client", "Workstation")
#: the column kept for older callers: the sentence is what the Details column used to hold.
DETAILS = WHAT
#: the service's name for each sortable column; the others keep the current order.
SORT_KEYS = {TIME: "time", WHO: "who", ACTION: "action", WORKSTATION: "workstation"}

#: the AuditRow behind a row (any column).
RowRole = Qt.ItemDataRole.UserRole + 1
#: the AuditEntry behind a row (any column).
EntryRole = Qt.ItemDataRole.UserRole + 2

#: how an action reads in the table; an action not listed shows as stored.
ACTION_LABELS = ACTION_WORDS

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: the roles as the plain numbers Qt passes to data() (compared on every cell painted).
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ROW, _ENTRY = int(RowRole), int(EntryRole)

Index = QModelIndex | QPersistentModelIndex
#: reads one page: (sort key, newest first?, after this mark or None) -> the page.
Fetch = Callable[[str, bool, PageMark | None], AuditPage]


class AuditTableModel(QAbstractTableModel):
    """Presents AuditRows a page at a time. `set_fetch` gives the query (the screen's filter
    bound in); `reload` reads the first page; the view's scrolling calls fetchMore."""

    def __init__(self, time_zone: str, parent=None) -> None:
        super().__init__(parent)
        self._zone = ZoneInfo(time_zone)
        self.time_zone = time_zone
        self._rows: list[AuditRow] = []
        #: each row's cells, made when the row is first shown (painting asks for them often).
        self._cells: list[tuple[str, ...] | None] = []
        self._fetch: Fetch | None = None
        self._next: PageMark | None = None
        self.sort_key = "time"
        self.descending = True
        self.last_page: AuditPage | None = None
        #: set when a page could not be read; the screen shows it.
        self.on_error: Callable[[Exception], None] | None = None

    def set_fetch(self, fetch: Fetch | None) -> None:
        self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        """Read the first page again in the current order."""
        self.beginResetModel()
        self._rows, self._cells, self._next = [], [], None
        page = self._read(None)
        if page is not None:
            self._rows = list(page.rows)
            self._cells = [None] * len(page.rows)
            self._next = page.next_mark
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

    def row(self, row: int) -> AuditRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def local_time(self, moment: datetime) -> str:
        return moment.astimezone(self._zone).strftime(TIME_FORMAT)

    @property
    def has_more(self) -> bool:
        return self._next is not None

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

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
        self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self._cells.extend([None] * len(page.rows))
        self._next = page.next_mark
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == TIME:
                return f"Times are in the practice's time zone, {self.time_zone}."
            if section in SORT_KEYS:
                return "Click to sort by this column; click again to reverse."
            return "Filter by this column above the table."
        return None

    def data(self, index: Index, role: int = _DISPLAY):
        if role == _DISPLAY or role == _TOOLTIP:
            number = index.row()
            if not 0 <= number < len(self._cells):
                return None
            cells = self._cells[number]
            if cells is None:
                cells = self._cells[number] = self.cells(self._rows[number])
            return cells[index.column()]
        if role == _ROW or role == _ENTRY:
            row = self.row(index.row())
            if row is None:
                return None
            return row if role == _ROW else row.entry
        return None

    def cells(self, row: AuditRow) -> tuple[str, ...]:
        return tuple(self.text(row, column) for column in range(len(HEADERS)))

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
