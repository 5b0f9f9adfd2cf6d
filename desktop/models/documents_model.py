"""A client's documents as a table: name, where it is kept, when it was added and by whom, size."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from ..services.documents import DocumentInfo
from .row_table import RowItemRole, RowTableModel

NAME, PLACE, ADDED, SIZE = range(4)
HEADERS = ("File", "Kept in", "Added", "Size")

#: the DocumentInfo behind a row (any column).
DocumentRole = RowItemRole


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class DocumentsTableModel(RowTableModel[DocumentInfo]):
    """Presents list[DocumentInfo] as given (newest first); `names` maps staff ids to names."""

    HEADERS = HEADERS

    def __init__(self, zone: ZoneInfo | None = None, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._names: dict[int, str] = {}

    def set_documents(self, documents: list[DocumentInfo], names: dict[int, str]) -> None:
        self._names = dict(names)
        self.set_rows(documents)

    def document(self, row: int) -> DocumentInfo | None:
        return self.row_item(row)

    def row_of(self, document_id: int) -> int:
        return self.row_with_id(document_id)

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
