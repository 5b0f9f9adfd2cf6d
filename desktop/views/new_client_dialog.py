"""New client (R2): the profile of a new client, checked by the service, problems shown in place."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import clients, staff
from ..services.clients import TEXT_FIELDS, ClientDraft, ClientProfile
from ..services.errors import InvalidInput, ServiceError
from ..services.principal import Principal
from .input_limits import limit_phone
from .messages import InlineMessage
from .unsaved import AsksBeforeClosing
from .widgets import (
    ElidedLabel,
    Field,
    KeepsButtonsStill,
    button,
    primary_button,
    show_problems,
)

#: the width of one column of fields, in pixels.
COLUMN_WIDTH = 280
DATE_HINT = "YYYY-MM-DD"
BAD_DATE = "Write the date as YYYY-MM-DD, for example 1985-04-23."
SEXES = ("", "Female", "Male", "Intersex", "Prefer not to say")
PRONOUNS = ("", "she/her", "he/him", "they/them")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_birth_date(text: str) -> date | None:
    """The date typed as YYYY-MM-DD, None when left empty; ValueError with BAD_DATE otherwise."""
    text = text.strip()
    if not text:
        return None
    if not _ISO_DATE.match(text):
        raise ValueError(BAD_DATE)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("There is no such date; check the month and the day.") from None


def _line(max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _choices(values: tuple[str, ...], max_length: int) -> QComboBox:
    """An editable list of the usual answers; anything else may be typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(list(values))
    combo.setCurrentIndex(0)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.lineEdit().setMaxLength(max_length)
    return combo


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    label.setIndent(0)
    label.setStyleSheet("font-size: 14px; font-weight: 600; color: #323f4b; margin-top: 8px;")
    return label


class NewClientDialog(AsksBeforeClosing, KeepsButtonsStill, QDialog):
    """Adds a client with clients.create_client. Only the names are required; a problem is shown
    under the field at fault (the service names it) and nothing is saved. `profile` holds the
    new client once the dialog is accepted. Closing it filled in asks to save or discard."""

    def __init__(self, ctx: AppContext, principal: Principal, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        #: the client as saved, once the dialog is accepted.
        self.profile: ClientProfile | None = None
        self.setWindowTitle("New client")
        self.setModal(True)

        self.first_name = _line(TEXT_FIELDS["first_name"][1])
        self.last_name = _line(TEXT_FIELDS["last_name"][1])
        self.preferred_name = _line(TEXT_FIELDS["preferred_name"][1], "If they go by another name")
        self.date_of_birth = _line(10, DATE_HINT)
        self.sex = _choices(SEXES, TEXT_FIELDS["sex"][1])
        self.pronouns = _choices(PRONOUNS, TEXT_FIELDS["pronouns"][1])
        self.email = _line(254, "name@example.com")
        self.phone_mobile = _line(TEXT_FIELDS["phone_mobile"][1], "e.g. 416-555-0101")
        self.address_line1 = _line(TEXT_FIELDS["address_line1"][1], "Street and number")
        self.city = _line(TEXT_FIELDS["city"][1])
        self.region = _line(TEXT_FIELDS["region"][1])
        self.postal_code = _line(TEXT_FIELDS["postal_code"][1])
        self.emergency_contact_name = _line(TEXT_FIELDS["emergency_contact_name"][1])
        self.emergency_contact_phone = _line(TEXT_FIELDS["emergency_contact_phone"][1])
        self.emergency_contact_relationship = _line(
            TEXT_FIELDS["emergency_contact_relationship"][1], "e.g. Partner, Parent"
        )
        self.treating_provider = QComboBox()
        self.treating_provider.setAccessibleName("Treating provider")
        self.treating_provider.view().setAccessibleName("Providers of the practice")
        self.treating_provider.addItem("No treating provider yet", None)
        for member in self._providers():
            self.treating_provider.addItem(member.display_name, member.id)
            if member.id == principal.staff_id:  # a provider adding a client treats them
                self.treating_provider.setCurrentIndex(self.treating_provider.count() - 1)
        for phone in (self.phone_mobile, self.emergency_contact_phone):
            limit_phone(phone, phone.maxLength())
        for combo, name in ((self.sex, "Sex"), (self.pronouns, "Pronouns")):
            combo.setAccessibleName(name)
            combo.lineEdit().setAccessibleName(name)
            combo.view().setAccessibleName(f"{name}: usual answers")

        #: the fields by the name the service gives an invalid one (InvalidInput.field).
        self.fields: dict[str, Field] = {
            "first_name": Field("&First name", self.first_name),
            "last_name": Field("&Last name", self.last_name),
            "preferred_name": Field("&Preferred name", self.preferred_name),
            "date_of_birth": Field(
                "&Date of birth", self.date_of_birth, hint="Year-month-day, e.g. 1985-04-23"
            ),
            "sex": Field("&Sex", self.sex),
            "pronouns": Field("Pro&nouns", self.pronouns),
            "treating_provider": Field(
                "Treatin&g provider",
                self.treating_provider,
                hint="The client goes on their list.",
            ),
            "email": Field("&Email", self.email),
            "phone_mobile": Field("&Mobile phone", self.phone_mobile),
            "address_line1": Field("Add&ress", self.address_line1),
            "city": Field("&City", self.city),
            "region": Field("Province or s&tate", self.region),
            "postal_code": Field("Postal c&ode", self.postal_code),
            # (every letter of "Name" is taken by another field's mnemonic)
            "emergency_contact_name": Field("Name", self.emergency_contact_name),
            "emergency_contact_phone": Field("P&hone", self.emergency_contact_phone),
            "emergency_contact_relationship": Field(
                "Relat&ionship", self.emergency_contact_relationship
            ),
        }
        self.emergency_contact_name.setAccessibleName("Emergency contact name")
        self.emergency_contact_phone.setAccessibleName("Emergency contact phone")
        self.emergency_contact_relationship.setAccessibleName("Emergency contact relationship")

        self.heading = ElidedLabel("New client")
        self.heading.setObjectName("dialogTitle")
        self.heading.setAccessibleName("Dialog title")
        intro = QLabel(
            "Only the first and last name are needed now; everything else can be added later "
            "on the client's profile."
        )
        intro.setObjectName("dialogIntro")
        intro.setWordWrap(True)
        self.message = InlineMessage("New client: problem", kind="alert")
        self.ok_button = primary_button("&Add client")
        self.ok_button.setDefault(True)
        self.cancel_button = button("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(8)
        top = Qt.AlignmentFlag.AlignTop
        rows: list[list[str | QLabel]] = [
            ["first_name", "last_name"],
            ["preferred_name", "date_of_birth"],
            ["sex", "pronouns", "treating_provider"],
            [_section("Contact")],
            ["email", "phone_mobile"],
            ["address_line1"],
            ["city", "region", "postal_code"],
            [_section("Emergency contact")],
            ["emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship"],
        ]
        for number, items in enumerate(rows):
            widgets = [self.fields[i] if isinstance(i, str) else i for i in items]
            if len(widgets) == 2:
                grid.addWidget(widgets[0], number, 0, top)
                grid.addWidget(widgets[1], number, 1, top)
            elif len(widgets) == 1:
                grid.addWidget(widgets[0], number, 0, 1, 2, top)
            else:  # three narrower fields across both columns
                across = QHBoxLayout()
                across.setSpacing(18)
                for widget in widgets:
                    widget.setMinimumWidth(0)
                    across.addWidget(widget, 1, top)
                grid.addLayout(across, number, 0, 1, 2)
        for column in (0, 1):
            grid.setColumnMinimumWidth(column, COLUMN_WIDTH)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 22, 26, 18)
        layout.setSpacing(12)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        order = [field.editor for field in self.fields.values()]
        order += [self.ok_button, self.cancel_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.date_of_birth.editingFinished.connect(self._check_date)
        for field in self.fields.values():
            editor = field.editor
            edited = editor.editTextChanged if isinstance(editor, QComboBox) else editor.textEdited
            edited.connect(lambda _text, f=field: f.clear_error())
        self.first_name.setFocus()

    def _providers(self) -> list:
        """The practice's active providers, to choose the treating provider from."""
        try:
            return staff.list_staff(
                self.ctx.uow(), self.principal, include_inactive=False, providers_only=True
            )
        except ServiceError:
            return []

    # -- reading the form ----------------------------------------------------------------------

    def _text(self, name: str) -> str:
        editor = self.fields[name].editor
        if isinstance(editor, QComboBox):
            return editor.currentText().strip()
        return editor.text().strip()

    def draft(self, *, with_birth_date: bool = True) -> ClientDraft:
        """The form as a ClientDraft; ValueError (BAD_DATE) for a malformed date of birth."""
        skipped = ("date_of_birth", "treating_provider")
        values = {name: self._text(name) or None for name in self.fields if name not in skipped}
        born = parse_birth_date(self.date_of_birth.text()) if with_birth_date else None
        return ClientDraft(**values, date_of_birth=born)

    def _check_date(self) -> bool:
        """Say at once, under the field, when the date of birth is not a date."""
        try:
            parse_birth_date(self.date_of_birth.text())
        except ValueError as error:
            self.fields["date_of_birth"].show_error(str(error))
            return False
        self.fields["date_of_birth"].clear_error()
        return True

    # -- saving --------------------------------------------------------------------------------

    def submit(self) -> None:
        for field in self.fields.values():
            field.clear_error()
        self.message.clear_text()
        try:
            draft = self.draft()
        except ValueError as error:  # not a date: said with every other problem of the form
            rest = clients.draft_problems(self.ctx.uow(), self.draft(with_birth_date=False))
            show_problems(self.fields, [InvalidInput(str(error), "date_of_birth"), *rest])
            return
        try:
            self.profile = clients.create_client(
                self.ctx.uow(),
                self.principal,
                draft,
                treating_provider_id=self.treating_provider.currentData(),
            )
        except InvalidInput as error:  # every problem at once, each under its field
            problems = clients.draft_problems(self.ctx.uow(), draft) or [error]
            for text in show_problems(self.fields, problems):
                self.message.show_text(text)
            return
        except Exception as error:
            self.message.show_error(error)
            return
        self.accept()

    def _show_problem(self, name: str, text: str) -> None:
        field = self.fields[name]
        field.show_error(text)
        field.editor.setFocus()
