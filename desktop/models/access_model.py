"""Who can see a client's records, and why (B1): one row per person, one child per chart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from ..services.access_report import AccessRow, ChartAccess
from .rule_text import details_text, plain_reason, rule_codes

PERSON, SEES, WHY = range(3)
HEADERS = ("Person", "What they see", "Why")

#: the AccessRow behind a person's row, or the ChartAccess behind a chart row.
AccessRole = Qt.ItemDataRole.UserRole + 1

_PRIVATE_TEXT = QColor("#5b2a86")


def chart_sees(access: ChartAccess) -> str:
    if access.progress_notes and access.private_notes:
        return "Notes, documents and private notes"
    if access.private_notes:
        return "Private notes only"
    return "Notes and documents; no private notes"


def profile_sees(row: AccessRow) -> str:
    """ "Profile only" means demographics, appointments and Docs & Forms, no chart."""
    if not row.profile:
        return "No profile"
    count = len(row.charts)
    if count == 0:
        return "Profile only; no chart"
    return f"Profile and {count} chart{'s' if count != 1 else ''}"


class AccessTreeModel(QStandardItemModel):
    """Presents list[AccessRow] as given (the service orders people by name); read-only."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(list(HEADERS))

    def set_rows(self, rows: list[AccessRow]) -> None:
        self.clear()
        self.setHorizontalHeaderLabels(list(HEADERS))
        for row in rows:
            person = self._cells(
                (f"{row.name} · {row.roles_label}", profile_sees(row), row.profile_reason), row
            )
            bold = QFont()
            bold.setBold(True)
            person[PERSON].setFont(bold)
            for access in row.charts:
                child = self._cells(
                    (f"{access.provider_name}'s chart", chart_sees(access), access.reason), access
                )
                if access.private_notes:
                    child[SEES].setForeground(QBrush(_PRIVATE_TEXT))
                person[PERSON].appendRow(child)
            self.invisibleRootItem().appendRow(person)

    @staticmethod
    def _cells(texts: tuple[str, str, str], value) -> list[QStandardItem]:
        cells = []
        for raw in texts:
            text = plain_reason(raw)  # the rule code is for IT: in the tooltip, not the cell
            item = QStandardItem(text)
            item.setEditable(False)
            codes = rule_codes(raw)
            item.setToolTip(f"{text}\n{details_text(codes)}" if codes else text)
            item.setData(text or "blank", Qt.ItemDataRole.AccessibleTextRole)
            item.setData(value, AccessRole)
            cells.append(item)
        return cells

    def people(self) -> list[str]:
        return [self.item(row, PERSON).data(AccessRole).name for row in range(self.rowCount())]
