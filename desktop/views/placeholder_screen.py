"""A screen that has nothing to show yet: its title and one calm, centred sentence."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from .widgets import EmptyState, ScreenHeader

#: the texts of the screens that are not in this version yet: (title, empty-state title, sentence).
PLACEHOLDERS = {
    "clients": (
        "Clients",
        "Your client list will live here",
        "Find any client of the practice, open their profile and see who cares for them. "
        "Coming in a later version.",
    ),
    "calendar": (
        "Calendar",
        "The practice calendar will live here",
        "Book, move and repeat appointments for every provider, each day side by side. "
        "Coming in a later version.",
    ),
}


class PlaceholderScreen(QWidget):
    """A titled screen holding only an empty state."""

    def __init__(
        self, title: str, heading: str, text: str, icon: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setAccessibleName(title)
        self.header = ScreenHeader(title)
        self.empty_state = EmptyState(icon, heading, text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.header)
        layout.addWidget(self.empty_state, 1)


def placeholder(name: str, parent: QWidget | None = None) -> PlaceholderScreen:
    """The placeholder for "clients" or "calendar"."""
    title, heading, text = PLACEHOLDERS[name]
    return PlaceholderScreen(title, heading, text, name, parent)
