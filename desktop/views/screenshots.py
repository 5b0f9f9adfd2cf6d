"""Pictures of the screens, for documentation and review; works on the offscreen platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ..app import AppContext
from ..services import auth, practice
from ..services.principal import Principal, Role
from .login_dialog import LoginDialog
from .main_window import MainWindow
from .session import build_main_window
from .setup_dialog import SetupDialog
from .staff_dialogs import AddStaffDialog
from .style import ensure_application

#: the size of the main window in the pictures.
WINDOW_SIZE = (1200, 760)


@dataclass
class Shots:
    """What the builders share: the context, the signed-in principal and the main window."""

    ctx: AppContext
    principal: Principal
    window: MainWindow | None = None

    def main_window(self) -> MainWindow:
        if self.window is None:
            self.window = build_main_window(self.ctx, self.principal)
            self.window.resize(*WINDOW_SIZE)
        return self.window


def _setup(shots: Shots) -> QWidget:
    return SetupDialog(shots.ctx)


def _sign_in(shots: Shots) -> QWidget:
    info = practice.practice_info(shots.ctx.uow())
    return LoginDialog(shots.ctx, info.name if info else None)


def _screen(key: str) -> Callable[[Shots], QWidget]:
    def build(shots: Shots) -> QWidget:
        window = shots.main_window()
        window.show_screen(key)
        return window

    return build


def _add_staff(shots: Shots) -> QWidget:
    dialog = AddStaffDialog(shots.ctx, shots.principal)
    dialog.role_checks.boxes[Role.PROVIDER].setChecked(True)
    return dialog


#: (file name without .png, builder); add new screens here.
STEPS: list[tuple[str, Callable[[Shots], QWidget]]] = [
    ("setup", _setup),
    ("sign-in", _sign_in),
    ("main-window", _screen("clients")),
    ("staff", _screen("staff")),
    ("add-staff", _add_staff),
    ("audit", _screen("audit")),
]


def _grab(widget: QWidget, path: Path) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.show()
    if not isinstance(widget, MainWindow):
        widget.adjustSize()
    for _ in range(3):
        QApplication.processEvents()
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def save_screenshots(ctx: AppContext, out_dir: Path, email: str, password: str) -> list[Path]:
    """Sign in as `email` and save one PNG per screen in `out_dir`; returns the files written."""
    ensure_application()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    principal = auth.sign_in(ctx.uow(), ctx.passwords, email, password, ctx.workstation)
    shots = Shots(ctx, principal)
    written: list[Path] = []
    try:
        for name, build in STEPS:
            widget = build(shots)
            path = out_dir / f"{name}.png"
            _grab(widget, path)
            if widget is not shots.window:
                widget.close()
                widget.deleteLater()
            written.append(path)
    finally:
        if shots.window is not None:
            shots.window.close()
            shots.window.deleteLater()
        auth.sign_out(ctx.uow(), principal)
    return written
