"""Change Password: one's own, the current one first; also shown at once after a sign-in with a
temporary password, which must be replaced before anything else (R19)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ..app import AppContext
from ..services import password_change
from ..services.errors import InvalidInput
from ..services.passwords import MIN_PASSWORD_LENGTH
from ..services.principal import Principal
from .form_dialog import FormDialog
from .messages import explain
from .widgets import Field, show_problems

TEMPORARY_INTRO = (
    "You signed in with a temporary password that someone else set. Choose your own password "
    "now; the temporary one stops working."
)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(1024)
    return edit


class ChangePasswordDialog(FormDialog):
    """Changes the signed-in person's password; on success `principal` is them, no longer asked
    to change it. With `temporary`, the intro says why it is shown and Cancel signs out."""

    asks_to_save = False  # passwords are never kept half-typed

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        *,
        temporary: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Change Password", "Change Password", parent, width=420)
        self.ctx = ctx
        self.principal = principal
        self.temporary = temporary
        self.intro_label = self.intro(
            TEMPORARY_INTRO if temporary else "Type your current password, then the new one twice."
        )
        if temporary:
            self.cancel_button.setText("Sign Out")
        self.old_edit = _password_edit()
        self.new_edit = _password_edit()
        self.again_edit = _password_edit()
        self.fields = {
            "old_password": Field(
                "&Temporary password" if temporary else "&Current password", self.old_edit
            ),
            "new_password": Field(
                "&New password",
                self.new_edit,
                hint=f"At least {MIN_PASSWORD_LENGTH} characters; a few words are easy to "
                "remember and hard to guess.",
            ),
            "new_password_again": Field("New password &again", self.again_edit),
        }
        for field in self.fields.values():
            self.body.addWidget(field)
        self.old_edit.setFocus()

    def submit(self) -> None:
        old, new, again = self.old_edit.text(), self.new_edit.text(), self.again_edit.text()
        self.message.clear_text()
        problems = password_change.change_problems(old, new, again)
        if problems:
            show_problems(self.fields, problems)
            return
        try:
            changed = password_change.change_own_password(
                self.ctx.uow(), self.principal, self.ctx.passwords, old, new, again
            )
        except InvalidInput as problem:
            elsewhere = show_problems(self.fields, [problem])
            if elsewhere:
                self.message.show_text(elsewhere[0])
            return
        except Exception as error:
            show_problems(self.fields, [])
            self.message.show_text(explain(error))
            return
        self.principal = changed
        self.accept()
