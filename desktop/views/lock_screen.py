"""The idle lock (R19): input anywhere in the application resets the idle time; when it has
passed, every window is covered and the lock screen asks the signed-in person's password (and
code, when required) to unlock. "Sign Out" and "Sign In as Someone Else" end the session."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import second_factor, session_lock
from ..services.errors import InvalidInput, UnlockRefused
from ..services.principal import Principal
from .messages import InlineMessage, explain
from .style import svg_pixmap
from .widgets import Field, button, primary_button

#: how often the idle time is compared with the clock.
CHECK_EVERY_MS = 10_000
_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatch(QObject):
    """Remembers the last keyboard or mouse input in the application (on the context's clock)
    and emits `idle` once `minutes` have passed without any; `check()` is also called by a timer."""

    idle = Signal()

    def __init__(self, ctx: AppContext, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.minutes = minutes
        self.paused = False
        self.last_input: datetime = ctx.clock.now()
        QApplication.instance().installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.paused and event.type() in _INPUT:
            self.last_input = self.ctx.clock.now()
        return False

    def check(self) -> None:
        if self.paused:
            return
        if self.ctx.clock.now() - self.last_input >= timedelta(minutes=self.minutes):
            self.idle.emit()

    def reset(self) -> None:
        self.last_input = self.ctx.clock.now()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockCover(QWidget):
    """Covers one window while the workstation is locked: nothing of it shows."""

    def __init__(self, window: QWidget, who: str) -> None:
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        label = QLabel(f"Locked. {who} is signed in.")
        label.setObjectName("lockCoverText")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
        return False


class LockScreen(QDialog):
    """Unlock with the signed-in person's password (and code when required of them).
    `unlocked` on success; `sign_out_requested` / `switch_requested` for the two other ways
    out; `signed_out` when too many wrong passwords ended the session."""

    unlocked = Signal()
    sign_out_requested = Signal()
    switch_requested = Signal()
    signed_out = Signal(str)

    def __init__(
        self, ctx: AppContext, principal: Principal, practice_name: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.setWindowTitle(f"Locked — {practice_name}")
        self.setModal(True)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        state = second_factor.second_factor_state(ctx.uow(), principal)
        self.needs_code = state.required and state.enrolled

        logo = QLabel()
        logo.setPixmap(svg_pixmap("app", 48))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Clinic Desk is locked")
        title.setObjectName("dialogTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label = QLabel(
            f"Signed in: {principal.display_name} ({principal.roles_label})\n{practice_name}"
        )
        self.who_label.setObjectName("dialogIntro")
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setAccessibleName("Who is signed in")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(1024)
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(32)
        self.code_edit.setPlaceholderText("6-digit code or a recovery code")
        self.fields = {
            "password": Field(f"&Password of {principal.display_name}", self.password_edit),
            "code": Field("Code from your &authenticator app", self.code_edit),
        }
        self.fields["code"].setVisible(self.needs_code)
        self.message = InlineMessage("Unlock: problem", kind="alert")
        self.unlock_button = primary_button("&Unlock")
        self.unlock_button.setDefault(True)
        self.sign_out_button = button("Sign &Out")
        self.switch_button = button("Sign In as &Someone Else…")
        for other in (self.sign_out_button, self.switch_button):
            other.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.submit)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.switch_button.clicked.connect(self.switch_requested)

        form = QVBoxLayout()
        form.setSpacing(12)
        form.addWidget(logo)
        form.addWidget(title)
        form.addWidget(self.who_label)
        form.addSpacing(8)
        form.addWidget(self.fields["password"])
        form.addWidget(self.fields["code"])
        form.addWidget(self.message)
        form.addWidget(self.unlock_button)
        others = QHBoxLayout()
        others.addWidget(self.sign_out_button)
        others.addStretch(1)
        others.addWidget(self.switch_button)
        form.addLayout(others)
        panel = QWidget()
        panel.setObjectName("lockPanel")
        panel.setFixedWidth(420)
        panel.setLayout(form)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.password_edit.setFocus()

    def reject(self) -> None:
        """Escape does not unlock, and does not close the lock."""

    def submit(self) -> None:
        for field in self.fields.values():
            field.clear_error()
        self.message.clear_text()
        try:
            session_lock.unlock_session(
                self.ctx.uow(),
                self.principal,
                self.ctx.passwords,
                self.password_edit.text(),
                self.code_edit.text() if self.needs_code else None,
            )
        except UnlockRefused as refused:
            self.password_edit.clear()
            if refused.signed_out:
                self.signed_out.emit(refused.message)
                return
            self.fields["password"].show_error(refused.message)
            self.password_edit.setFocus()
            return
        except InvalidInput as problem:
            field = self.fields.get(problem.field or "")
            if field is not None and field.isVisible():
                field.show_error(problem.message)
                field.editor.setFocus()
            else:
                self.message.show_text(problem.message)
            return
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.password_edit.clear()
        self.code_edit.clear()
        self.unlocked.emit()
