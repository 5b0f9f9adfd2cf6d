"""The calendar's tables: open slots from Find Availability, and the dates of a repeat."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex

DAY, TIME, PROVIDER = range(3)
SLOT_HEADERS = ("Day", "Time", "Therapist")
#: the OpenSlot behind a row (any column).
SlotRole = Qt.ItemDataRole.UserRole + 1

DATE, CHECK = range(2)
OCCURRENCE_HEADERS = ("Date", "Check")
#: the OccurrenceCheck behind a row (any column).
OccurrenceRole = Qt.ItemDataRole.UserRole + 2

_CLASH = QColor("#b42318")
_FREE = QColor("#0b4f49")


def _day(moment, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}"


class OpenSlotsTableModel(QAbstractTableModel):
    """Presents Find Availability's OpenSlot tuples: day, time, therapist; in the service's order
    (by therapist, then time). Holds the tuples only; texts are made when a row is shown."""

    def __init__(self, zone: ZoneInfo, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._rows: list = []

    def set_slots(self, slots: list) -> None:
        self.beginResetModel()
        self._rows = list(slots)
        self.endResetModel()

    def slot(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(SLOT_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return SLOT_HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        slot = self.slot(index.row()) if index.isValid() else None
        if slot is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(slot, index.column())
        if role == SlotRole:
            return slot
        return None

    def text(self, slot, column: int) -> str:
        if column == DAY:
            return _day(slot.starts_at, self.zone)
        if column == TIME:
            start, end = slot.starts_at.astimezone(self.zone), slot.ends_at.astimezone(self.zone)
            return f"{start:%H:%M}–{end:%H:%M}"
        if column == PROVIDER:
            return slot.provider_name
        return ""


class OccurrencesTableModel(QAbstractTableModel):
    """Presents preview_repeats' OccurrenceCheck rows: each date, and "Free" or its clash."""

    def __init__(self, zone: ZoneInfo, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._rows: list = []

    def set_checks(self, checks: list) -> None:
        self.beginResetModel()
        self._rows = list(checks)
        self.endResetModel()

    def checks(self) -> list:
        return list(self._rows)

    def clash_count(self) -> int:
        return sum(1 for check in self._rows if check.conflict)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(OCCURRENCE_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return OCCURRENCE_HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        check = self._rows[index.row()]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            if index.column() == DATE:
                local = check.starts_at.astimezone(self.zone)
                return f"{_day(check.starts_at, self.zone)}, {local:%H:%M}"
            return f"Clash: {check.conflict}" if check.conflict else "Free"
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == CHECK:
            return _CLASH if check.conflict else _FREE
        if role == OccurrenceRole:
            return check
        return None
