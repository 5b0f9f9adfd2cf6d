"""The desktop finds the app's windows under its .desktop entry: X11's WM_CLASS is both halves
the StartupWMClass (Qt takes them from the program name and the application name)."""

from __future__ import annotations

import configparser
from pathlib import Path

from desktop import DESKTOP_ID
from desktop.views.style import ensure_application

DESKTOP_FILE = Path(__file__).resolve().parents[2] / "build" / "linux" / "clinicdesk.desktop"


def test_the_window_class_is_the_desktop_entrys_startup_wm_class(qapp):
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(DESKTOP_FILE, encoding="utf-8")
    app = ensure_application()
    assert entry["Desktop Entry"]["StartupWMClass"] == DESKTOP_ID == app.applicationName()
    assert app.desktopFileName() == DESKTOP_FILE.stem
