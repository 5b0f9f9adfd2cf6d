"""The amber frame of the booking form's alerts: a mark, a bold title and a sentence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget


class AmberAlert(QFrame):
    """Hidden until there is something to say; `text_column` takes any widgets a subclass adds
    under the sentence (a choice such as "Book anyway")."""

    def __init__(self, title: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookingAlert")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName(accessible_name)
        mark = QLabel("!")
        mark.setObjectName("alertMark")
        mark.setAccessibleName("")
        self.title = QLabel(title)
        self.title.setStyleSheet("font-weight: 600;")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_column = QVBoxLayout()
        self.text_column.setSpacing(4)
        self.text_column.addWidget(self.title)
        self.text_column.addWidget(self.label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        layout.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(self.text_column, 1)
        self.hide()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()
