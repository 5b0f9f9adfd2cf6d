"""The Profile tab (R2): demographics, contacts, emergency contact, and each linked provider's
settings (status, diagnosis, start date); saved together, read-only for a Biller."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...services import clients
from ...services.clients import ClientDraft, ClientProfile, ProviderSetting
from ...services.errors import Conflict, InvalidInput, ServiceError
from ..calendar.common import run_modal
from ..input_limits import limit_phone
from ..messages import InlineMessage, explain, refusal_text
from ..widgets import ElidedLabel, Field, button, divider, primary_button, show_problems
from .diagnosis_picker import DiagnosisPickerDialog, codes_text
from .facts import may_edit_profile
from .linked_profiles_panel import LinkedProfilesPanel

#: the form's groups: (title, [(field, label, placeholder)]), two fields a line.
GROUPS = (
    (
        "Name",
        [
            ("first_name", "&First name", ""),
            ("last_name", "&Last name", ""),
            ("preferred_name", "Pr&eferred name", "What they like to be called"),
        ],
    ),
    (
        "Personal details",
        [
            ("date_of_birth", "Da&te of birth", "YYYY-MM-DD"),
            ("pronouns", "Pro&nouns", "e.g. she/her"),
            ("sex", "Se&x", ""),
            ("gender_identity", "&Gender identity", ""),
        ],
    ),
    (
        "Contact",
        [
            ("email", "E&mail", "name@example.com"),
            ("phone_mobile", "Mobile p&hone", ""),
            ("phone_home", "Home phone", ""),
            ("address_line1", "Address", "Street and number"),
            ("address_line2", "Address, second line", "Apartment, suite, unit"),
            ("city", "City", ""),
            ("region", "Province or state", ""),
            ("postal_code", "Postal code", ""),
        ],
    ),
    (
        "Emergency contact",
        [
            ("emergency_contact_name", "Emergency contact", "Full name"),
            ("emergency_contact_phone", "Their phone", ""),
            ("emergency_contact_relationship", "Relationship", "e.g. Partner, Parent"),
        ],
    ),
)
STATUSES = (("active", "Active"), ("inactive", "Inactive"), ("discharged", "Discharged"))
CONFLICT_TEXT = (
    "Someone else saved this client's profile first, so your changes were not saved. "
    "The profile now shows what they saved; make your change again if it is still needed."
)
SAVED_TEXT = "The profile was saved."
NOTHING_TO_SAVE = "There are no changes to save."


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _date_or_text(text: str) -> date | str | None:
    """A date typed as YYYY-MM-DD, None when empty, else the text (the service explains it)."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


class ProviderSettingsRow(QWidget):
    """One linked provider's status, diagnosis and start date for the client."""

    def __init__(self, setting: ProviderSetting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setting = setting
        who = setting.provider_name + (" · treating provider" if setting.is_treating else "")
        self.name = ElidedLabel(who)
        self.name.setObjectName("groupTitle")
        self.name.setAccessibleName(f"Provider {setting.provider_name}")
        self.status = QComboBox()
        for value, label in STATUSES:
            self.status.addItem(label, value)
        self.status.setCurrentIndex(max(0, self.status.findData(setting.status)))
        self.status.setAccessibleName(f"Status with {setting.provider_name}")
        self.status.view().setAccessibleName(f"Statuses with {setting.provider_name}")
        self.diagnosis = QLineEdit(setting.diagnosis or "")
        self.diagnosis.setMaxLength(clients.MAX_DIAGNOSIS)
        self.diagnosis.setAccessibleName(f"Diagnosis by {setting.provider_name}")
        self.start_date = QLineEdit(_text(setting.start_date))
        self.start_date.setPlaceholderText("YYYY-MM-DD")
        self.start_date.setAccessibleName(f"Start date with {setting.provider_name}")
        self.fields = {
            "status": Field("Status", self.status),
            "diagnosis": Field("Diagnosis", self.diagnosis),
            "start_date": Field("Start date", self.start_date),
        }
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.addWidget(self.fields["status"], 0, 0)
        grid.addWidget(self.fields["diagnosis"], 0, 1)
        grid.addWidget(self.fields["start_date"], 0, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 5)
        grid.setColumnStretch(2, 2)
        self.codes = QLabel(codes_text(setting.diagnosis_codes))
        self.codes.setObjectName("hint")
        self.codes.setWordWrap(True)
        self.codes.setAccessibleName(f"Diagnosis codes by {setting.provider_name}")
        self.codes_button = button(
            "Diagnosis &codes…", f"Diagnosis codes by {setting.provider_name}"
        )
        codes_row = QHBoxLayout()
        codes_row.addWidget(self.codes, 1)
        codes_row.addWidget(self.codes_button)
        self.error = InlineMessage(f"{setting.provider_name}'s settings: problem")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.name)
        layout.addLayout(grid)
        layout.addLayout(codes_row)
        layout.addWidget(self.error)

    def values(self) -> tuple[str, str | None, date | str | None]:
        diagnosis = self.diagnosis.text().strip() or None
        return self.status.currentData(), diagnosis, _date_or_text(self.start_date.text())

    def is_changed(self) -> bool:
        status, diagnosis, start = self.values()
        return (status, diagnosis, start) != (
            self.setting.status,
            self.setting.diagnosis or None,
            self.setting.start_date,
        )

    def set_read_only(self, read_only: bool, why: str) -> None:
        self.status.setEnabled(not read_only)
        self.status.setToolTip(why if read_only else "")
        self.codes_button.setEnabled(not read_only)
        self.codes_button.setToolTip(why if read_only else "Choose ICD-10-CM codes")
        for edit in (self.diagnosis, self.start_date):
            edit.setReadOnly(read_only)
            edit.setToolTip(why if read_only else "")

    def clear_errors(self) -> None:
        self.error.clear_text()
        for field in self.fields.values():
            field.clear_error()


class ProfileTab(QWidget):
    """The profile form of `host.profile`; Save checks with the services and shows a problem
    under the field it concerns, or a conflict with someone else's save, then reloads."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.stale = True
        self.setObjectName("tabPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Profile")
        self.edits: dict[str, QLineEdit] = {}
        self.fields: dict[str, Field] = {}
        self.provider_rows: list[ProviderSettingsRow] = []

        self.read_only_note = InlineMessage("Why this profile is read-only", kind="notice")
        self.read_only_note.setObjectName("sectionNote")
        self.message = InlineMessage("Problem saving the profile", kind="alert")
        self.notice = InlineMessage("Result of saving", kind="notice")
        self.save_button = primary_button("&Save changes")
        self.revert_button = button("Re&vert")
        self.revert_button.setToolTip("Show the profile as it was last saved")
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.revert_button)
        actions.addStretch(1)

        content = QWidget()
        content.setObjectName("scrollContent")
        form = QVBoxLayout(content)
        form.setContentsMargins(24, 16, 24, 24)
        form.setSpacing(14)
        form.addWidget(self.read_only_note)
        order: list[QWidget] = []
        for title, entries in GROUPS:
            heading = QLabel(title)
            heading.setObjectName("sectionTitle")
            form.addWidget(heading)
            grid = QGridLayout()
            grid.setHorizontalSpacing(20)
            grid.setVerticalSpacing(10)
            for number, (name, label, placeholder) in enumerate(entries):
                edit = QLineEdit()
                if name in clients.TEXT_FIELDS:
                    edit.setMaxLength(clients.TEXT_FIELDS[name][1])
                if name in clients.PHONE_FIELDS:
                    limit_phone(edit, clients.TEXT_FIELDS[name][1])
                edit.setPlaceholderText(placeholder)
                field = Field(label, edit)
                self.edits[name] = edit
                self.fields[name] = field
                grid.addWidget(field, number // 2, number % 2)
                order.append(edit)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)
            form.addLayout(grid)
            form.addWidget(divider())
        providers_heading = QLabel("Providers")
        providers_heading.setObjectName("sectionTitle")
        self.providers_hint = QLabel(
            "Each provider who has this client on their list keeps their own status, "
            "diagnosis and start date."
        )
        self.providers_hint.setObjectName("hint")
        self.providers_hint.setWordWrap(True)
        self.providers_box = QVBoxLayout()
        self.providers_box.setSpacing(14)
        self.no_providers = QLabel("No provider has this client on their list yet.")
        self.no_providers.setObjectName("emptyText")
        form.addWidget(providers_heading)
        form.addWidget(self.providers_hint)
        form.addWidget(self.no_providers)
        form.addLayout(self.providers_box)
        form.addWidget(divider())
        self.linked = LinkedProfilesPanel(host)
        form.addWidget(self.linked)
        form.addStretch(1)
        self._field_order = order

        self.scroll = QScrollArea()
        self.scroll.setObjectName("tabScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setAccessibleName("Profile form")

        bar = QVBoxLayout()
        bar.setContentsMargins(24, 12, 24, 4)
        bar.setSpacing(8)
        bar.addLayout(actions)
        bar.addWidget(self.message)
        bar.addWidget(self.notice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)

    # -- showing -------------------------------------------------------------------------------

    def load(self) -> None:
        """Show `host.profile` as saved (unsaved typing is replaced)."""
        self.stale = False
        profile: ClientProfile | None = self.host.profile
        if profile is None:
            return
        self.message.clear_text()
        for name, edit in self.edits.items():
            edit.setText(_text(getattr(profile, name)))
            self.fields[name].clear_error()
        for row in self.provider_rows:
            self.providers_box.removeWidget(row)
            row.deleteLater()
        self.provider_rows = [ProviderSettingsRow(setting) for setting in profile.providers]
        for row in self.provider_rows:
            row.codes_button.clicked.connect(lambda _c=False, r=row: self.open_codes(r.setting))
        for row in self.provider_rows:
            self.providers_box.addWidget(row)
        self.no_providers.setVisible(not self.provider_rows)
        self.linked.load()
        self._apply_permission(profile)
        chain = self._field_order + [
            widget
            for row in self.provider_rows
            for widget in (row.status, row.diagnosis, row.start_date)
        ]
        chain = [self.save_button, self.revert_button, *chain]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

    def _apply_permission(self, profile: ClientProfile) -> None:
        decision = may_edit_profile(self.host.principal, profile)
        why = "" if decision else refusal_text(decision)
        read_only = not decision
        for edit in self.edits.values():
            edit.setReadOnly(read_only)
            edit.setToolTip(why)
        for row in self.provider_rows:
            row.set_read_only(read_only, why)
        for control in (self.save_button, self.revert_button):
            control.setEnabled(not read_only)
            control.setToolTip(why if read_only else control.toolTip())
        if read_only:
            self.read_only_note.show_text(f"You can read this profile. {why}")
        else:
            self.read_only_note.clear_text()

    # -- saving --------------------------------------------------------------------------------

    def draft(self) -> ClientDraft:
        values: dict[str, object] = {}
        for name, edit in self.edits.items():
            text = edit.text().strip()
            values[name] = _date_or_text(text) if name == "date_of_birth" else (text or None)
        return replace(ClientDraft(), **values)

    def is_changed(self) -> bool:
        profile = self.host.profile
        if profile is None:
            return False
        return self.draft() != ClientDraft.from_profile(profile) or any(
            row.is_changed() for row in self.provider_rows
        )

    def revert(self) -> None:
        self.notice.clear_text()
        self.load()

    def open_codes(self, setting: ProviderSetting) -> DiagnosisPickerDialog:
        """The diagnosis picker for one provider's codes; saved codes show at once."""
        dialog = DiagnosisPickerDialog(self.host, setting, self)
        if run_modal(dialog) and dialog.saved is not None:
            count = len(dialog.saved)
            self.host.changed(
                f"{setting.provider_name}'s diagnosis codes were saved ({count} code"
                f"{'' if count == 1 else 's'})."
            )
        return dialog

    def save(self) -> None:
        """Save the demographics, then each changed provider row; stop at the first problem."""
        profile: ClientProfile | None = self.host.profile
        if profile is None or not self.save_button.isEnabled():
            return
        self.message.clear_text()
        self.notice.clear_text()
        for field in self.fields.values():
            field.clear_error()
        for row in self.provider_rows:
            row.clear_errors()
        if not self.is_changed():
            self.notice.show_text(NOTHING_TO_SAVE)
            return
        ctx, principal = self.host.ctx, self.host.principal
        draft = self.draft()
        try:
            if draft != ClientDraft.from_profile(profile):
                profile = clients.update_client(
                    ctx.uow(), principal, profile.id, draft, expected_version=profile.version
                )
                self.host.profile = profile
            for row in self.provider_rows:
                if not row.is_changed():
                    continue
                status, diagnosis, start = row.values()
                try:
                    profile = clients.update_provider_settings(
                        ctx.uow(),
                        principal,
                        profile.id,
                        row.setting.provider_id,
                        status,
                        diagnosis,
                        start,
                        expected_version=row.setting.version,
                    )
                except InvalidInput as error:
                    field = row.fields.get(error.field or "")
                    if field is not None:
                        field.show_error(error.message)
                    else:
                        row.error.show_text(error.message)
                    self.message.show_text(
                        f"{row.setting.provider_name}'s settings were not saved: {error.message}"
                    )
                    return
                self.host.profile = profile
                row.setting = next(
                    (p for p in profile.providers if p.provider_id == row.setting.provider_id),
                    row.setting,
                )
        except InvalidInput as error:  # every problem at once, each under its field
            problems = clients.draft_problems(ctx.uow(), draft) or [error]
            show_problems(self.fields, problems)
            field = next((f for f in self.fields.values() if f.editor.property("invalid")), None)
            if field is not None:
                self.scroll.ensureWidgetVisible(field)
            several = f"{len(problems)} fields need a change, each is marked below."
            self.message.show_text(
                f"Nothing was saved: {several if problems[1:] else error.message}"
            )
            return
        except Conflict:
            self.host.changed()
            self.message.show_text(CONFLICT_TEXT)
            return
        except ServiceError as error:
            self.message.show_text(explain(error))
            return
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.host.changed()
        self.notice.show_text(SAVED_TEXT)
