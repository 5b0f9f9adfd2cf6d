"""Keeps one signed-in session's idle lock (R19): watches for idleness, covers every window,
shows the lock screen, and hands "Sign Out" and "Sign In as Someone Else" to the session."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..app import AppContext
from ..services import practice_settings, session_lock
from ..services.principal import Principal
from .lock_screen import IdleWatch, LockCover, LockScreen
from .unsaved import DISCARD, KEEP_EDITING, SAVE, AsksBeforeClosing

log = logging.getLogger(__name__)


class SessionLock(QObject):
    """The lock of one session. `end_now(message)` is the session's own: it closes the windows
    without asking (unsaved work was kept or discarded first) and shows the sign-in."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        end_now: Callable[[str | None], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self._end_now = end_now
        settings = practice_settings.read_settings(ctx.uow())
        self.practice_name = settings.name
        self.watch = IdleWatch(ctx, settings.idle_minutes, self)
        self.watch.idle.connect(self.lock)
        self.screen: LockScreen | None = None
        self.covers: list[LockCover] = []

    def follow_settings(self) -> None:
        """The Owner saved the practice's settings: the new idle time applies now."""
        self.watch.minutes = practice_settings.read_settings(self.ctx.uow()).idle_minutes

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def lock(self) -> None:
        """Cover every window and ask for the password. Whatever was typed stays where it is."""
        if self.locked:
            return
        self.watch.paused = True
        try:
            session_lock.lock_session(self.ctx.uow(), self.principal, self.watch.minutes)
        except Exception:  # a lock is never held back by its audit entry; the standing check
            log.exception("could not record the lock")  # tells the session separately
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and not isinstance(window, LockScreen):
                self.covers.append(LockCover(window, self.principal.display_name))
        screen = LockScreen(self.ctx, self.principal, self.practice_name)
        screen.unlocked.connect(self._unlocked)
        screen.sign_out_requested.connect(self._sign_out_from_lock)
        screen.switch_requested.connect(self._switch_from_lock)
        screen.signed_out.connect(self._signed_out)
        self.screen = screen
        main = next(
            (
                c.parentWidget()
                for c in self.covers
                if c.parentWidget().parent() is None and c.parentWidget().inherits("QMainWindow")
            ),
            None,
        )
        if main is not None:
            screen.setGeometry(main.geometry())
        else:
            screen.resize(900, 600)
        screen.show()
        screen.raise_()
        screen.activateWindow()

    def _uncover(self) -> None:
        for cover in self.covers:
            cover.hide()
            cover.setParent(None)
            cover.deleteLater()
        self.covers = []
        if self.screen is not None:
            screen, self.screen = self.screen, None
            screen.hide()
            screen.deleteLater()
        self.watch.reset()
        self.watch.paused = False

    def _unlocked(self) -> None:
        self._uncover()

    def _record_end(self, reason: str) -> None:
        try:
            session_lock.idle_sign_out(self.ctx.uow(), self.principal, reason)
        except Exception:
            log.exception("could not record the sign-out from the lock")

    def _sign_out_from_lock(self) -> None:
        self._leave("sign out")

    def _switch_from_lock(self) -> None:
        self._leave("someone else signed in")

    def _leave(self, reason: str) -> None:
        """End the locked session from the lock screen, where anyone may stand: one question
        names no client: keep the signed-in person's unsaved work (saved for them, notes as
        drafts) or discard it. Cancel, or work that cannot be saved, keeps the lock."""
        pending = unsaved_work()
        if pending:
            answer = ask_keep_or_discard(self.screen, self.principal.display_name)
            if answer == KEEP_EDITING or (answer == SAVE and not keep_all(pending)):
                if self.screen is not None:
                    self.screen.message.show_text(
                        "Nothing was closed. Unlock to finish or save the open work first."
                    )
                return
        self._uncover()
        self._record_end(reason)
        self._end_now(None)

    def _signed_out(self, message: str) -> None:
        self._uncover()
        self._end_now(message)

    def stop(self) -> None:
        self.watch.stop()
        self._uncover()
        self.watch.paused = True


def unsaved_work() -> list[QWidget]:
    """Forms changed and not saved, and client windows with tabs changed and not saved."""
    work: list[QWidget] = []
    for window in QApplication.topLevelWidgets():
        if not window.isVisible():
            continue
        unsaved = getattr(window, "unsaved", None)
        if isinstance(window, AsksBeforeClosing) and unsaved is not None and unsaved.changed():
            work.append(window)
        elif callable(getattr(window, "unsaved_tabs", None)) and window.unsaved_tabs():
            work.append(window)
    return work


def ask_keep_or_discard(parent: QWidget | None, name: str) -> str:
    """SAVE (keep), DISCARD or KEEP_EDITING, asked without naming any client."""
    answer = QMessageBox.question(
        parent,
        "Unsaved work",
        f"{name} has work open that is not saved. Keep it (saved for {name}; notes being "
        "written are saved as drafts, not signed) or discard it?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return DISCARD
    return KEEP_EDITING


def keep_all(work: list[QWidget]) -> bool:
    """Save every piece of unsaved work for its author; False when one could not be saved."""
    for window in work:
        tabs = getattr(window, "unsaved_tabs", None)
        if callable(tabs):
            for _key, page in sorted(tabs(), key=lambda pair: pair[0] == "profile"):
                page.save()
                if page.is_changed():
                    return False
            continue
        save = getattr(window, "save", None)
        try:
            if callable(save) and "sign" in save.__code__.co_varnames:
                save(sign=False)  # a note being written: kept as a draft
            else:
                window.submit()
        except Exception:
            log.exception("could not keep unsaved work")
            return False
        if window.isVisible():  # a form that saved has closed; one still open says why
            return False
    return True
