"""Sessions waiting for their note, as a table: when, client, provider, and whether a draft
is started."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from .row_table import RowTableModel

WHEN, CLIENT, PROVIDER, KIND, NOTE = range(5)
HEADERS = ("Session", "Client", "Provider", "Type", "Note")


class NotesToWriteModel(RowTableModel):
    """Presents session_notes.notes_to_write (SessionWaiting), oldest session first."""

    HEADERS = HEADERS

    def __init__(self, zone: ZoneInfo, parent=None) -> None:
        super().__init__(parent)
        self.zone = zone

    def text(self, row, column: int) -> str:
        if column == WHEN:
            start, end = row.starts_at.astimezone(self.zone), row.ends_at.astimezone(self.zone)
            return f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M}"
        if column == CLIENT:
            return row.client_name
        if column == PROVIDER:
            return row.provider_name
        if column == KIND:
            return row.appointment_type
        if column == NOTE:
            return "Draft started" if row.draft_note_id else "Not started"
        return ""
