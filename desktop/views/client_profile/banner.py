"""The banners of the client profile: the green one that says an action worked, and the red
one that says the records are open through emergency access (R18) and for how long."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..widgets import ElidedLabel


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


EMERGENCY_STYLE = """
QFrame#emergencyBanner { background: #b42318; border: none; }
QFrame#emergencyBanner QLabel { color: #ffffff; font-weight: 600; background: transparent; }
QFrame#emergencyBanner QLabel#emergencyReason { font-weight: 400; }
QFrame#emergencyBanner QPushButton {
    color: #b42318; background: #ffffff; border: 1px solid #ffffff; border-radius: 6px;
    padding: 5px 12px; font-weight: 600;
}
QFrame#emergencyBanner QPushButton:focus { border: 2px solid #fde68a; }
"""


def time_left_text(left: timedelta) -> str:
    """ "52 minutes left", "1 hour 5 minutes left", "less than a minute left"."""
    minutes = int(left.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute left"
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours > 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return " ".join(parts) + " left"


class EmergencyBanner(QFrame):
    """The red band across every window of a client opened through emergency access (R18): the
    time left, the reason given, and "End emergency access". Hidden while no access is open.
    `end_requested` is emitted by the button."""

    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emergencyBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(EMERGENCY_STYLE)
        self.setAccessibleName("Emergency access")
        self.title = QLabel()
        self.title.setObjectName("emergencyTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = ElidedLabel("")
        self.reason.setObjectName("emergencyReason")
        self.reason.setAccessibleName("Reason given")
        self.end_button = QPushButton("&End emergency access")
        self.end_button.setAccessibleName("End emergency access")
        self.end_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.end_button.clicked.connect(self.end_requested)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.reason)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 10)
        layout.setSpacing(14)
        layout.addLayout(text, 1)
        layout.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._text = ""
        self.hide()

    def show_access(self, reason: str, left: timedelta, until: str) -> None:
        """Show (or refresh) the band: the time `left` and the moment it ends, `until`."""
        self._text = f"Emergency access · {time_left_text(left)} (until {until})"
        self.title.setText(self._text)
        self.reason.setText(f"Reason: {reason}")
        self.setAccessibleDescription(f"{self._text}. Reason: {reason}")
        self.show()

    def text(self) -> str:
        return self._text

    def clear(self) -> None:
        self._text = ""
        self.hide()
