"""What each cell of the client list says: texts, tooltips and sort values of a ClientRow.

The same row reads differently in My Clients (the client's status with the principal) and in
All Clients (every provider's), and its times are shown in the practice's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtGui import QColor

from ..services.client_rows import ClientRow

NAME, DATE_OF_BIRTH, STATUS, PROVIDERS, NEXT_APPOINTMENT = range(5)
HEADERS = ("Name", "Date of birth", "Status", "Providers", "Next appointment")
#: the statuses in the order the list shows them (the filter combo's order too).
STATUS_LABELS = {"active": "Active", "inactive": "Inactive", "discharged": "Discharged"}
DATE_FORMAT = "%d %b %Y"
MOMENT_FORMAT = "%a %d %b %Y, %H:%M"
#: the colour of a client no longer active, and of "No provider".
MUTED = QColor("#7b8794")
_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "mx", "mx.", "prof"})


@dataclass(frozen=True, slots=True)
class ShownRow:
    """A fetched row with what its cells show, worked out once."""

    row: ClientRow
    texts: tuple[str, ...]
    colors: tuple[QColor | None, ...]
    linked: int


class ClientCells:
    """The cells of one list: `scope` "mine" or "all", seen by the staff member `staff_id`, with
    times in `time_zone`."""

    def __init__(self, scope: str, staff_id: int, time_zone: str) -> None:
        self.scope = scope
        self.staff_id = staff_id
        self._zone = ZoneInfo(time_zone)

    def shown(self, row: ClientRow) -> ShownRow:
        """The row's texts and colours, for painting."""
        muted = MUTED if self.muted(row) else None
        texts = tuple(self.text(row, column) for column in range(len(HEADERS)))
        colors = tuple(
            MUTED if column == PROVIDERS and not row.statuses else muted
            for column in range(len(HEADERS))
        )
        return ShownRow(row, texts, colors, len(row.linked_profile_ids))

    def text(self, row: ClientRow, column: int) -> str:
        if column == NAME:
            return row.display_name
        if column == DATE_OF_BIRTH:
            return format_date(row.date_of_birth)
        if column == STATUS:
            return self.status_text(row)
        if column == PROVIDERS:
            return providers_text(row) or "No provider"
        if column == NEXT_APPOINTMENT:
            return self.local_moment(row.next_appointment)
        return ""

    def tooltip(self, row: ClientRow, column: int) -> str:
        if column == NAME:
            linked = len(row.linked_profile_ids)
            if not linked:
                return row.display_name
            profiles = "a linked profile" if linked == 1 else f"{linked} linked profiles"
            return (
                f"{row.display_name} — has {profiles} (the same person, R14). "
                "Linked profiles are listed together."
            )
        if column == DATE_OF_BIRTH:
            if row.date_of_birth is None:
                return "No date of birth given"
            return f"Born {row.date_of_birth.isoformat()}"
        if column == STATUS:
            if not row.statuses:
                return "Not on any provider's list"
            return "\n".join(
                f"{STATUS_LABELS.get(s.status, s.status)} with {s.provider_name}"
                for s in row.statuses
            )
        if column == PROVIDERS:
            return "\n".join(s.provider_name for s in row.statuses) or "Not on any provider's list"
        if column == NEXT_APPOINTMENT:
            if row.next_appointment is None:
                return "No appointment booked"
            return f"Next appointment: {self.local_moment(row.next_appointment)}"
        return ""

    def status_text(self, row: ClientRow) -> str:
        """ "Active"; "Active (Castillo), Discharged (Lee)" when the providers differ; in My
        Clients, the client's status with the principal."""
        if not row.statuses:
            return "—"
        if self.scope == "mine":
            mine = row.status_with(self.staff_id)
            if mine is not None:
                return STATUS_LABELS.get(mine, mine)
        by_status: dict[str, list[str]] = {}
        for link in row.statuses:
            by_status.setdefault(link.status, []).append(short_name(link.provider_name))
        if len(by_status) == 1:
            only = next(iter(by_status))
            return STATUS_LABELS.get(only, only)
        order = list(STATUS_LABELS)
        return ", ".join(
            f"{STATUS_LABELS.get(status, status)} ({', '.join(names)})"
            for status, names in sorted(
                by_status.items(),
                key=lambda item: order.index(item[0]) if item[0] in order else len(order),
            )
        )

    def sort_value(self, row: ClientRow, column: int) -> str | int | date | datetime | None:
        if column == NAME:
            return f"{row.last_name} {row.first_name}".casefold()
        if column == DATE_OF_BIRTH:
            return row.date_of_birth
        if column == STATUS:
            ranks = [list(STATUS_LABELS).index(s.status) for s in row.statuses]
            return min(ranks) if ranks else len(STATUS_LABELS)
        if column == PROVIDERS:
            return providers_text(row).casefold()
        if column == NEXT_APPOINTMENT:
            return row.next_appointment
        return None

    def local_moment(self, moment: datetime | None) -> str:
        """A UTC moment in the practice's time zone: "Tue 04 Mar 2025, 10:00"."""
        if moment is None:
            return ""
        return moment.astimezone(self._zone).strftime(MOMENT_FORMAT)

    def muted(self, row: ClientRow) -> bool:
        """Grey: a client no longer active (with the principal in My Clients, else with anyone)."""
        if not row.statuses:
            return False
        if self.scope == "mine":
            mine = row.status_with(self.staff_id)
            if mine is not None:
                return mine != "active"
        return all(s.status != "active" for s in row.statuses)


def short_name(display_name: str) -> str:
    """What the Status column calls a provider: "Ana Castillo, LCSW" -> "Castillo"."""
    words = [w for w in display_name.split(",")[0].split() if w.lower() not in _TITLES]
    return words[-1] if words else display_name


def providers_text(row: ClientRow) -> str:
    """The linked providers by name, "Ana Castillo, LCSW · Dr. Daniel Lee" (their names may
    hold commas, so a comma cannot separate them)."""
    return " · ".join(s.provider_name for s in row.statuses)


def format_date(value: date | None) -> str:
    """ "23 Apr 1985", or "" for no date."""
    return value.strftime(DATE_FORMAT) if value is not None else ""


def count_text(total: int) -> str:
    """ "No clients", "1 client", "1,234 clients"."""
    if total == 0:
        return "No clients"
    return "1 client" if total == 1 else f"{total:,} clients"
