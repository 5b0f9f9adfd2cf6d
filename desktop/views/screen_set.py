"""The main window's screens, each built the first time it is shown.

At sign-in only the first screen is on view. Building every screen then (the calendar with every
provider's week, the staff list, the audit trail's first page) made a large practice wait for
screens nobody had opened. A screen's place in the window's stack holds an empty placeholder
until the screen is asked for; then it is built, put in that place, and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtWidgets import QStackedWidget, QWidget


class ScreenSet(Mapping[str, QWidget]):
    """Screens by key, in the order of `factories`, laid into `stack`; `screens[key]` builds the
    screen on first use (and `built_hook(key, screen)` is called once then)."""

    def __init__(
        self,
        stack: QStackedWidget,
        factories: dict[str, Callable[[], QWidget]],
        built_hook: Callable[[str, QWidget], None] | None = None,
    ) -> None:
        self.stack = stack
        self.factories = dict(factories)
        self.built_hook = built_hook
        self.order = list(factories)
        self.made: dict[str, QWidget] = {}
        for key in self.order:
            placeholder = QWidget()
            placeholder.setObjectName(f"{key}Placeholder")
            stack.addWidget(placeholder)

    def is_built(self, key: str) -> bool:
        return key in self.made

    def __getitem__(self, key: str) -> QWidget:
        screen = self.made.get(key)
        if screen is not None:
            return screen
        factory = self.factories[key]  # KeyError for a screen that does not exist
        screen = factory()
        index = self.order.index(key)
        current = self.stack.currentIndex()
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, screen)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if current == index:
            self.stack.setCurrentIndex(index)
        self.made[key] = screen
        if self.built_hook is not None:
            self.built_hook(key, screen)
        return screen

    def __iter__(self) -> Iterator[str]:
        return iter(self.order)

    def __len__(self) -> int:
        return len(self.order)
