"""The Owner's form for a provider's credentials and licence (R12), as superbills print them
under the provider's name."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ..app import AppContext
from ..services import provider_details
from ..services.principal import Principal
from ..services.provider_details import MAX_CREDENTIALS, MAX_LICENCE, ProviderDetails
from .form_dialog import FormDialog
from .messages import explain
from .widgets import Field, show_problems


class ProviderDetailsDialog(FormDialog):
    """Shows a provider's credentials and licence and saves them (the Owner)."""

    def __init__(
        self, ctx: AppContext, principal: Principal, staff_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__("Credentials and licence", "&Save", parent, width=520)
        self.ctx = ctx
        self.principal = principal
        self.current = provider_details.provider_details(ctx.uow(), principal, staff_id)
        self.saved: ProviderDetails | None = None
        self.heading.setText(f"Credentials and licence — {self.current.display_name}")
        self.credentials_edit = QLineEdit(self.current.credentials)
        self.credentials_edit.setMaxLength(MAX_CREDENTIALS)
        self.credentials_edit.setPlaceholderText("LCSW, PT, PhD…")
        self.licence_edit = QLineEdit(self.current.licence_number)
        self.licence_edit.setMaxLength(MAX_LICENCE)
        self.licence_edit.setPlaceholderText("Licence number, NPI")
        self.fields = {
            "credentials": Field(
                "&Credentials",
                self.credentials_edit,
                hint="Shown after the provider's name on superbills.",
            ),
            "licence_number": Field(
                "&Licence and NPI",
                self.licence_edit,
                hint="Printed on superbills, for the client's insurer.",
            ),
        }
        for field in self.fields.values():
            self.body.addWidget(field)
        self.credentials_edit.setFocus()

    def submit(self) -> None:
        credentials, licence = self.credentials_edit.text(), self.licence_edit.text()
        self.message.clear_text()
        problems = provider_details.details_problems(credentials, licence)
        show_problems(self.fields, problems)
        if problems:
            return
        try:
            self.saved = provider_details.set_provider_details(
                self.ctx.uow(),
                self.principal,
                self.current.staff_id,
                credentials,
                licence,
                self.current.version,
            )
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.accept()
