"""A client's appointments as a table: when, with whom, what, where, and whether it stands."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..services.appointment_status import STATUS_LABELS
from .row_table import RowItemRole, RowTableModel

WHEN, PROVIDER, KIND, PLACE, STATUS = range(5)
HEADERS = ("When", "With", "Type", "Place of service", "Status")

#: the appointment behind a row (any column).
AppointmentRole = RowItemRole

_CANCELLED = QColor("#98a2ad")


class AppointmentsTableModel(RowTableModel):
    """Presents the appointments the scheduling service returned (AppointmentView), by start."""

    HEADERS = HEADERS

    def __init__(self, zone: ZoneInfo | None = None, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone

    def set_appointments(self, appointments: list) -> None:
        self.set_rows(appointments)

    def appointment(self, row: int):
        return self.row_item(row)

    def extra(self, row, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and row.status != "booked":
            return _CANCELLED
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
            words = STATUS_LABELS.get(row.visit_status, "")
            if row.visit_status in ("cancelled", "late_cancel") and row.cancel_reason:
                return f"{words}: {row.cancel_reason}"
            return words
        return ""
