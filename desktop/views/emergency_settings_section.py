"""Who may use emergency access and for how long (R18): a section the Practice settings screen
holds, and a small dialog around it reachable from the Emergency Access report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..services import emergency_settings, staff
from ..services.emergency_settings import MAX_MINUTES, MIN_MINUTES, EmergencyRules
from ..services.errors import InvalidInput, ServiceError
from ..services.principal import Role
from .form_dialog import FormDialog
from .messages import InlineMessage
from .widgets import Field, show_problems


class EmergencySettingsSection(QWidget):
    """The roles allowed (check boxes), the people named (a checkable list of active staff) and
    the duration in minutes. `load()` reads them; `save()` writes them as the Owner, showing
    every problem at once, and returns whether they were saved."""

    def __init__(self, ctx, principal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.principal = ctx, principal
        self.setAccessibleName("Emergency access settings")
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles = QWidget()
        grid = QGridLayout(roles)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, role in enumerate(Role):
            box = QCheckBox(role.label)
            self.role_boxes[role] = box
            grid.addWidget(box, index // 3, index % 3)
        self.roles_field = Field("Roles that may use it", roles)
        self.people = QListWidget()
        self.people.setObjectName("checkList")
        self.people.setAccessibleName("People named")
        self.people.setFixedHeight(132)
        self.people_field = Field(
            "&People named, whatever their roles", self.people, hint="Tick a person to allow them."
        )
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" minutes")
        self.minutes_field = Field("&How long one access lasts", self.minutes)
        self.message = InlineMessage("Emergency access settings: problem", kind="alert")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        for widget in (self.roles_field, self.people_field, self.minutes_field, self.message):
            layout.addWidget(widget)

    def load(self) -> bool:
        try:
            rules = emergency_settings.emergency_rules(self.ctx.uow(), self.principal)
            members = staff.list_staff(self.ctx.uow(), self.principal, include_inactive=False)
        except ServiceError as error:
            self.message.show_error(error)
            return False
        self.show_rules(rules, [(m.id, m.display_name) for m in members])
        return True

    def show_rules(self, rules: EmergencyRules, members: list[tuple[int, str]]) -> None:
        for role, box in self.role_boxes.items():
            box.setChecked(role in rules.allowed_roles)
        self.people.clear()
        for staff_id, name in members:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, staff_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = staff_id in rules.allowed_staff_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.minutes.setValue(rules.duration_minutes)

    def chosen_people(self) -> list[int]:
        return [
            self.people.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.people.count())
            if self.people.item(row).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> bool:
        fields = {
            "allowed_roles": self.roles_field,
            "allowed_staff_ids": self.people_field,
            "duration_minutes": self.minutes_field,
        }
        self.message.clear_text()
        roles = [role.value for role, box in self.role_boxes.items() if box.isChecked()]
        try:
            emergency_settings.update_emergency_rules(
                self.ctx.uow(), self.principal, roles, self.chosen_people(), self.minutes.value()
            )
        except InvalidInput as problem:
            for text in show_problems(fields, [problem]):
                self.message.show_text(text)
            return False
        except ServiceError as error:
            self.message.show_error(error)
            return False
        show_problems(fields, [])
        return True


class EmergencySettingsDialog(FormDialog):
    """The settings section on its own, for the Owner, until a Practice settings screen holds
    it; accepts once saved."""

    asks_to_save = False

    def __init__(self, ctx, principal, parent: QWidget | None = None) -> None:
        super().__init__("Who may use emergency access", "&Save", parent, width=520)
        self.intro(
            "The people allowed may open the records of a client they may not otherwise read, "
            "after typing a reason. Every use is recorded and listed for review."
        )
        self.section = EmergencySettingsSection(ctx, principal)
        self.body.addWidget(self.section)
        self.set_ok(self.section.load(), "The settings cannot be read.")

    def submit(self) -> None:
        if self.section.save():
            self.accept()
