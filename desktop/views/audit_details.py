"""The details of the audit entry selected on the Audit screen: every field in words, and what
the entry recorded besides, one line each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from ..services.audit_query import AuditRow

#: how a stored detail is named in the panel; others show their key with spaces.
DETAIL_NAMES = {
    "include_private": "Private notes included",
    "until": "Until",
    "purpose": "Purpose",
    "reason": "Reason",
    "from": "From",
    "to": "To",
    "provider": "Provider",
    "provider_id": "Provider",
    "fields": "Fields changed",
}
#: details that hold a staff member's id: shown by name where the name is known.
STAFF_KEYS = frozenset({"from", "to", "provider", "provider_id", "actor_id"})


def detail_lines(details: dict, staff: dict[int, str] | None = None) -> list[str]:
    lines = []
    staff = staff or {}
    for key in sorted(details):
        value = details[key]
        if value is None or value == [] or value == {}:
            continue
        if key in STAFF_KEYS and isinstance(value, int) and not isinstance(value, bool):
            value = staff.get(value, f"staff member #{value}")
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(str(v).replace("_", " ") for v in value)
        name = DETAIL_NAMES.get(key, key.replace("_", " ").capitalize())
        lines.append(f"{name}: {value}")
    return lines


class AuditDetails(QFrame):
    """Read-only labels; empty until an entry is chosen."""

    FIELDS = ("When", "Who", "Action", "What happened", "Client", "Workstation", "Entry", "Details")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDetails")
        self.setAccessibleName("Entry details")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.labels: dict[str, QLabel] = {}
        self.shown: AuditRow | None = None
        self.form = form = QFormLayout(self)
        form.setContentsMargins(14, 10, 14, 10)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(4)
        for name in self.FIELDS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(name)
            self.labels[name] = value
            form.addRow(f"{name}:", value)
        self._empty = False
        self.show_row(None, "", {})

    def _rows_visible(self, visible: bool) -> None:
        for number, name in enumerate(self.FIELDS):
            if name != "What happened":
                self.form.setRowVisible(number, visible)

    def show_row(self, row: AuditRow | None, when: str, staff: dict[int, str]) -> None:
        """The entry's fields, or a hint when none is chosen; `staff` names ids in details."""
        if row is None:
            if self._empty:
                return  # already empty: nothing to lay out again
            self._empty = True
            self.shown = None
            for label in self.labels.values():
                label.setText("")
            self.labels["What happened"].setText("Choose an entry to see its details.")
            self._rows_visible(False)
            return
        self._empty = False
        self.shown = row
        self._rows_visible(True)
        entry = row.entry
        values = {
            "When": when,
            "Who": row.who if row.who == entry.actor_label else f"{row.who} ({entry.actor_label})",
            "Action": row.action,
            "What happened": row.what,
            "Client": row.client or "None",
            "Workstation": entry.workstation,
            "Entry": f"Number {entry.seq:,} of the trail",
            "Details": "\n".join(detail_lines(entry.details or {}, staff)) or "None",
        }
        for name, text in values.items():
            self.labels[name].setText(text)

    def text(self, name: str) -> str:
        return self.labels[name].text()
