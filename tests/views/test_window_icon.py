"""The window icon comes a moment after the style: the first window does not wait for it."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.views import style


def test_the_window_icon_is_set_a_moment_after_the_style(qtbot) -> None:
    app = QApplication.instance()
    app.setWindowIcon(QIcon())
    style.apply_style(app)
    assert app.windowIcon().isNull(), "not drawn before the first window is up"
    qtbot.waitUntil(lambda: not app.windowIcon().isNull(), timeout=5000)
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
