"""First run: "Set up your practice" creates the practice and its Owner, who is then signed in."""

from __future__ import annotations

import zoneinfo

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import practice
from ..services.errors import InvalidInput
from ..services.passwords import MIN_PASSWORD_LENGTH
from ..services.principal import Principal
from .messages import InlineMessage
from .style import svg_pixmap
from .widgets import Field, button, primary_button, show_problems

#: offered when neither the site configuration nor this computer says where the practice is.
FALLBACK_TIME_ZONE = "America/New_York"
#: zones a computer reports when nobody set one; they say nothing about where the practice is.
_UNSET_ZONES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Universal", "Zulu", "Etc/Universal"}


def time_zone_names() -> list[str]:
    """Every IANA zone this computer knows, sorted, without the legacy aliases ("posix/…")."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        if not name.startswith(("posix/", "right/")) and name not in ("localtime", "Factory")
    )


def default_time_zone(configured: str | None, known: list[str] | set[str]) -> str:
    """The site configuration's zone, else this computer's own, else America/New_York."""
    if configured and configured in known:
        return configured
    system = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    if system in known and system not in _UNSET_ZONES:
        return system
    return FALLBACK_TIME_ZONE


class SetupDialog(QDialog):
    """Creates the practice and its Owner via practice.set_up_practice.

    On success `principal` is the new Owner, already signed in. An InvalidInput is shown under
    the field it names; nothing is created until every field is accepted.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal: Principal | None = None
        self.setWindowTitle("Set up your practice")
        self.setModal(True)

        logo = QLabel()
        logo.setPixmap(svg_pixmap("app", 40))
        title = QLabel("Set up your practice")
        title.setObjectName("dialogTitle")
        heading = QHBoxLayout()
        heading.setSpacing(12)
        heading.addWidget(logo)
        heading.addWidget(title, 1)
        intro = QLabel(
            "Welcome to Clinic Desk. Name your practice and create the Owner account you will "
            "sign in with. You can add the rest of your staff afterwards."
        )
        intro.setObjectName("dialogIntro")
        intro.setWordWrap(True)

        self.practice_name_edit = QLineEdit()
        self.practice_name_edit.setMaxLength(200)
        self.practice_name_edit.setPlaceholderText("e.g. Riverside Counselling Group")
        zones = time_zone_names()
        self.time_zone_combo = QComboBox()
        self.time_zone_combo.setEditable(True)
        self.time_zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.time_zone_combo.addItems(zones)
        self.time_zone_combo.setMaxVisibleItems(14)
        completer = QCompleter(zones, self.time_zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.time_zone_combo.setCompleter(completer)
        self.time_zone_combo.setAccessibleName("Time zone")
        self.time_zone_combo.lineEdit().setAccessibleName("Time zone")
        self.time_zone_combo.view().setAccessibleName("Time zones")
        completer.popup().setAccessibleName("Time zones matching what you typed")
        self.time_zone_combo.setCurrentText(default_time_zone(ctx.config.time_zone, set(zones)))
        self.owner_name_edit = QLineEdit()
        self.owner_name_edit.setMaxLength(120)
        self.owner_name_edit.setPlaceholderText("As colleagues and clients know you")
        self.owner_email_edit = QLineEdit()
        self.owner_email_edit.setMaxLength(254)
        self.owner_email_edit.setPlaceholderText("you@yourpractice.org")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again_edit = QLineEdit()
        self.password_again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.provider_check = QCheckBox("I also see &clients (add me as a provider)")
        self.provider_check.setAccessibleName("I also see clients: add me as a provider")

        #: one Field per input, keyed by the names InvalidInput.field uses.
        self.fields: dict[str, Field] = {
            "practice_name": Field("&Practice name", self.practice_name_edit),
            "time_zone": Field(
                "&Time zone",
                self.time_zone_combo,
                hint="Appointments and the audit trail are shown in this time zone.",
            ),
            "owner_name": Field("&Your name", self.owner_name_edit),
            "owner_email": Field(
                "&Email", self.owner_email_edit, hint="You sign in to Clinic Desk with it."
            ),
            "password": Field(
                "Pass&word",
                self.password_edit,
                hint=f"At least {MIN_PASSWORD_LENGTH} characters.",
            ),
            "password_again": Field("Password &again", self.password_again_edit),
        }
        self.message = InlineMessage("Setup message", kind="alert")

        self.create_button = primary_button("C&reate practice")
        self.create_button.setDefault(True)
        self.cancel_button = button("Cancel")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        intro.setMinimumWidth(440)
        layout.addLayout(heading)
        layout.addWidget(intro)
        layout.addSpacing(4)
        for name in ("practice_name", "time_zone"):
            layout.addWidget(self.fields[name])
        layout.addSpacing(4)
        for name in ("owner_name", "owner_email", "password", "password_again"):
            layout.addWidget(self.fields[name])
        layout.addWidget(self.provider_check)
        layout.addWidget(self.message)
        layout.addSpacing(6)
        layout.addLayout(buttons)

        order = [
            self.practice_name_edit,
            self.time_zone_combo,
            self.owner_name_edit,
            self.owner_email_edit,
            self.password_edit,
            self.password_again_edit,
            self.provider_check,
            self.create_button,
            self.cancel_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.create_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.practice_name_edit.setFocus()

    def setup(self) -> practice.PracticeSetup:
        """What the form holds, as the service takes it."""
        return practice.PracticeSetup(
            practice_name=self.practice_name_edit.text(),
            time_zone=self.time_zone_combo.currentText(),
            owner_name=self.owner_name_edit.text(),
            owner_email=self.owner_email_edit.text(),
            password=self.password_edit.text(),
            password_again=self.password_again_edit.text(),
            owner_is_provider=self.provider_check.isChecked(),
        )

    def submit(self) -> None:
        for field in self.fields.values():
            field.clear_error()
        self.message.clear_text()
        try:
            principal = practice.set_up_practice(
                self.ctx.uow(), self.ctx.passwords, self.setup(), self.ctx.workstation
            )
        except InvalidInput as error:  # every problem at once, each under its field
            problems = practice.setup_problems(self.setup()) or [error]
            for text in show_problems(self.fields, problems):
                self.message.show_text(text)
            return
        except Exception as error:  # Conflict (already set up), or the database went away
            self.message.show_error(error)
            return
        self.principal = principal
        self.accept()
