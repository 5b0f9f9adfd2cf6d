"""The booking form's warning that the client already has an appointment with another provider
at that time, with the choice to book anyway (family sessions exist)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

BOOK_ANYWAY = "Boo&k anyway: both appointments are meant (for example, a family session)"


class ClientOverlapAlert(QFrame):
    """Amber, like the new-provider alert; names each overlapping appointment. Hidden while
    there is none. `book_anyway` is the person's choice, cleared whenever the overlaps change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookingAlert")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Client already booked alert")
        mark = QLabel("!")
        mark.setObjectName("alertMark")
        self.title = QLabel("The client is already booked at this time")
        self.title.setStyleSheet("font-weight: 600;")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.book_anyway = QCheckBox(BOOK_ANYWAY)
        self.book_anyway.setAccessibleName("Book anyway")
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.title)
        text.addWidget(self.label)
        text.addWidget(self.book_anyway)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        layout.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        self.hide()

    def show_overlaps(self, texts: list[str]) -> None:
        shown = "\n".join(texts[:3])
        if len(texts) > 3:
            shown += f"\n…and {len(texts) - 3} more dates."
        if shown != self.label.text():
            self.book_anyway.setChecked(False)
        self.label.setText(shown)
        self.setAccessibleDescription(shown)
        self.setVisible(bool(texts))

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()

    def allowed(self) -> bool:
        """The person saw the overlap and chose to book anyway."""
        return not self.isHidden() and self.book_anyway.isChecked()
