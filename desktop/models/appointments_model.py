"""A client's appointments as a table: when, with whom, what, where, and whether it stands."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

WHEN, PROVIDER, KIND, PLACE, STATUS = range(5)
HEADERS = ("When", "With", "Type", "Place of service", "Status")

#: the appointment behind a row (any column).
AppointmentRole = Qt.ItemDataRole.UserRole + 1

_CANCELLED = QColor("#98a2ad")
Index = QModelIndex | QPersistentModelIndex


class AppointmentsTableModel(QAbstractTableModel):
    """Presents the appointments the scheduling service returned (AppointmentView), by start."""

    def __init__(self, zone: ZoneInfo | None = None, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._rows: list = []

    def set_appointments(self, appointments: list) -> None:
        self.beginResetModel()
        self._rows = list(appointments)
        self.endResetModel()

    def appointment(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.appointment(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.text(row, index.column()) or "blank"
        if role == Qt.ItemDataRole.ForegroundRole and row.status != "booked":
            return _CANCELLED
        if role == AppointmentRole:
            return row
        return None

    def text(self, row, column: int) -> str:
        if column == WHEN:
            start, end = row.starts_at, row.ends_at
            if self.zone is not None:
                start, end = start.astimezone(self.zone), end.astimezone(self.zone)
            return f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M}"
        if column == PROVIDER:
            return row.provider_name
        if column == KIND:
            return row.appointment_type or ""
        if column == PLACE:
            return f"{row.pos_code} · {row.pos_name}" if row.pos_name else row.pos_code
        if column == STATUS:
            return str(row.status).replace("_", " ").capitalize()
        return ""
