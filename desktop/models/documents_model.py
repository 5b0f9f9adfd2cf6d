"""A client's documents as a table: name, where it is kept, when it was added and by whom, size."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..services.documents import DocumentInfo

NAME, PLACE, ADDED, SIZE = range(4)
HEADERS = ("File", "Kept in", "Added", "Size")

#: the DocumentInfo behind a row (any column).
DocumentRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class DocumentsTableModel(QAbstractTableModel):
    """Presents list[DocumentInfo] as given (newest first); `names` maps staff ids to names."""

    def __init__(self, zone: ZoneInfo | None = None, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._documents: list[DocumentInfo] = []
        self._names: dict[int, str] = {}

    def set_documents(self, documents: list[DocumentInfo], names: dict[int, str]) -> None:
        self.beginResetModel()
        self._documents = list(documents)
        self._names = dict(names)
        self.endResetModel()

    def document(self, row: int) -> DocumentInfo | None:
        return self._documents[row] if 0 <= row < len(self._documents) else None

    def row_of(self, document_id: int) -> int:
        for row, document in enumerate(self._documents):
            if document.id == document_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._documents)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        document = self.document(index.row()) if index.isValid() else None
        if document is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(document, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.text(document, index.column()) or "blank"
        if role == DocumentRole:
            return document
        return None

    def _name(self, staff_id: int | None) -> str:
        return self._names.get(staff_id or -1, "a former staff member")

    def text(self, document: DocumentInfo, column: int) -> str:
        if column == NAME:
            return document.file_name
        if column == PLACE:
            if document.category == "clinical":
                return f"Clinical · {self._name(document.owner_provider_id)}'s chart"
            return "Docs & Forms"
        if column == ADDED:
            added = document.uploaded_at
            if self.zone is not None and added.tzinfo is not None:
                added = added.astimezone(self.zone)
            return f"{added:%d %b %Y} by {self._name(document.uploaded_by)}"
        if column == SIZE:
            return size_text(document.size_bytes)
        return ""
