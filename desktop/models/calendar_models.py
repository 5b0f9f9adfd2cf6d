"""The calendar's lists: open slots from Find Availability by day and therapist, and the dates
of a repeat."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel

Index = QModelIndex | QPersistentModelIndex

#: the OpenSlot behind a slot's row (none on a day's group row).
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


class OpenSlotsTreeModel(QStandardItemModel):
    """Presents Find Availability's OpenSlot tuples grouped by day, then therapist: a row
    "Wed 5 Mar 2025 · Ana Castillo — 3 open" holds that therapist's slots of the day, one row
    each ("09:50–10:40"). `slots` keeps them in the order shown; `slot_index(n)` finds one."""

    def __init__(self, zone: ZoneInfo, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.slots: list = []
        self._indexes: list[QPersistentModelIndex] = []

    def set_slots(self, slots: list) -> None:
        self.clear()
        groups: dict[tuple, list] = {}
        for slot in slots:
            local = slot.starts_at.astimezone(self.zone)
            key = (local.date(), slot.provider_name.lower(), slot.provider_id)
            groups.setdefault(key, []).append(slot)
        self.slots, self._indexes = [], []
        for key in sorted(groups):
            found = sorted(groups[key], key=lambda s: s.starts_at)
            first = found[0]
            count = len(found)
            title = (
                f"{_day(first.starts_at, self.zone)} · {first.provider_name} — "
                f"{count} open slot{'s' if count != 1 else ''}"
            )
            group = QStandardItem(title)
            group.setEditable(False)
            group.setSelectable(False)
            for slot in found:
                child = QStandardItem(self.time_text(slot))
                child.setEditable(False)
                child.setData(slot, SlotRole)
                child.setData(
                    f"{self.time_text(slot)}, {first.provider_name}, "
                    f"{_day(slot.starts_at, self.zone)}",
                    Qt.ItemDataRole.AccessibleTextRole,
                )
                group.appendRow(child)
                self.slots.append(slot)
            self.invisibleRootItem().appendRow(group)
            for row in range(group.rowCount()):
                self._indexes.append(QPersistentModelIndex(group.child(row).index()))

    def time_text(self, slot) -> str:
        start, end = slot.starts_at.astimezone(self.zone), slot.ends_at.astimezone(self.zone)
        return f"{start:%H:%M}–{end:%H:%M}"

    def slot_index(self, number: int) -> QModelIndex:
        """The row of the `number`-th slot in the order shown (invalid when there is none)."""
        if 0 <= number < len(self._indexes):
            return QModelIndex(self._indexes[number])
        return QModelIndex()

    def slot_at(self, index: Index):
        return index.data(SlotRole) if index.isValid() else None


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
