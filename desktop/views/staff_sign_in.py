"""The Staff screen's sign-in actions (R19): a temporary password for a colleague who forgot
theirs (Owner or Manager), and the Owner's reset of a colleague's second factor."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPushButton

from ..services import password_change, second_factor
from ..services.errors import InvalidInput
from ..services.passwords import MIN_PASSWORD_LENGTH, password_problem
from ..services.policy.session_rules import may_reset_password, may_reset_second_factor
from ..services.staff import StaffMember
from .form_dialog import FormDialog
from .messages import confirm, explain, refusal_text, show_error
from .widgets import Field, button, show_problems


class ResetPasswordDialog(FormDialog):
    """Give a colleague a temporary password; they choose their own at their next sign-in."""

    asks_to_save = False

    def __init__(self, screen, member: StaffMember) -> None:
        super().__init__("Reset Password", "Reset Password", screen, width=440)
        self.staff_screen = screen
        self.member = member
        self.intro(
            f"Give {member.display_name} a temporary password, and tell it to them in person. "
            "At their next sign-in they must choose their own. A second factor they set up is "
            "removed: they set it up again."
        )
        self.password_edit = QLineEdit()
        self.again_edit = QLineEdit()
        for edit in (self.password_edit, self.again_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(1024)
        self.fields = {
            "temporary_password": Field(
                "&Temporary password",
                self.password_edit,
                hint=f"At least {MIN_PASSWORD_LENGTH} characters.",
            ),
            "again": Field("Temporary password &again", self.again_edit),
        }
        for field in self.fields.values():
            self.body.addWidget(field)
        self.password_edit.setFocus()

    def submit(self) -> None:
        problems = []
        problem = password_problem(self.password_edit.text())
        if problem:
            problems.append(InvalidInput(problem, field="temporary_password"))
        if self.password_edit.text() != self.again_edit.text():
            problems.append(InvalidInput("The two passwords are not the same.", field="again"))
        show_problems(self.fields, problems)
        if problems:
            return
        ctx = self.staff_screen.ctx
        try:
            password_change.reset_password(
                ctx.uow(),
                self.staff_screen.principal,
                ctx.passwords,
                self.member.id,
                self.password_edit.text(),
            )
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.accept()


class StaffSignInActions:
    """ "Reset password…" and "Reset second factor…" for the selected staff member."""

    def __init__(self, screen) -> None:
        self.screen = screen
        self.reset_password_button = button("Reset &password…")
        self.reset_factor_button = button("Reset second &factor…")
        self.reset_password_button.clicked.connect(self.reset_password)
        self.reset_factor_button.clicked.connect(self.reset_second_factor)

    @property
    def buttons(self) -> tuple[QPushButton, QPushButton]:
        return self.reset_password_button, self.reset_factor_button

    def update(self, member: StaffMember | None, choose_first: str) -> None:
        principal = self.screen.principal
        mine = member is not None and member.id == principal.staff_id
        if member is None:
            password_reason = factor_reason = choose_first
        else:
            decision = may_reset_password(principal, frozenset(member.roles))
            password_reason = (
                "Change your own password with File ▸ Change Password."
                if mine
                else None
                if decision
                else refusal_text(decision)
            )
            allowed = may_reset_second_factor(principal)
            factor_reason = None if allowed else refusal_text(allowed)
        for control, reason in (
            (self.reset_password_button, password_reason),
            (self.reset_factor_button, factor_reason),
        ):
            control.setEnabled(reason is None)
            control.setToolTip(reason or "")

    def _done(self, member: StaffMember, text: str) -> None:
        self.screen.refresh(select_id=member.id)
        self.screen.notice.show_text(text)

    def reset_password(self) -> None:
        member = self.screen.selected_member()
        if member is None or not self.reset_password_button.isEnabled():
            return
        dialog = ResetPasswordDialog(self.screen, member)
        self.screen.notice.clear_text()
        self.screen.current_dialog = dialog
        dialog.accepted.connect(
            lambda: self._done(
                member,
                f"{member.display_name} has a temporary password: they choose their own at "
                "their next sign-in.",
            )
        )
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()

    def reset_second_factor(self) -> None:
        member = self.screen.selected_member()
        if member is None or not self.reset_factor_button.isEnabled():
            return
        if not confirm(
            self.screen,
            "Reset second factor",
            f"Remove {member.display_name}'s second factor (a lost or new phone)?\n\nTheir "
            "recovery codes stop working too. They set it up again at their next sign-in when "
            "the practice requires it.",
        ):
            return
        try:
            second_factor.reset_enrolment(self.screen.ctx.uow(), self.screen.principal, member.id)
        except Exception as error:
            show_error(self.screen, error, "Not done")
            return
        self._done(member, f"{member.display_name}'s second factor was removed.")
