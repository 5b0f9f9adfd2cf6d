"""Staff dialogs (R12): Add staff, Edit roles, and Change record ownership."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
)

from ..app import AppContext
from ..services import staff
from ..services.errors import InvalidInput
from ..services.passwords import MIN_PASSWORD_LENGTH
from ..services.principal import Principal, Role
from ..services.staff import StaffMember
from .form_dialog import FormDialog
from .staff_fields import UNANSWERED, OwnershipQuestion, RoleChecks
from .widgets import Field, show_problems

#: the width the dialogs' text flows in, in pixels.
CONTENT_WIDTH = 460


class _StaffDialog(FormDialog):
    """The form frame with the context and the acting principal; `member` holds the result."""

    def __init__(
        self, ctx: AppContext, principal: Principal, title: str, ok_text: str, parent=None
    ) -> None:
        super().__init__(title, ok_text, parent, width=CONTENT_WIDTH)
        self.ctx = ctx
        self.principal = principal
        #: the staff member as saved, once the dialog is accepted.
        self.member: StaffMember | None = None


class AddStaffDialog(_StaffDialog):
    """Adds a staff member with staff.add_staff; a new provider's record ownership must be
    answered (OK stays disabled until it is)."""

    def __init__(self, ctx: AppContext, principal: Principal, parent=None) -> None:
        super().__init__(ctx, principal, "Add staff", "&Add staff member", parent)
        self.intro("They sign in with this email and the temporary password you choose here.")
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(120)
        self.name_edit.setPlaceholderText("e.g. Dr. Maya Okafor")
        self.email_edit = QLineEdit()
        self.email_edit.setMaxLength(254)
        self.email_edit.setPlaceholderText("name@yourpractice.org")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.role_checks = RoleChecks(principal)
        self.role_checks.setAccessibleName("Roles")
        self.ownership = OwnershipQuestion()
        self.ownership.hide()
        self.fields = {
            "display_name": Field("&Name", self.name_edit),
            "email": Field("Login &email", self.email_edit),
            "password": Field(
                "&Temporary password",
                self.password_edit,
                hint=f"At least {MIN_PASSWORD_LENGTH} characters. Tell it to them in person.",
            ),
            "roles": Field("Roles", self.role_checks),
        }
        for field in self.fields.values():
            self.body.addWidget(field)
        self.body.addWidget(self.ownership)
        order = [self.name_edit, self.email_edit, self.password_edit]
        order += list(self.role_checks.boxes.values())
        order += [self.ownership.group_radio, self.ownership.provider_radio]
        order += [self.ok_button, self.cancel_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.role_checks.changed.connect(self._update)
        self.ownership.answered.connect(self._update)
        self._update()
        self.name_edit.setFocus()

    def _update(self) -> None:
        roles = self.role_checks.roles()
        is_provider = Role.PROVIDER in roles
        self.ownership.setVisible(is_provider)
        if not roles:
            self.set_ok(False, "Choose at least one role.")
        elif is_provider and self.ownership.answer() is None:
            self.set_ok(False, UNANSWERED)
        else:
            self.set_ok(True)

    def new_staff(self) -> staff.NewStaff:
        roles = self.role_checks.roles()
        return staff.NewStaff(
            display_name=self.name_edit.text(),
            email=self.email_edit.text(),
            password=self.password_edit.text(),
            roles=roles,
            records_owner=self.ownership.answer() if Role.PROVIDER in roles else None,
        )

    def submit(self) -> None:
        for field in self.fields.values():
            field.clear_error()
        self.message.clear_text()
        try:
            self.member = staff.add_staff(
                self.ctx.uow(), self.principal, self.ctx.passwords, self.new_staff()
            )
        except InvalidInput as error:  # every problem at once, each under its field
            if error.field == "records_owner":
                self.ownership.error.show_text(error.message)
                return
            problems = staff.new_staff_problems(self.new_staff()) or [error]
            for text in show_problems(self.fields, problems):
                self.message.show_text(text)
            return
        except Exception as error:
            self.message.show_error(error)
            return
        self.accept()


class EditRolesDialog(_StaffDialog):
    """Changes a staff member's roles with staff.set_roles (expected_version guards against
    someone else's change). The ownership question appears only for a first-time provider."""

    def __init__(
        self, ctx: AppContext, principal: Principal, member: StaffMember, parent=None
    ) -> None:
        super().__init__(ctx, principal, "Edit roles", "&Save roles", parent)
        self.target = member
        self.heading.setText(f"Edit roles — {member.display_name}")
        self.intro(f"Choose what {member.display_name} ({member.email}) does in the practice.")
        self.role_checks = RoleChecks(principal)
        self.role_checks.setAccessibleName("Roles")
        self.role_checks.set_roles(member.roles)
        self.roles_field = Field("Roles", self.role_checks)
        self.ownership = OwnershipQuestion()
        self.ownership.hide()
        self.body.addWidget(self.roles_field)
        self.body.addWidget(self.ownership)
        if member.id == principal.staff_id:
            note = QLabel("Changes to your own roles take effect the next time you sign in.")
            note.setObjectName("hint")
            note.setWordWrap(True)
            self.body.addWidget(note)
        order = list(self.role_checks.boxes.values())
        order += [self.ownership.group_radio, self.ownership.provider_radio]
        order += [self.ok_button, self.cancel_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.role_checks.changed.connect(self._update)
        self.ownership.answered.connect(self._update)
        self._update()

    def needs_ownership_answer(self) -> bool:
        """True when Provider is newly ticked for someone who has never been a provider."""
        return (
            Role.PROVIDER in self.role_checks.roles()
            and not self.target.is_provider
            and not self.target.has_provider_profile
        )

    def _update(self) -> None:
        ask = self.needs_ownership_answer()
        self.ownership.setVisible(ask)
        roles = self.role_checks.roles()
        if not roles:
            self.set_ok(False, "Choose at least one role.")
        elif roles == self.target.roles:
            self.set_ok(False, "Nothing has changed yet.")
        elif ask and self.ownership.answer() is None:
            self.set_ok(False, UNANSWERED)
        else:
            self.set_ok(True)

    def submit(self) -> None:
        self.roles_field.clear_error()
        self.message.clear_text()
        try:
            self.member = staff.set_roles(
                self.ctx.uow(),
                self.principal,
                self.target.id,
                self.role_checks.roles(),
                expected_version=self.target.version,
                records_owner=self.ownership.answer() if self.needs_ownership_answer() else None,
            )
        except InvalidInput as error:
            if error.field == "records_owner":
                self.ownership.error.show_text(error.message)
            elif error.field == "roles":
                self.roles_field.show_error(error.message)
            else:
                self.message.show_error(error)
            return
        except Exception as error:
            self.message.show_error(error)
            return
        self.accept()


class RecordsOwnerDialog(_StaffDialog):
    """Changes who owns an existing provider's records (staff.change_records_owner, Owner only)."""

    def __init__(
        self, ctx: AppContext, principal: Principal, member: StaffMember, parent=None
    ) -> None:
        super().__init__(ctx, principal, "Change record ownership", "&Change ownership", parent)
        self.target = member
        self.heading.setText(f"Record ownership — {member.display_name}")
        self.intro(
            f"This decides, from now on, who may read and share the charts "
            f"{member.display_name} writes. Chart shares already started stay as they are."
        )
        self.ownership = OwnershipQuestion(f"Who owns the records {member.display_name} produces?")
        self.ownership.set_answer(member.records_owner)
        self.body.addWidget(self.ownership)
        self.setTabOrder(self.ownership.group_radio, self.ownership.provider_radio)
        self.setTabOrder(self.ownership.provider_radio, self.ok_button)
        self.setTabOrder(self.ok_button, self.cancel_button)
        self.ownership.answered.connect(self._update)
        self._update()

    def _update(self) -> None:
        answer = self.ownership.answer()
        if answer is None:
            self.set_ok(False, UNANSWERED)
        elif answer == self.target.records_owner:
            self.set_ok(False, "Choose the other answer to change it.")
        else:
            self.set_ok(True)

    def submit(self) -> None:
        self.message.clear_text()
        try:
            self.member = staff.change_records_owner(
                self.ctx.uow(),
                self.principal,
                self.target.id,
                self.ownership.answer() or "",
                expected_version=self.target.version,
            )
        except Exception as error:
            self.message.show_error(error)
            return
        self.accept()
