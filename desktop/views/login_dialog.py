"""The sign-in dialog: email and password, refusals shown in place, the database named below.

It shows before the database is open (the practice is opened while the person types), so this
module loads Qt and small modules only: no database layer, no keyring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from .messages import InlineMessage
from .style import svg_pixmap
from .widgets import ElidedLabel, Field, button, divider, primary_button

if TYPE_CHECKING:
    from ..app import AppContext
    from ..services.principal import Principal

SIGN_IN_TEXT = "&Sign in"
#: on the button when the person asked to sign in before the practice's database is open.
OPENING_TEXT = "Opening the practice…"


class LoginDialog(QDialog):
    """Signs a staff member in; `principal` is set when the dialog is accepted.

    A refused sign-in (SignInRefused) is shown under the fields and the dialog stays open.
    Made with no context (`ctx` None) it shows while the database is being opened; a sign-in
    asked for before `practice_opened` waits for it, with a busy cursor and the button saying
    so, and then goes ahead with what is typed.
    """

    def __init__(
        self,
        ctx: AppContext | None,
        practice_name: str | None = None,
        email: str = "",
        parent: QWidget | None = None,
        *,
        database_label: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal: Principal | None = None
        self.waiting = False
        self.setWindowTitle(f"Sign in to {APP_NAME}")
        self.setObjectName("loginDialog")
        self.setModal(True)

        logo = QLabel()
        logo.setPixmap(svg_pixmap("app", 56))
        logo.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        app_name = QLabel(APP_NAME)
        app_name.setObjectName("dialogTitle")
        app_name.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.practice_label = ElidedLabel(practice_name or "", max_lines=2)
        self.practice_label.setObjectName("practiceName")
        self.practice_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.practice_label.setAccessibleName("Practice")
        self.practice_label.setVisible(bool(practice_name))

        self.email_edit = QLineEdit(email)
        self.email_edit.setAccessibleName("Email")
        self.email_edit.setPlaceholderText("name@yourpractice.org")
        self.email_edit.setMaxLength(254)
        self.password_edit = QLineEdit()
        self.password_edit.setAccessibleName("Password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(1024)
        email_field = Field("&Email", self.email_edit)
        password_field = Field("&Password", self.password_edit)

        self.message = InlineMessage("Sign-in message", kind="alert")

        self.sign_in_button = primary_button(SIGN_IN_TEXT)
        self.sign_in_button.setDefault(True)
        self.sign_in_button.setAutoDefault(True)
        self.quit_button = button("&Quit", "Quit Clinic Desk")
        self.quit_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.sign_in_button)

        # two lines: how the connection travels (B5) stays readable after a long address
        if ctx is not None:
            database_label = ctx.database_label
        self.database_label = ElidedLabel(
            f"Database: {database_label}" if database_label else "", max_lines=2
        )
        self.database_label.setObjectName("footnote")
        self.database_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.database_label.setAccessibleName("Database location")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 16)
        layout.setSpacing(12)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        email_field.setMinimumWidth(340)
        layout.addWidget(logo)
        layout.addWidget(app_name)
        layout.addWidget(self.practice_label)
        layout.addSpacing(8)
        layout.addWidget(email_field)
        layout.addWidget(password_field)
        layout.addWidget(self.message)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(divider())
        layout.addWidget(self.database_label)

        self.setTabOrder(self.email_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.sign_in_button)
        self.setTabOrder(self.sign_in_button, self.quit_button)
        self.sign_in_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)
        (self.password_edit if email else self.email_edit).setFocus()

    def practice_opened(self, ctx: AppContext, practice_name: str | None) -> None:
        """The database is open: name the practice and where it is, and go on with a sign-in
        asked for while it opened. On a server the practice's name is not known before
        sign-in; the one noted at the last sign-in stays."""
        self.ctx = ctx
        if practice_name:  # none on a server before sign-in: the name shown (if any) stays
            self.practice_label.setText(practice_name)
            self.practice_label.setVisible(True)
        self.database_label.setText(f"Database: {ctx.database_label}")
        if self.waiting:
            self._stop_waiting()
            self.submit()

    def show_progress(self, text: str) -> None:
        """What opening the database is doing, when it takes a while (encrypting, upgrading)."""
        self.database_label.setText(text)

    def submit(self) -> None:
        """Try the email and password; accept on success, explain in place otherwise."""
        self.message.clear_text()
        if self.ctx is None:  # still opening: go ahead once it is open
            if not self.waiting:
                self.waiting = True
                QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
                self.sign_in_button.setText(OPENING_TEXT)
                self.sign_in_button.setEnabled(False)
            return
        try:
            principal = self.ctx.sign_in(self.email_edit.text(), self.password_edit.text())
        except Exception as error:  # SignInRefused, or a database that went away: say so, stay
            self._refused(error)
            return
        self.principal = principal
        self.accept()

    def _stop_waiting(self) -> None:
        if self.waiting:
            self.waiting = False
            QApplication.restoreOverrideCursor()
            self.sign_in_button.setText(SIGN_IN_TEXT)
            self.sign_in_button.setEnabled(True)

    def done(self, result: int) -> None:
        self._stop_waiting()  # closed while waiting: the cursor is the person's again
        super().done(result)

    def _refused(self, error: BaseException) -> None:
        self.message.show_error(error)
        self.password_edit.clear()
        if self.email_edit.text().strip():
            self.password_edit.setFocus()
        else:
            self.email_edit.setFocus()
