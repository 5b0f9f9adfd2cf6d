"""Windows that fit the screen they open on and come back where the person left them.

Each kind of window ("main", "client") keeps its last size and place in a small settings file
in the app's user configuration folder, so a clinic's shared workstation remembers them per
person signed in to the computer, never in the practice's database."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QCursor, QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from ..config import APP_DIR_NAME, ENV_CONFIG_DIR

SETTINGS_FILE = "windows.ini"
#: room left for the window manager's title bar and borders, which geometry() excludes.
FRAME = (4, 32, 4, 4)


def settings() -> QSettings:
    """The window settings file in the user's configuration folder (CLINICDESK_CONFIG_DIR wins)."""
    folder = os.environ.get(ENV_CONFIG_DIR) or platformdirs.user_config_dir(
        APP_DIR_NAME, appauthor=False
    )
    return QSettings(str(Path(folder) / SETTINGS_FILE), QSettings.Format.IniFormat)


def usable_area(screen: QScreen) -> QRect:
    """The screen's free area (no task bar) less the room a window's frame takes."""
    left, top, right, bottom = FRAME
    return screen.availableGeometry().adjusted(left, top, -right, -bottom)


def fitted(rect: QRect, area: QRect) -> QRect:
    """`rect` shrunk to at most the size of `area` and moved to lie wholly inside it."""
    width = min(rect.width(), area.width())
    height = min(rect.height(), area.height())
    left = max(area.left(), min(rect.left(), area.right() + 1 - width))
    top = max(area.top(), min(rect.top(), area.bottom() + 1 - height))
    return QRect(left, top, width, height)


def centred(size: QSize, area: QRect) -> QRect:
    rect = QRect(QPoint(0, 0), size.boundedTo(area.size()))
    rect.moveCenter(area.center())
    return fitted(rect, area)


def _stored_rect(value) -> QRect | None:
    try:
        x, y, width, height = (int(part) for part in str(value).split(","))
    except (TypeError, ValueError):
        return None
    return QRect(x, y, width, height) if width > 0 and height > 0 else None


class WindowPlace(QObject):
    """Gives `window` its remembered place (or `default` size, centred on the screen it opens
    on: its parent's, else the one under the pointer) when it is first shown, always wholly
    inside that screen; and remembers size, place and maximised state when it closes."""

    def __init__(self, window: QWidget, key: str, default: QSize) -> None:
        super().__init__(window)
        self.window = window
        self.key = key
        self.default = default
        self.minimum = window.minimumSize()
        self.placed = False
        window.installEventFilter(self)

    def screen_for(self, rect: QRect | None) -> QScreen:
        if rect is not None:
            screen = QGuiApplication.screenAt(rect.center())
            if screen is not None:
                return screen
        parent = self.window.parentWidget()
        if parent is not None and parent.isVisible() and parent.screen() is not None:
            return parent.screen()
        return QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()

    def place(self) -> None:
        """Size and move the window now (called when it is first shown). A size set in code
        before showing (a picture of the screen) is kept when nothing is remembered."""
        store = settings()
        rect = _stored_rect(store.value(f"{self.key}/geometry"))
        if rect is not None and QGuiApplication.screenAt(rect.center()) is None:
            rect = None  # that screen is gone (a laptop off its docking station)
        screen = self.screen_for(rect)
        area = usable_area(screen)
        # A small screen gets a smaller window rather than one that runs off its edge.
        self.window.setMinimumSize(self.minimum.boundedTo(area.size()))
        if rect is None:
            sized = self.window.testAttribute(Qt.WidgetAttribute.WA_Resized)
            rect = centred(self.window.size() if sized else self.default, area)
        self.window.setGeometry(fitted(rect, area))
        if str(store.value(f"{self.key}/maximized", "false")).lower() == "true":
            self.window.setWindowState(self.window.windowState() | Qt.WindowState.WindowMaximized)
        self.placed = True

    def remember(self) -> None:
        rect = self.window.normalGeometry()
        if not rect.isValid():
            rect = self.window.geometry()
        store = settings()
        store.setValue(
            f"{self.key}/geometry", f"{rect.x()},{rect.y()},{rect.width()},{rect.height()}"
        )
        store.setValue(f"{self.key}/maximized", "true" if self.window.isMaximized() else "false")
        store.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            offscreen = self.window.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
            if event.type() == QEvent.Type.Show and not self.placed and not offscreen:
                self.place()
            elif event.type() == QEvent.Type.Close and self.placed:
                self.remember()
        return False
