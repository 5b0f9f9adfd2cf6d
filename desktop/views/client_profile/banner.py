"""The green banner at the top of the client profile that says an action worked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class SuccessBanner(QFrame):
    """A green, dismissable line such as "Chart sharing has been activated"; hidden while empty.
    `text()` is what it shows now ("" when hidden)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("successBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Confirmation")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Confirmation message")
        self.tick = QLabel("✓")
        self.tick.setAccessibleName("")
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss confirmation")
        self.close_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 10, 10)
        layout.setSpacing(10)
        layout.addWidget(self.tick, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._message = ""
        self.hide()

    def show_message(self, text: str) -> None:
        self._message = text
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def text(self) -> str:
        return self._message

    def dismiss(self) -> None:
        self._message = ""
        self.label.setText("")
        self.setAccessibleDescription("")
        self.hide()
