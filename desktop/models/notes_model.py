"""A client's chart notes as a tree: one row per chart, its notes, their addenda; private
psychotherapy notes kept apart under their own heading and marked in purple."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from ..services.charts import ChartView, ClientRecords, NoteView

DATE, TITLE, KIND, STATUS = range(4)
HEADERS = ("Session", "Title", "Kind", "Status")

#: the NoteView behind a note or addendum row (any column).
NoteRole = Qt.ItemDataRole.UserRole + 1
#: the ChartView a row belongs to (any row, any column).
ChartRole = Qt.ItemDataRole.UserRole + 2
#: "chart", "private-group", "note", "addendum" or "empty".
RowKindRole = Qt.ItemDataRole.UserRole + 3

PRIVATE_LABEL = "Private psychotherapy note"
PROGRESS_LABEL = "Progress note"
PRIVATE_GROUP = "Private psychotherapy notes · kept apart from the chart notes"
_PRIVATE_TEXT = QColor("#5b2a86")
_PRIVATE_BACKGROUND = QColor("#f6f0fb")
_DRAFT_TEXT = QColor("#8a5a00")
_MUTED = QColor("#7b8794")

Index = QModelIndex | QPersistentModelIndex


def chart_heading(chart: ChartView, viewer_id: int) -> str:
    """ "Your chart" or "Dr. Daniel Lee's chart", with how many notes it shows."""
    count = len(chart.notes) + len(chart.private_notes or [])
    whose = "Your chart" if chart.provider_id == viewer_id else f"{chart.provider_name}'s chart"
    if chart.provider_id == viewer_id:
        whose = f"{whose} ({chart.provider_name})"
    return f"{whose} · {count} note{'s' if count != 1 else ''}"


def status_text(note: NoteView, zone: ZoneInfo | None) -> str:
    if note.status != "signed":
        return "Draft · only you see it"
    signed = note.signed_at
    if signed is None:
        return "Signed"
    if zone is not None and signed.tzinfo is not None:
        signed = signed.astimezone(zone)
    return f"Signed {signed:%d %b %Y}"


class NotesModel(QStandardItemModel):
    """Presents ClientRecords as given (the service orders charts and notes); read-only."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.zone: ZoneInfo | None = None
        #: (row, parent index) of the rows whose first column spans the whole width.
        self.spanned: list[tuple[int, QModelIndex]] = []

    def set_records(
        self, records: ClientRecords | None, viewer_id: int, zone: ZoneInfo | None = None
    ) -> None:
        self.zone = zone
        self.clear()
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.spanned = []
        root = self.invisibleRootItem()
        for chart in records.charts if records else []:
            heading = self._heading(chart_heading(chart, viewer_id), chart, "chart")
            root.appendRow(self._spanning(heading))
            for note in chart.notes:
                heading.appendRow(self._note_row(note, chart))
            if chart.private_notes:
                group = self._heading(PRIVATE_GROUP, chart, "private-group")
                group.setForeground(QBrush(_PRIVATE_TEXT))
                group.setBackground(QBrush(_PRIVATE_BACKGROUND))
                heading.appendRow(self._spanning(group))
                for note in chart.private_notes:
                    group.appendRow(self._note_row(note, chart))
            if not chart.notes and not chart.private_notes:
                empty = self._heading("No notes in this chart yet.", chart, "empty")
                empty.setForeground(QBrush(_MUTED))
                empty.setFont(QFont())
                heading.appendRow(self._spanning(empty))
        self.spanned = self._spanned_rows()

    # -- reading back --------------------------------------------------------------------------

    def note(self, index: Index) -> NoteView | None:
        return index.data(NoteRole) if index.isValid() else None

    def chart(self, index: Index) -> ChartView | None:
        return index.data(ChartRole) if index.isValid() else None

    def index_of_note(self, note_id: int) -> QModelIndex:
        """The first-column index of the note or addendum with this id, or an invalid index."""
        for index in self._walk(QModelIndex()):
            note = index.data(NoteRole)
            if note is not None and note.id == note_id:
                return index
        return QModelIndex()

    def note_count(self) -> int:
        return sum(1 for index in self._walk(QModelIndex()) if index.data(NoteRole) is not None)

    # -- building ------------------------------------------------------------------------------

    @staticmethod
    def _heading(text: str, chart: ChartView, kind: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setData(chart, ChartRole)
        item.setData(kind, RowKindRole)
        item.setToolTip(text)
        font = QFont()
        font.setBold(True)
        item.setFont(font)
        return item

    @staticmethod
    def _spanning(item: QStandardItem) -> list[QStandardItem]:
        row = [item]
        for _ in range(len(HEADERS) - 1):
            filler = QStandardItem("")
            filler.setEditable(False)
            filler.setData(item.data(ChartRole), ChartRole)
            filler.setData(item.data(RowKindRole), RowKindRole)
            row.append(filler)
        return row

    def _note_row(self, note: NoteView, chart: ChartView) -> list[QStandardItem]:
        row = self._cells(note, chart, "note")
        for addendum in note.addenda:
            row[0].appendRow(self._cells(addendum, chart, "addendum"))
        return row

    def _cells(self, note: NoteView, chart: ChartView, kind: str) -> list[QStandardItem]:
        private = note.kind == "private"
        title = note.title or ("Addendum" if kind == "addendum" else "Untitled note")
        if kind == "note" and note.addenda:
            count = len(note.addenda)
            title = f"{title} (with {count} addend{'um' if count == 1 else 'a'})"
        texts = {
            DATE: f"{note.session_date:%d %b %Y}" if note.session_date else "No date",
            TITLE: title,
            KIND: PRIVATE_LABEL if private else PROGRESS_LABEL,
            STATUS: status_text(note, self.zone),
        }
        cells = []
        for column in range(len(HEADERS)):
            item = QStandardItem(texts[column])
            item.setEditable(False)
            item.setToolTip(texts[column])
            item.setData(note, NoteRole)
            item.setData(chart, ChartRole)
            item.setData(kind, RowKindRole)
            item.setData(texts[column] or "blank", Qt.ItemDataRole.AccessibleTextRole)
            if private:
                item.setForeground(QBrush(_PRIVATE_TEXT))
                item.setBackground(QBrush(_PRIVATE_BACKGROUND))
            if column == STATUS and note.status != "signed":
                item.setForeground(QBrush(_DRAFT_TEXT))
                font = QFont()
                font.setItalic(True)
                item.setFont(font)
            if column == KIND and private:
                font = QFont()
                font.setBold(True)
                item.setFont(font)
            cells.append(item)
        return cells

    def _walk(self, parent: QModelIndex):
        for row in range(self.rowCount(parent)):
            index = self.index(row, 0, parent)
            yield index
            yield from self._walk(index)

    def _spanned_rows(self) -> list[tuple[int, QModelIndex]]:
        return [
            (index.row(), index.parent())
            for index in self._walk(QModelIndex())
            if index.data(RowKindRole) in ("chart", "private-group", "empty")
        ]
