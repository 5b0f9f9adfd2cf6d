"""The parts of the staff dialogs: role checkboxes and the record-ownership question (R12)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..services.policy import may_grant_roles
from ..services.principal import Principal, Role
from .messages import InlineMessage, refusal_text

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
                box.setToolTip(refusal_text(decision))
            box.toggled.connect(self.changed)
            self.boxes[role] = box
            grid.addWidget(box, number // 2, number % 2)

    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, box in self.boxes.items() if box.isChecked())

    def set_roles(self, roles: frozenset[Role]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


class OwnershipQuestion(QFrame):
    """ "Who owns the records this provider produces?" with no default: the user must answer."""

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
        """ "group", "provider", or None while unanswered."""
        if self.group_radio.isChecked():
            return "group"
        if self.provider_radio.isChecked():
            return "provider"
        return None

    def set_answer(self, value: str | None) -> None:
        radio = {"group": self.group_radio, "provider": self.provider_radio}.get(value or "")
        if radio is not None:
            radio.setChecked(True)
