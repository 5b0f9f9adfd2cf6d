"""Staff dialogs (R12): Add staff, Edit roles, and Change record ownership."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import staff
from ..services.errors import InvalidInput
from ..services.passwords import MIN_PASSWORD_LENGTH
from ..services.policy import may_grant_roles
from ..services.principal import Principal, Role
from ..services.staff import StaffMember
from .messages import InlineMessage
from .widgets import ElidedLabel, Field, button, primary_button

#: what each role does, shown as the checkbox's tooltip (SPEC "People and roles").
ROLE_HELP = {
    Role.OWNER: "Runs the practice; administers staff and settings.",
    Role.MANAGER: "Administers staff and the schedule; no practice-level settings.",
    Role.RECORD_CUSTODIAN: "Keeps the group's records: sharing, transfers, releases.",
    Role.PROVIDER: "A clinician with a caseload, a calendar and a chart per client.",
    Role.SCHEDULER: "Front desk: books for every provider, sees demographics only.",
    Role.BILLER: "Works the Billing tab.",
}
ROLE_MNEMONICS = {
    Role.OWNER: "O&wner",
    Role.MANAGER: "&Manager",
    Role.RECORD_CUSTODIAN: "Record &Custodian",
    Role.PROVIDER: "&Provider",
    Role.SCHEDULER: "&Scheduler",
    Role.BILLER: "&Biller",
}
OWNERSHIP_QUESTION = "Who owns the records this provider produces?"
UNANSWERED = "Answer who owns the records this provider produces first."
OWNERSHIP_HELP = {
    "group": "The Owner, Managers and Record Custodians can read this provider's charts "
    "and share them with colleagues.",
    "provider": "Only the provider shares their charts; the practice's administrators "
    "cannot read them.",
}


class RoleChecks(QWidget):
    """One checkbox per role, in the order of SPEC.md; roles the principal may not grant are
    disabled with the reason."""

    changed = Signal()

    def __init__(self, principal: Principal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[Role, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        for number, role in enumerate(Role):
            box = QCheckBox(ROLE_MNEMONICS[role])
            box.setAccessibleName(f"Role: {role.label}")
            box.setAccessibleDescription(ROLE_HELP[role])
            decision = may_grant_roles(principal, frozenset({role}))
            if decision:
                box.setToolTip(ROLE_HELP[role])
            else:
                box.setEnabled(False)
                box.setToolTip(f"{decision.reason} ({decision.rule})")
            box.toggled.connect(self.changed)
            self.boxes[role] = box
            grid.addWidget(box, number // 2, number % 2)

    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, box in self.boxes.items() if box.isChecked())

    def set_roles(self, roles: frozenset[Role]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


class OwnershipQuestion(QFrame):
    """"Who owns the records this provider produces?" with no default: the user must answer."""

    answered = Signal()

    def __init__(self, question: str = OWNERSHIP_QUESTION, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ownershipPanel")
        label = QLabel(question)
        label.setObjectName("fieldLabel")
        label.setWordWrap(True)
        self.group_radio = QRadioButton("The &group")
        self.group_radio.setAccessibleName("The group owns the records")
        self.provider_radio = QRadioButton("The p&rovider")
        self.provider_radio.setAccessibleName("The provider owns the records")
        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        self.buttons.addButton(self.group_radio)
        self.buttons.addButton(self.provider_radio)
        self.error = InlineMessage("Record ownership: problem")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        layout.addWidget(label)
        for radio, key in ((self.group_radio, "group"), (self.provider_radio, "provider")):
            radio.setAccessibleDescription(OWNERSHIP_HELP[key])
            help_text = QLabel(OWNERSHIP_HELP[key])
            help_text.setObjectName("hint")
            help_text.setWordWrap(True)
            help_text.setContentsMargins(26, 0, 0, 4)
            layout.addWidget(radio)
            layout.addWidget(help_text)
            radio.toggled.connect(self._toggled)
        layout.addWidget(self.error)

    def _toggled(self, checked: bool) -> None:
        if checked:
            self.error.clear_text()
            self.answered.emit()

    def answer(self) -> str | None:
        """"group", "provider", or None while unanswered."""
        if self.group_radio.isChecked():
            return "group"
        if self.provider_radio.isChecked():
            return "provider"
        return None

    def set_answer(self, value: str | None) -> None:
        radio = {"group": self.group_radio, "provider": self.provider_radio}.get(value or "")
        if radio is not None:
            radio.setChecked(True)


class _StaffDialog(QDialog):
    """The frame the staff dialogs share: title, intro, body, a message, Cancel and OK."""

    def __init__(
        self, ctx: AppContext, principal: Principal, title: str, ok_text: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        #: the staff member as saved, once the dialog is accepted.
        self.member: StaffMember | None = None
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(500)
        self.heading = ElidedLabel(title)
        self.heading.setObjectName("dialogTitle")
        self.heading.setAccessibleName("Dialog title")
        self.message = InlineMessage(f"{title}: problem", kind="alert")
        self.ok_button: QPushButton = primary_button(ok_text)
        self.ok_button.setDefault(True)
        self.cancel_button = button("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 22, 26, 18)
        layout.setSpacing(14)
        layout.addWidget(self.heading)
        layout.addLayout(self.body)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def intro(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("dialogIntro")
        label.setWordWrap(True)
        self.body.addWidget(label)
        return label

    def set_ok(self, enabled: bool, why_not: str = "") -> None:
        self.ok_button.setEnabled(enabled)
        self.ok_button.setToolTip("" if enabled else why_not)

    def submit(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def _refit(self) -> None:
        self.layout().activate()
        self.adjustSize()


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
        if self.ownership.isVisible() != is_provider and self.isVisible():
            self.ownership.setVisible(is_provider)
            self._refit()
        else:
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
        except InvalidInput as error:
            self._show_invalid(error)
            return
        except Exception as error:
            self.message.show_error(error)
            self._refit()
            return
        self.accept()

    def _show_invalid(self, error: InvalidInput) -> None:
        if error.field == "records_owner":
            self.ownership.error.show_text(error.message)
        elif error.field in self.fields:
            field = self.fields[error.field]
            field.show_error(error.message)
            field.editor.setFocus()
        else:
            self.message.show_error(error)
        self._refit()


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
            and self.target.records_owner is None
        )

    def _update(self) -> None:
        ask = self.needs_ownership_answer()
        changed_visibility = self.ownership.isVisible() != ask
        self.ownership.setVisible(ask)
        if changed_visibility and self.isVisible():
            self._refit()
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
            self._refit()
            return
        except Exception as error:
            self.message.show_error(error)
            self._refit()
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
        self.ownership = OwnershipQuestion(
            f"Who owns the records {member.display_name} produces?"
        )
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
            self._refit()
            return
        self.accept()
