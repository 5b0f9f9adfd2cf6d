"""The desktop session: set up or sign in, the main window, switch user, sign out, quit."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from .. import APP_NAME
from ..app import AppContext
from ..db.uow import UnitOfWork
from ..services import auth, practice, second_factor, standing
from ..services.errors import SessionEnded
from ..services.principal import Principal
from ..sign_in_memory import recall, remember
from .locking import SessionLock
from .login_dialog import LoginDialog
from .messages import explain
from .password_dialog import ChangePasswordDialog
from .second_factor_dialogs import EnrolmentDialog, SignInCodeDialog
from .setup_dialog import SetupDialog
from .standing_notice import close_without_asking, show_standing_notice, unsaved_texts
from .startup import show_unexpected
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

    info = practice.practice_info(ctx.uow())
    if info is not None:
        _remember(ctx, info.name)
    return MainWindow(ctx, principal, info)


def _remember(ctx: AppContext, practice_name: str) -> None:
    """The practice's name for the next start's sign-in, shown before the database is open."""
    remember(
        ctx.config,
        demo=ctx.demo,
        practice_name=practice_name,
        database_label=ctx.database_label,
    )


class SessionController(QObject):
    """Walks one run of the application: first-run setup or sign-in, then the main window;
    Switch User / Sign Out end the session and ask for a sign-in again. Dialogs open without
    blocking, so the controller can be driven from tests. `finished` carries the exit code."""

    finished = Signal(int)
    #: the signed-in person's standing changed (R19); emitted from any thread.
    standing_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.main_window: MainWindow | None = None
        self.dialog: QDialog | None = None
        self.lock: SessionLock | None = None
        self._handling_change = False
        self.standing_changed.connect(self._standing_changed, Qt.ConnectionType.QueuedConnection)
        ctx.standing_listeners.append(self.standing_changed.emit)

    def start(self, waiting: LoginDialog | None = None) -> None:
        """Show "Set up your practice" on an empty database, else the sign-in dialog. On a
        server nothing is read before someone signs in (IT sets the practice up there).
        `waiting` is the sign-in dialog already shown while the database was opened: it is
        used (and a sign-in asked for meanwhile goes ahead), or closed for the set-up."""
        if self.ctx.server is not None:
            self.show_login(waiting=waiting)
            return
        info = practice.practice_info(self.ctx.uow())
        if info is None:
            if waiting is not None:
                waiting.done(QDialog.DialogCode.Rejected)
                waiting.deleteLater()
            dialog = SetupDialog(self.ctx)
            self._open(dialog)
        else:
            self.show_login(waiting=waiting)

    def show_login(self, email: str = "", waiting: LoginDialog | None = None) -> LoginDialog:
        if self.ctx.server is None:
            info = practice.practice_info(self.ctx.uow())
            if info is not None:
                _remember(self.ctx, info.name)
            name = info.name if info else None
        else:  # nothing is read from a server before sign-in: the name noted at the last one
            remembered = recall(self.ctx.config, demo=self.ctx.demo)
            name = remembered.practice_name if remembered else None
        if waiting is None:
            dialog = LoginDialog(self.ctx, name, email)
            self._open(dialog)
        else:
            dialog = waiting
            self._open(dialog, shown=True)
            dialog.practice_opened(self.ctx, name)
        QTimer.singleShot(WARM_UP_MS, load_main_window_modules)
        return dialog

    def _open(self, dialog: LoginDialog | SetupDialog, shown: bool = False) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._password_checked(dialog.principal, dialog))
        dialog.rejected.connect(lambda: self.finished.emit(0))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        if not shown:
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
        if principal.must_change_password:
            self._ask_for_own_password(principal)
            return
        window = build_main_window(self.ctx, principal)
        window.switch_user_requested.connect(self.switch_user)
        window.sign_out_requested.connect(self.sign_out)
        window.settings_changed.connect(self._follow_settings)
        window.closed.connect(self._window_closed)
        self.main_window = window
        window.show()
        window.raise_()
        window.activateWindow()
        self.lock = SessionLock(self.ctx, principal, self._end_now, self)

    def _follow_settings(self) -> None:
        if self.lock is not None:
            self.lock.follow_settings()

    def _stop_lock(self) -> None:
        if self.lock is not None:
            self.lock.stop()
            self.lock.setParent(None)
            self.lock = None

    def _end_now(self, message: str | None) -> None:
        """The session ended at the lock (signed out there, someone else signing in, too many
        wrong passwords): close its windows without asking (the lock asked about unsaved work)
        and show the sign-in, with why when there is a reason to say."""
        principal = self.ctx.principal
        self._stop_lock()
        window = self.main_window
        if window is not None:
            window.closed.disconnect(self._window_closed)
            close_without_asking(window)
            window.deleteLater()
            self.main_window = None
        self.ctx.principal = None
        dialog = self.show_login(principal.email if principal and message else "")
        if message:
            dialog.message.show_text(message)

    def _password_checked(self, principal: Principal | None, dialog: QDialog) -> None:
        """After the password: the second factor's code, or its set-up when the practice
        requires one and the person has none yet; then the session starts."""
        edit = getattr(dialog, "password_edit", None)
        password = edit.text() if edit is not None else ""
        if edit is not None:
            edit.clear()
        if principal is None:  # pragma: no cover - dialogs accept only with a principal
            self.finished.emit(1)
            return
        uow = UnitOfWork(self.ctx.engine, self.ctx.clock)
        state = second_factor.second_factor_state(uow, principal)
        if state.enrolled:
            step: QDialog = SignInCodeDialog(self.ctx, principal, password)
        elif state.required:
            info = practice.practice_info(self.ctx.uow())
            step = EnrolmentDialog(
                self.ctx,
                principal,
                info.name if info else "",
                password=password,
                required=True,
            )
        else:
            self._signed_in(principal)
            return
        self.dialog = step
        step.accepted.connect(lambda: self._signed_in(principal))
        step.rejected.connect(
            lambda: self._signed_out_before_starting(
                principal, getattr(step, "signed_out_message", "")
            )
        )
        step.finished.connect(lambda _result: self._dialog_closed(step))
        step.open()

    def _ask_for_own_password(self, principal: Principal) -> None:
        """A temporary password is replaced before any window opens; Sign Out goes back."""
        dialog = ChangePasswordDialog(self.ctx, principal, temporary=True)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._signed_in(dialog.principal))
        dialog.rejected.connect(lambda: self._signed_out_before_starting(principal))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _signed_out_before_starting(self, principal: Principal, why: str = "") -> None:
        """Sign Out instead of the second factor or a new password (or too many wrong codes):
        the session ends, and the sign-in says why when there is a reason."""
        self.ctx.principal = principal
        self._end_session()
        dialog = self.show_login(principal.email if why else "")
        if why:
            dialog.message.show_text(why)

    def _standing_changed(self, change: object) -> None:
        """Deactivated: say so, then back to the sign-in. Roles changed: say so, then the main
        window again with the screens the new roles allow. The message waits for any message
        already on screen (the refused action's own), and the windows stay, with their typed
        text, until the person has read it."""
        if self._handling_change or self.main_window is None or self.ctx.principal is None:
            return
        if isinstance(QApplication.activeModalWidget(), QMessageBox):
            QTimer.singleShot(200, lambda: self._standing_changed(change))
            return
        self._handling_change = True
        try:
            self._apply_standing_change(change)
        finally:
            self._handling_change = False

    def _apply_standing_change(self, change: object) -> None:
        principal = self.ctx.principal
        assert principal is not None and self.main_window is not None
        uow = UnitOfWork(self.ctx.engine, self.ctx.clock)  # the standing itself, unchecked
        try:
            with uow:
                now = standing.refreshed(uow.session, principal)
        except Exception:
            if not isinstance(change, SessionEnded):
                raise
            now = None  # on a server a deactivated person's login cannot even read that
        if now is not None and now.roles == principal.roles:
            return  # changed and changed back: nothing to do
        text = standing.DEACTIVATED if now is None else standing.roles_changed_text(now.roles)
        if isinstance(change, SessionEnded) and now is None:
            text = change.message
        if self.lock is not None and self.lock.locked:
            self.lock.stop()  # the message and the typed text show over the windows
        show_standing_notice(self.main_window, text, unsaved_texts())
        self._stop_lock()
        window = self.main_window
        window.closed.disconnect(self._window_closed)
        close_without_asking(window)
        window.deleteLater()
        self.main_window = None
        if now is None:
            self.ctx.principal = None  # no sign-out entry: the person no longer acts here
            self.ctx.signed_out()  # on a server, their connections are closed
            self.show_login(principal.email)
        else:
            self._signed_in(now)

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
        self._stop_lock()
        self._end_session()
        self.show_login()

    def switch_user(self) -> None:
        """Let someone else sign in at this workstation (the current session ends first)."""
        self.sign_out()

    def _window_closed(self) -> None:
        self._stop_lock()
        self._end_session()
        self.main_window = None
        self.finished.emit(0)


def run_gui(ctx: AppContext, splash: QWidget | None = None) -> int:
    """Run the desktop application on `ctx`; returns the exit code. A start-up `splash` is
    closed once the first dialog is up."""
    app = ensure_application()
    app.setQuitOnLastWindowClosed(False)  # between sign-out and the next sign-in no window shows
    previous_hook = sys.excepthook
    sys.excepthook = show_unexpected
    try:
        try:
            controller = take_over(ctx)  # kept alive while the application runs
        except Exception as error:
            QMessageBox.critical(None, APP_NAME, explain(error))
            return 1
        finally:
            if splash is not None:
                splash.close()
        exit_code = app.exec()
        controller.deleteLater()
        return exit_code
    finally:
        sys.excepthook = previous_hook


def take_over(ctx: AppContext, waiting: LoginDialog | None = None) -> SessionController:
    """Start the session on the open database `ctx`, ending the application's event loop when it
    ends. `waiting` is the sign-in dialog shown while the database was opened."""
    app = ensure_application()
    controller = SessionController(ctx)
    controller.finished.connect(app.exit)
    controller.start(waiting)
    return controller
