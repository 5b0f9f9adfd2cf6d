"""What the bundles leave out of Qt and Python: shared by the app's spec and the benchmark's minimal one."""

from __future__ import annotations

import os

#: Qt modules Clinic Desk does not use (it uses QtCore, QtGui, QtWidgets and QtSvg). Leaving them
#: out keeps the bundle small and the build quick.
UNUSED_QT_MODULES = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDesigner", "QtGraphs",
    "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLabsStyleKit", "QtLocation", "QtMultimedia",
    "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets",
    "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml", "QtQmlFeatures",
    "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio",
    "QtSql", "QtStateMachine", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools",
    "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets",
    "QtXml",
)  # fmt: skip

#: Python modules no installed copy needs: GUI toolkits, test frameworks, developer tools, and
#: process pools (the app uses threads; bundled, multiprocessing brings a start-up hook that
#: imports it at every start, about 50 ms before the first window).
UNUSED_PYTHON_MODULES = (
    "tkinter", "unittest", "pydoc", "pydoc_data", "lib2to3", "idlelib", "test",
    "sqlalchemy.testing", "alembic.testing", "pytest", "hypothesis", "IPython",
    "multiprocessing", "concurrent.futures.process",
)  # fmt: skip

#: Files dropped after analysis: Qt's translations (the app is in English), and plugins for what
#: a desktop workstation never uses: framebuffer, VNC and embedded-display platforms, raw input
#: devices, the GTK theme (Clinic Desk draws its own Fusion palette). Kept: xcb, wayland,
#: offscreen, minimal; on Windows and macOS none of these names occur.
UNUSED_QT_FILES = (
    "/translations/",
    "/qml/",
    "/plugins/egldeviceintegrations/",
    "/plugins/generic/",
    "/plugins/platforms/libqeglfs",
    "/plugins/platforms/libqlinuxfb",
    "/plugins/platforms/libqminimalegl",
    "/plugins/platforms/libqvkkhrdisplay",
    "/plugins/platforms/libqvnc",
    "/plugins/platformthemes/libqgtk3",
    "/libQt6EglFS",
    "/libQt6Quick",
    "/libQt6Qml",
    "/libQt6Pdf",
    "/libQt6Network",
)


def excludes() -> list[str]:
    """PyInstaller's `excludes`: the unused Qt modules and Python modules."""
    return [f"PySide6.{name}" for name in UNUSED_QT_MODULES] + list(UNUSED_PYTHON_MODULES)


def wanted(entry: tuple) -> bool:
    """For an Analysis TOC entry (destination, source, kind): is it kept?"""
    destination = "/" + entry[0].replace("\\", "/")
    return not any(part in destination for part in UNUSED_QT_FILES)


def skip_unused_plugins() -> None:
    """Make PyInstaller's Qt hooks pass over the unused plugins before they look for the plugins'
    own libraries. Otherwise a build computer with GTK installed bundles GTK, cairo and pango
    for a theme plugin the bundle then drops. Call it before Analysis."""
    from PyInstaller.utils.hooks import qt

    if getattr(qt.QtLibraryInfo.collect_plugins, "clinicdesk_trimmed", False):
        return
    original = qt.QtLibraryInfo.collect_plugins

    def collect_plugins(self, plugin_type):
        return [
            (source, destination)
            for source, destination in original(self, plugin_type)
            if wanted((f"{destination}/{os.path.basename(source)}", source, "BINARY"))
        ]

    collect_plugins.clinicdesk_trimmed = True
    qt.QtLibraryInfo.collect_plugins = collect_plugins


def trim(analysis) -> None:
    """Drop the unused Qt files from an Analysis, in place."""
    analysis.datas = [entry for entry in analysis.datas if wanted(entry)]
    analysis.binaries = [entry for entry in analysis.binaries if wanted(entry)]
