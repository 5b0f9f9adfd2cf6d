"""The colleagues of one chart's sharing section (R5): name, state of sharing, and the action."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..services.access_report import ShareRow

COLLEAGUE, STATE, ACTION = range(3)
SHARE, END_SHARING = "Share", "End Sharing"

#: the ShareRow behind a row.
ShareRowRole = Qt.ItemDataRole.UserRole + 1
#: whether the row's action may be taken (the section's decision).
ActionEnabledRole = Qt.ItemDataRole.UserRole + 2

_SHARED = QColor("#0b4f49")
_NOT_SHARED = QColor("#7b8794")

Index = QModelIndex | QPersistentModelIndex


class ShareRowsModel(QAbstractTableModel):
    """One row per colleague, as the service ordered them; read-only. `describe` gives the
    plain-words state of a row; `refusal` is why the actions are closed, or None when open."""

    def __init__(
        self,
        rows: list[ShareRow],
        chart_owner: str,
        describe: Callable[[ShareRow], str],
        refusal: str | None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.rows = rows
        self.chart_owner = chart_owner
        self.refusal = refusal
        self._states = [describe(row) for row in rows]
        self._by_provider = {row.provider_id: number for number, row in enumerate(rows)}

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def row_of(self, provider_id: int) -> int | None:
        return self._by_provider.get(provider_id)

    def state_text(self, provider_id: int) -> str:
        return self._states[self._by_provider[provider_id]]

    def action_text(self, provider_id: int) -> str:
        return END_SHARING if self.rows[self._by_provider[provider_id]].share else SHARE

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role == ShareRowRole:
            return row
        if role == ActionEnabledRole:
            return self.refusal is None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COLLEAGUE:
                return row.provider_name
            if column == STATE:
                return self._states[index.row()]
            return END_SHARING if row.share else SHARE
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ACTION:
                return self.refusal or ""
            return row.provider_name if column == COLLEAGUE else self._states[index.row()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == ACTION:
                verb = "End sharing" if row.share else "Share"
                return f"{verb} {self.chart_owner}'s chart with {row.provider_name}"
            if column == STATE:
                return f"Sharing with {row.provider_name}: {self._states[index.row()]}"
            return f"Colleague {row.provider_name}"
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            return _SHARED if row.share else _NOT_SHARED
        return None
