"""A read-only table over a list of service results, one row each; subclasses say what to show."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")

#: the service result behind a row (any column), for every RowTableModel.
RowItemRole = Qt.ItemDataRole.UserRole + 1


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows in the order given; `HEADERS` names the columns and `text(row, column)` fills the
    cells. Display, tooltip and accessible text come from `text`; `extra(row, column, role)`
    answers any other role."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_item(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_with_id(self, item_id: int) -> int:
        """The row whose result has this `id`, or -1."""
        for row, item in enumerate(self._rows):
            if getattr(item, "id", None) == item_id:
                return row
        return -1

    def text(self, item: Row, column: int) -> str:  # pragma: no cover - each model has its own
        raise NotImplementedError

    def extra(self, item: Row, column: int, role: int) -> Any:
        return None

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        item = self.row_item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(item, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.text(item, index.column()) or "blank"
        if role == RowItemRole:
            return item
        return self.extra(item, index.column(), role)
