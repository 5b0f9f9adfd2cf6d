"""The accounting of disclosures (B7) as a table: when (in the practice's time zone), what kind,
to whom, what, why and by whom; also the same cells for the printed page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ..services.disclosures import Disclosure
from .row_table import RowTableModel

WHEN, KIND, TO_WHOM, WHAT, WHY, BY_WHOM = range(6)
HEADERS = ("When", "Disclosure", "To whom", "What", "Why", "By whom")


class DisclosuresModel(RowTableModel[Disclosure]):
    """One row per disclosure, oldest first, as the service listed them."""

    HEADERS = HEADERS

    def __init__(self, time_zone: str, parent=None) -> None:
        super().__init__(parent)
        self.zone = ZoneInfo(time_zone)

    def when_text(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    def when(self, item: Disclosure) -> str:
        return self.when_text(item.occurred_at)

    def text(self, item: Disclosure, column: int) -> str:
        if column == WHEN:
            return self.when(item)
        return (
            "",
            item.kind,
            item.to_whom,
            item.what,
            item.why or "Not given",
            item.by_whom,
        )[column]

    def cells(self) -> list[list[str]]:
        """Every row's cells, for printing and tests."""
        return [
            [self.text(item, column) for column in range(len(HEADERS))]
            for item in (self.row_item(row) for row in range(self.rowCount()))
            if item is not None
        ]
