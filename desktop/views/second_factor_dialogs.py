"""The second factor on screen (R19): setting it up (a QR code and the secret as text, one code
to confirm, ten recovery codes shown once) and the code asked after the password at sign-in."""

from __future__ import annotations

import io

import segno
from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QFontDatabase, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import second_factor
from ..services.errors import CodeRefused, InvalidInput
from ..services.principal import Principal
from .form_dialog import FormDialog
from .messages import explain
from .widgets import Field, show_problems

QR_SIZE = 200


def qr_pixmap(text: str, size: int = QR_SIZE) -> QPixmap:
    """`text` as a QR code, drawn sharp at `size` logical pixels."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=2)
    renderer = QSvgRenderer(QByteArray(buffer.getvalue()))
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.fill(Qt.GlobalColor.white)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, size * 2, size * 2))
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    return pixmap


def grouped(secret: str) -> str:
    """ "ABCD EFGH …": easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(1024)
    return edit


def _code_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(32)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhPreferNumbers)
    return edit


class EnrolmentDialog(FormDialog):
    """Set up a second factor: scan or type the secret, confirm one code, keep the recovery
    codes. `password` is the one just typed at sign-in; from the menu it is asked here. With
    `required`, the intro says the practice asks for it and Cancel reads "Sign Out"."""

    asks_to_save = False

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        practice_name: str,
        *,
        password: str | None = None,
        required: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Set Up Second Factor", "Confirm", parent, width=520)
        self.ctx = ctx
        self.principal = principal
        self.password = password
        self.offer = second_factor.new_secret(principal, practice_name)
        self.codes: list[str] = []
        self.intro(
            ("Your practice asks for a second factor when you sign in. " if required else "")
            + "Scan the code with an authenticator app on your phone (any app for one-time "
            "codes), or type the key into it. Then type the 6-digit code the app shows."
        )
        if required:
            self.cancel_button.setText("Sign Out")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._scan_page())
        self.pages.addWidget(self._codes_page())
        self.body.addWidget(self.pages)

    def _scan_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.qr_label = QLabel()
        self.qr_label.setPixmap(qr_pixmap(self.offer.uri))
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setAccessibleName("QR code for your authenticator app")
        self.secret_label = QLabel(grouped(self.offer.secret))
        self.secret_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.secret_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret_label.setAccessibleName("Key to type into the app")
        self.secret_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_edit = _code_edit()
        self.password_edit = _password_edit()
        self.fields = {"code": Field("&Code from the app", self.code_edit)}
        if self.password is None:
            self.fields["password"] = Field("Your &password", self.password_edit)
        layout.addWidget(self.qr_label)
        key = QLabel("Or type this key:")
        key.setObjectName("fieldLabel")
        key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(key)
        layout.addWidget(self.secret_label)
        for field in self.fields.values():
            layout.addWidget(field)
        self.code_edit.setFocus()
        return page

    def _codes_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        text = QLabel(
            "Your second factor is set up. Keep these ten recovery codes somewhere safe (printed, "
            "or in a password manager): each one signs you in once if your phone is lost. They "
            "are shown only now."
        )
        text.setWordWrap(True)
        self.codes_view = QPlainTextEdit()
        self.codes_view.setReadOnly(True)
        self.codes_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.codes_view.setAccessibleName("Recovery codes")
        self.codes_view.setFixedHeight(190)
        layout.addWidget(text)
        layout.addWidget(self.codes_view)
        return page

    def submit(self) -> None:
        if self.pages.currentIndex() == 1:
            self.accept()
            return
        password = self.password if self.password is not None else self.password_edit.text()
        self.message.clear_text()
        try:
            self.codes = second_factor.enrol(
                self.ctx.uow(),
                self.principal,
                self.ctx.passwords,
                password,
                self.offer.secret,
                self.code_edit.text(),
            )
        except InvalidInput as problem:
            elsewhere = show_problems(self.fields, [problem])
            if elsewhere:
                self.message.show_text(elsewhere[0])
            return
        except Exception as error:
            self.message.show_text(explain(error))
            return
        show_problems(self.fields, [])
        self.codes_view.setPlainText("\n".join(self.codes))
        self.pages.setCurrentIndex(1)
        self.ok_button.setText("I Have Kept Them")
        self.cancel_button.hide()


class SignInCodeDialog(FormDialog):
    """The second step of signing in: the code from the app, or a recovery code."""

    asks_to_save = False

    def __init__(
        self, ctx: AppContext, principal: Principal, password: str, parent: QWidget | None = None
    ) -> None:
        super().__init__("Second Factor", "Continue", parent, width=400)
        self.ctx = ctx
        self.principal = principal
        self._password = password
        self.intro(
            f"{principal.display_name}, type the 6-digit code your authenticator app shows now. "
            "Lost your phone? Type one of your recovery codes instead."
        )
        self.cancel_button.setText("Sign Out")
        #: why the sign-in ended here (too many wrong codes), for the sign-in screen.
        self.signed_out_message = ""
        self.code_edit = _code_edit()
        self.fields = {"code": Field("&Code", self.code_edit)}
        self.body.addWidget(self.fields["code"])
        self.code_edit.setFocus()

    def submit(self) -> None:
        self.message.clear_text()
        try:
            second_factor.confirm_sign_in_code(
                self.ctx.uow(),
                self.principal,
                self.ctx.passwords,
                self._password,
                self.code_edit.text(),
            )
        except CodeRefused as refused:
            if refused.signed_out:
                self._password = ""
                self.signed_out_message = refused.message
                self.reject()
                return
            show_problems(self.fields, [InvalidInput(refused.message, field="code")])
            self.code_edit.selectAll()
            return
        except InvalidInput as problem:
            show_problems(self.fields, [problem])
            self.code_edit.selectAll()
            return
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self._password = ""
        self.accept()
