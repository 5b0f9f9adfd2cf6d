"""A small window shown the moment the app starts, while the database is opened and checked."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from .. import APP_NAME, DESKTOP_ID


def show_splash() -> QLabel:
    """Create the application and show "Starting…" at once; the caller closes it later."""
    app = QApplication.instance() or QApplication([DESKTOP_ID])
    splash = QLabel(f"{APP_NAME}\nStarting…")
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
    splash.setFixedSize(320, 120)
    splash.setAccessibleName(f"{APP_NAME} is starting")
    splash.setStyleSheet(
        "QLabel { background: #0f766e; color: white; font-size: 18px; font-weight: 600; }"
    )
    splash.show()
    app.processEvents()
    return splash


def show_progress(splash: QLabel, done: float, what: str) -> None:
    """Say what the start-up is doing (encrypting a file from an earlier release takes a while)."""
    splash.setWordWrap(True)
    splash.setText(f"{APP_NAME}\n{what}… {round(done * 100)}%")
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
