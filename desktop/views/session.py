"""The desktop session: set up or sign in, the main window, switch user, sign out, quit."""

from __future__ import annotations

import importlib
import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from .. import APP_NAME
from ..app import AppContext
from ..services import auth, practice
from ..services.principal import Principal
from .login_dialog import LoginDialog
from .messages import explain
from .setup_dialog import SetupDialog
from .style import ensure_application

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

#: the main window and its screens are loaded this long after the sign-in dialog is painted,
#: while the person types: the dialog comes up without waiting for them, and signing in does not
#: wait for them either.
WARM_UP_MS = 150


def load_main_window_modules() -> None:
    """Import the main window and every screen (once; later calls cost nothing)."""
    importlib.import_module(f"{__package__}.main_window")


def build_main_window(ctx: AppContext, principal: Principal) -> MainWindow:
    """The main window for `principal`, built but not shown."""
    ensure_application()
    from .main_window import MainWindow

    return MainWindow(ctx, principal, practice.practice_info(ctx.uow()))


class SessionController(QObject):
    """Walks one run of the application: first-run setup or sign-in, then the main window;
    Switch User / Sign Out end the session and ask for a sign-in again. Dialogs open without
    blocking, so the controller can be driven from tests. `finished` carries the exit code."""

    finished = Signal(int)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.main_window: MainWindow | None = None
        self.dialog: QDialog | None = None

    def start(self) -> None:
        """Show "Set up your practice" on an empty database, else the sign-in dialog. On a
        server nothing is read before someone signs in (IT sets the practice up there)."""
        if self.ctx.server is not None:
            self.show_login()
            return
        info = practice.practice_info(self.ctx.uow())
        if info is None:
            dialog = SetupDialog(self.ctx)
            self._open(dialog)
        else:
            self.show_login()

    def show_login(self, email: str = "") -> LoginDialog:
        info = None if self.ctx.server is not None else practice.practice_info(self.ctx.uow())
        dialog = LoginDialog(self.ctx, info.name if info else None, email)
        self._open(dialog)
        QTimer.singleShot(WARM_UP_MS, load_main_window_modules)
        return dialog

    def _open(self, dialog: LoginDialog | SetupDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._signed_in(dialog.principal))
        dialog.rejected.connect(lambda: self.finished.emit(0))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _signed_in(self, principal: Principal | None) -> None:
        if principal is None:  # pragma: no cover - dialogs accept only with a principal
            self.finished.emit(1)
            return
        self.ctx.principal = principal
        window = build_main_window(self.ctx, principal)
        window.switch_user_requested.connect(self.switch_user)
        window.sign_out_requested.connect(self.sign_out)
        window.closed.connect(self._window_closed)
        self.main_window = window
        window.show()
        window.raise_()
        window.activateWindow()

    def _end_session(self) -> None:
        principal = self.ctx.principal
        self.ctx.principal = None
        if principal is None:
            return
        try:
            auth.sign_out(self.ctx.uow(), principal)
        except Exception:  # the sign-out record is worth trying, never worth a stuck window
            log.exception("could not record the sign-out")
        self.ctx.signed_out()

    def sign_out(self) -> None:
        """Close the main window, end the session and ask for a sign-in again. A window with
        changes not saved asks first; kept open, the session goes on."""
        window = self.main_window
        if window is not None:
            window.closed.disconnect(self._window_closed)
            if not window.close():
                window.closed.connect(self._window_closed)
                return
            self.main_window = None
            window.deleteLater()
        self._end_session()
        self.show_login()

    def switch_user(self) -> None:
        """Let someone else sign in at this workstation (the current session ends first)."""
        self.sign_out()

    def _window_closed(self) -> None:
        self._end_session()
        self.main_window = None
        self.finished.emit(0)


def _show_unexpected(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    log.error("unexpected error", exc_info=(kind, error, trace))
    if isinstance(error, KeyboardInterrupt):
        sys.exit(130)
    QMessageBox.critical(None, APP_NAME, explain(error))


def run_gui(ctx: AppContext, splash: QWidget | None = None) -> int:
    """Run the desktop application on `ctx`; returns the exit code. A start-up `splash` is
    closed once the first dialog is up."""
    app = ensure_application()
    app.setQuitOnLastWindowClosed(False)  # between sign-out and the next sign-in no window shows
    previous_hook = sys.excepthook
    sys.excepthook = _show_unexpected
    try:
        controller = SessionController(ctx)
        controller.finished.connect(app.exit)
        try:
            controller.start()
        except Exception as error:
            QMessageBox.critical(None, APP_NAME, explain(error))
            return 1
        finally:
            if splash is not None:
                splash.close()
        return app.exec()
    finally:
        sys.excepthook = previous_hook
