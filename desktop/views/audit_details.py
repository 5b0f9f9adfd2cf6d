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
    "from": "From (staff number)",
    "to": "To (staff number)",
    "provider": "Provider (staff number)",
    "provider_id": "Provider (staff number)",
    "fields": "Fields changed",
}


def detail_lines(details: dict) -> list[str]:
    lines = []
    for key in sorted(details):
        value = details[key]
        if value is None or value == [] or value == {}:
            continue
        if isinstance(value, bool):
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
        form = QFormLayout(self)
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
        self.show_row(None, "")

    def show_row(self, row: AuditRow | None, when: str) -> None:
        if row is None and self.shown is None and self.labels["Entry"].text() == "":
            if self.labels["What happened"].text():
                return  # already empty: no relayout
        self.shown = row
        if row is None:
            for label in self.labels.values():
                label.setText("")
            self.labels["What happened"].setText("Choose an entry to see its details.")
            return
        entry = row.entry
        values = {
            "When": when,
            "Who": row.who if row.who == entry.actor_label else f"{row.who} ({entry.actor_label})",
            "Action": row.action,
            "What happened": row.what,
            "Client": row.client or "None",
            "Workstation": entry.workstation,
            "Entry": f"Number {entry.seq:,} of the trail",
            "Details": "\n".join(detail_lines(entry.details or {})) or "None",
        }
        for name, text in values.items():
            self.labels[name].setText(text)

    def text(self, name: str) -> str:
        return self.labels[name].text()
