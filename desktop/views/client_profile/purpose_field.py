"""The optional purpose typed when a chart is shared or a client transferred; it appears in the
client's accounting of disclosures (B7)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ...services.sharing import MAX_PURPOSE
from ..widgets import Field

PURPOSE_HINT = (
    "Optional. Kept in the client's accounting of disclosures, which the client may ask for."
)


def purpose_field(placeholder: str) -> tuple[QLineEdit, Field]:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(MAX_PURPOSE)
    edit.setAccessibleName("Purpose")
    return edit, Field("P&urpose", edit, hint=PURPOSE_HINT)
