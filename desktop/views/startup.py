"""Start-up of the desktop application: the sign-in dialog at once, the practice opened behind it.

Only Qt and small modules load before the dialog shows. The database layer, the keyring and the
database itself are opened on a worker thread while the person types; the session then takes the
dialog over (a sign-in asked for meanwhile waits for it). A database this workstation has not
opened before (the first start, or one from an earlier release) shows "Starting…" instead, and
then the set-up or the sign-in, as before.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from .. import APP_NAME
from ..config import Config, database_location
from ..sign_in_memory import recall
from ..startup_error import StartupError
from .login_dialog import LoginDialog
from .messages import explain
from .style import ensure_application

if TYPE_CHECKING:
    from ..app import AppContext

log = logging.getLogger(__name__)

#: told how far opening the database is (encrypting a file from an earlier release takes a while).
Progress = Callable[[float, str], None]


def show_unexpected(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    log.error("unexpected error", exc_info=(kind, error, trace))
    if isinstance(error, KeyboardInterrupt):
        sys.exit(130)
    QMessageBox.critical(None, APP_NAME, explain(error))


class PracticeOpening(QObject):
    """Opens the practice's database on a worker thread and tells the window thread how it went:
    `opened` with the context, or `failed` with one line for the person."""

    opened = Signal(object)
    failed = Signal(str)
    progressed = Signal(float, str)

    def __init__(self, open_practice: Callable[[Progress], AppContext]) -> None:
        super().__init__()
        self._open_practice = open_practice
        #: the open context, once opened (closed by whoever started the opening).
        self.ctx: AppContext | None = None
        self._thread = threading.Thread(target=self._run, name="open-the-practice", daemon=True)

    def begin(self) -> None:
        self._thread.start()

    def wait(self) -> None:
        """Until the opening has finished (an upgrade under way is never cut off)."""
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            ctx = self._open_practice(self.progressed.emit)
        except StartupError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:
            log.exception("could not open the practice's database")
            self.failed.emit(explain(error))
            return
        self.ctx = ctx
        try:  # the session's own dialogs, while the person types
            importlib.import_module(f"{__package__}.session")
        except Exception:  # the window thread imports it again and says what is wrong
            log.exception("could not load the session")
        self.opened.emit(ctx)


def first_window_is_sign_in(config: Config, *, demo: bool) -> bool:
    """Whether the sign-in can show before the database is open: this workstation has opened
    this practice before, or the practice is on a server (nothing is read there before
    someone signs in)."""
    if recall(config, demo=demo) is not None:
        return True
    location = database_location(config, demo=demo)
    return not isinstance(location, Path) and location.startswith("postgresql")


def start_desktop(
    config: Config, *, demo: bool, open_practice: Callable[[Progress], AppContext]
) -> int:
    """Show the sign-in dialog (or "Starting…"), open the practice with `open_practice` behind
    it, then run the session; returns the exit code. Raises StartupError when the practice
    cannot be opened (after closing the window)."""
    app = ensure_application()
    app.setQuitOnLastWindowClosed(False)  # between sign-out and the next sign-in no window shows
    splash = None
    dialog: LoginDialog | None = None
    if first_window_is_sign_in(config, demo=demo):
        remembered = recall(config, demo=demo)
        dialog = LoginDialog(
            None,
            remembered.practice_name if remembered else None,
            database_label=remembered.database_label if remembered else None,
        )
        dialog.rejected.connect(app.quit)  # Quit before the practice is open
        dialog.open()
        app.processEvents()  # on screen before the worker thread starts loading
    else:
        from .splash import show_splash

        splash = show_splash()
    opening = PracticeOpening(open_practice)
    problems: list[str] = []
    session: list[QObject] = []

    def opened(ctx: AppContext) -> None:
        from .session import take_over

        if dialog is not None:
            dialog.rejected.disconnect(app.quit)
        try:
            session.append(take_over(ctx, dialog))
        except Exception as error:
            QMessageBox.critical(None, APP_NAME, explain(error))
            app.exit(1)
        finally:
            if splash is not None:
                splash.close()

    def failed(message: str) -> None:
        problems.append(message)
        if dialog is not None:
            dialog.rejected.disconnect(app.quit)
            dialog.done(LoginDialog.DialogCode.Rejected)
        if splash is not None:
            splash.close()
        app.exit(1)

    def progressed(done: float, what: str) -> None:
        text = f"{what}… {round(done * 100)}%"
        if dialog is not None:
            dialog.show_progress(text)
        if splash is not None:
            from .splash import show_progress

            show_progress(splash, done, what)

    opening.opened.connect(opened)
    opening.failed.connect(failed)
    opening.progressed.connect(progressed)
    QTimer.singleShot(0, opening.begin)  # once the first window is on screen
    previous_hook = sys.excepthook
    sys.excepthook = show_unexpected
    try:
        exit_code = app.exec()
    finally:
        sys.excepthook = previous_hook
        opening.wait()
        for controller in session:
            controller.deleteLater()
        if opening.ctx is not None:
            opening.ctx.close()
    if problems:
        raise StartupError(problems[0])
    return exit_code
