"""The look of Clinic Desk: the style sheet, the palette, the font size and the icons."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QDir, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleFactory

from .. import DESKTOP_ID, __version__

#: the one accent colour: primary buttons, focus, the selected screen.
ACCENT = "#0f766e"
#: body text, secondary text, and the colour of icons at rest.
TEXT = "#1f2933"
MUTED = "#52606d"
ICON = "#4a5663"
#: base font size in pixels (13 reads comfortably at 96 dpi and scales with the screen).
FONT_PIXEL_SIZE = 13
_ICON_SIZES = (16, 20, 24, 32, 48, 64, 128, 256)
#: how long after the style is applied the window icon is drawn and set.
ICON_DELAY_MS = 150


@cache
def _resource_root():
    """resources/ as a folder: desktop/resources in the bundle and an installed package, beside
    desktop/ in a source checkout (pyproject's package-dir). Read straight from the folder, as
    importlib.resources would find it, without loading importlib.resources before the sign-in
    dialog; importlib.resources only where the files are not a folder (a zipped install)."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "resources", package.parent / "resources"):
        if (folder / "style.qss").is_file():
            return folder
    from importlib import resources

    return resources.files("desktop.resources")


def resource_bytes(name: str) -> bytes:
    """The bytes of a file under resources/, e.g. "icons/app.svg"."""
    node = _resource_root()
    for part in name.split("/"):
        node = node / part
    return node.read_bytes()


@cache
def style_sheet() -> str:
    """The application's style sheet (resources/style.qss)."""
    return resource_bytes("style.qss").decode("utf-8")


def _svg(name: str, color: str | None) -> bytes:
    data = resource_bytes(f"icons/{name}.svg")
    if color is not None:
        data = data.replace(b"currentColor", color.encode("ascii"))
    return data


def svg_pixmap(name: str, size: int, color: str | None = None, ratio: float = 0.0) -> QPixmap:
    """An icon from resources/icons drawn at `size` logical pixels, sharp on high-dpi screens."""
    if ratio <= 0:
        screen = QGuiApplication.primaryScreen()
        ratio = screen.devicePixelRatio() if screen else 1.0
    renderer = QSvgRenderer(QByteArray(_svg(name, color)))
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def svg_icon(name: str, color: str = ICON, selected_color: str | None = None) -> QIcon:
    """A line icon in `color`; `selected_color` is used where the item is selected."""
    icon = QIcon()
    for size in _ICON_SIZES[:5]:
        icon.addPixmap(svg_pixmap(name, size, color, 1.0), QIcon.Mode.Normal)
        icon.addPixmap(svg_pixmap(name, size, "#a3adb7", 1.0), QIcon.Mode.Disabled)
        if selected_color:
            icon.addPixmap(svg_pixmap(name, size, selected_color, 1.0), QIcon.Mode.Selected)
    return icon


def app_icon() -> QIcon:
    """Clinic Desk's own icon, for windows and the task bar."""
    icon = QIcon()
    for size in _ICON_SIZES:
        icon.addPixmap(svg_pixmap("app", size, None, 1.0))
    return icon


def _palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#f7f8fa",
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#fafbfc",
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: "#ffffff",
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: TEXT,
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#8a96a3",
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Mid: "#c5ced6",
        QPalette.ColorRole.Midlight: "#e1e6ea",
        QPalette.ColorRole.Dark: "#9aa5b1",
    }
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a3adb7"))
    return palette


def _register_icon_path() -> None:
    """Let the style sheet say url(icons:name.svg); needs resources/ as a real folder."""
    icons = _resource_root() / "icons"
    if isinstance(icons, Path) and icons.is_dir():
        QDir.setSearchPaths("icons", [str(icons)])


def apply_style(app: QApplication) -> None:
    """Fusion with the light palette, a 13 px system font, the style sheet and the app icon."""
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(_palette())
    font = QFont(app.font())
    font.setPixelSize(FONT_PIXEL_SIZE)
    app.setFont(font)
    _register_icon_path()
    app.setStyleSheet(style_sheet())
    # The window icon (drawn at eight sizes) is for the task bar and the title bar, not for the
    # first window's contents: it is set a moment after that window is up, so the sign-in
    # dialog does not wait for it. Windows already open take it then.
    QTimer.singleShot(ICON_DELAY_MS, app, lambda: app.setWindowIcon(app_icon()))


def ensure_application() -> QApplication:
    """The running QApplication, created and styled on first use."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([DESKTOP_ID])
    if app.property("clinicDeskStyled") is not True:
        app.setApplicationName(DESKTOP_ID)  # the X11 window class; titles say Clinic Desk
        app.setApplicationVersion(__version__)
        app.setOrganizationName("ClinicDesk")
        app.setDesktopFileName(DESKTOP_ID)
        apply_style(app)
        app.setProperty("clinicDeskStyled", True)
    return app
