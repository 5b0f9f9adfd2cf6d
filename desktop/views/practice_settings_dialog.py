"""Practice Settings (Owner, R19): the practice's name, address and time zone, the idle time after which
every window locks, who must sign in with a second factor, and who may use emergency access
and for how long (R18)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import practice_settings
from ..services.practice_settings import (
    MAX_ADDRESS_LENGTH,
    MAX_IDLE_MINUTES,
    MIN_IDLE_MINUTES,
    SECOND_FACTOR_CHOICES,
    PracticeSettings,
)
from ..services.principal import Principal
from .emergency_settings_section import EmergencySettingsSection
from .form_dialog import FormDialog
from .messages import explain
from .setup_dialog import time_zone_names
from .widgets import Field, show_problems


def _section(title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setObjectName("settingsSection")
    layout = QVBoxLayout(box)
    layout.setSpacing(10)
    return box, layout


class PracticeSettingsDialog(FormDialog):
    """Shows the practice's settings and saves them for the Owner (others cannot open it)."""

    def __init__(self, ctx: AppContext, principal: Principal, parent: QWidget | None = None):
        super().__init__("Practice Settings", "Save", parent, width=980)
        self.ctx = ctx
        self.principal = principal
        self.saved: PracticeSettings | None = None
        current = practice_settings.read_settings(ctx.uow())

        self.name_edit = QLineEdit(current.name)
        self.name_edit.setMaxLength(200)
        self.address_edit = QPlainTextEdit(current.address)
        self.address_edit.setTabChangesFocus(True)
        lines = self.address_edit.fontMetrics().lineSpacing()
        self.address_edit.setFixedHeight(3 * lines + 18)
        zones = time_zone_names()
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.addItems(zones)
        self.zone_combo.setMaxVisibleItems(14)
        completer = QCompleter(zones, self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)
        self.zone_combo.setCurrentText(current.time_zone)
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
        self.idle_spin.setSuffix(" minutes")
        self.idle_spin.setValue(current.idle_minutes)
        self.idle_spin.setMinimumHeight(self.name_edit.sizeHint().height())
        self.idle_spin.setMaximumWidth(180)
        self.second_factor_combo = QComboBox()
        for value, label in SECOND_FACTOR_CHOICES.items():
            self.second_factor_combo.addItem(label, value)
        self.second_factor_combo.setCurrentIndex(
            list(SECOND_FACTOR_CHOICES).index(current.second_factor)
        )
        self.fields = {
            "name": Field("Practice &name", self.name_edit),
            "address": Field(
                "&Address",
                self.address_edit,
                hint=f"Printed under the name on superbills (at most {MAX_ADDRESS_LENGTH} "
                "characters).",
            ),
            "time_zone": Field(
                "&Time zone",
                self.zone_combo,
                hint="Appointments and the audit trail are shown in this time zone.",
            ),
            "idle_minutes": Field(
                "&Lock after",
                self.idle_spin,
                hint="Without keyboard or mouse for this long, every window locks until the "
                "person signed in types their password.",
            ),
            "second_factor": Field(
                "Second &factor at sign-in",
                self.second_factor_combo,
                hint="A code from an authenticator app on the person's phone, after the "
                "password. Those asked set it up at their next sign-in.",
            ),
        }
        practice_box, practice_layout = _section("Practice")
        practice_layout.addWidget(self.fields["name"])
        practice_layout.addWidget(self.fields["address"])
        practice_layout.addWidget(self.fields["time_zone"])
        sessions_box, sessions_layout = _section("Signing in and the idle lock")
        sessions_layout.addWidget(self.fields["idle_minutes"])
        sessions_layout.addWidget(self.fields["second_factor"])
        #: emergency access has settings of its own (who may use it, for how long): they are
        #: added here with `add_emergency_fields`; the section shows once it holds something.
        self.emergency_section, self.emergency_layout = _section("Emergency access")
        self.emergency_section.hide()
        # Two columns, so that the whole form fits a 768-pixel-high screen.
        columns = QHBoxLayout()
        columns.setSpacing(16)
        left = QVBoxLayout()
        left.addWidget(practice_box)
        left.addWidget(sessions_box)
        left.addStretch(1)
        columns.addLayout(left, 1)
        columns.addWidget(self.emergency_section, 1, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(columns)
        # R18: who may use emergency access and for how long, saved with the rest.
        self.emergency: EmergencySettingsSection | None = EmergencySettingsSection(ctx, principal)
        if self.emergency.load():
            self.add_emergency_fields(self.emergency)
        else:
            self.emergency = None
        self.name_edit.setFocus()

    def add_emergency_fields(self, widget: QWidget) -> None:
        """Put emergency access's own settings into their section, and show it."""
        self.emergency_layout.addWidget(widget)
        self.emergency_section.show()

    def settings(self) -> PracticeSettings:
        return PracticeSettings(
            name=self.name_edit.text(),
            time_zone=self.zone_combo.currentText(),
            idle_minutes=self.idle_spin.value(),
            second_factor=self.second_factor_combo.currentData(),
            address=self.address_edit.toPlainText(),
        )

    def submit(self) -> None:
        wanted = self.settings()
        self.message.clear_text()
        problems = practice_settings.settings_problems(wanted)
        if problems:
            show_problems(self.fields, problems)
            return
        show_problems(self.fields, [])
        if self.emergency is not None and not self.emergency.save():
            return  # the section says what is wrong; nothing of the practice was changed yet
        try:
            self.saved = practice_settings.update_settings(self.ctx.uow(), self.principal, wanted)
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.accept()
