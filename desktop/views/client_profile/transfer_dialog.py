"""Transfer a client to a colleague (R8): chosen by name or login email (R15), from one of the
charts the user may share, with a summary of what will happen before it is confirmed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from ...services import sharing, staff, transfers
from ...services.access_report import ChartSharingSection
from ...services.transfers import TransferSummary
from ..form_dialog import FormDialog
from ..messages import explain
from ..widgets import ElidedLabel, Field
from .colleague_chooser import ColleagueChooser
from .purpose_field import purpose_field

CHOOSE_COLLEAGUE = "Choose the colleague who takes the client over (type a name or login email)."


class TransferDialog(FormDialog):
    """Transfers the client from a chart the user may share (one of `sections`) to a colleague.
    `summary` holds the service's TransferSummary once the dialog is accepted."""

    def __init__(
        self, host, sections: list[ChartSharingSection], parent: QWidget | None = None
    ) -> None:
        super().__init__("Transfer client", "&Transfer", parent, width=520)
        self.ok_button.setAccessibleName("Confirm: transfer client")
        self.host = host
        self.sections = [s for s in sections if s.can_share]
        self.summary: TransferSummary | None = None
        profile = host.profile
        self.client_name = profile.full_name if profile else "this client"
        linked = {p.provider_id for p in profile.providers} if profile else set()
        self.intro(
            f"{self.client_name} moves to a colleague: they are added to the colleague's list "
            "as treating provider and the colleague can read the chart. Unlike sharing, the "
            "client leaves the current provider's list."
        )
        # the charts the user may transfer from: their provider has the client on their list
        self.sources = [s for s in self.sections if s.provider.staff_id in linked] or self.sections
        self.from_combo = QComboBox()
        self.from_combo.setAccessibleName("Transfer from")
        self.from_combo.view().setAccessibleName("Charts to transfer from")
        for section in self.sources:
            self.from_combo.addItem(section.provider.name, section.provider.staff_id)
        self.from_label = ElidedLabel(self.sources[0].provider.name if self.sources else "")
        self.from_label.setAccessibleName("Transfer from")
        several = len(self.sources) > 1
        self.from_combo.setVisible(several)
        self.from_label.setVisible(not several)
        from_box = self.from_combo if several else self.from_label
        self.from_field = Field("&From" if several else "From", from_box)
        self.body.addWidget(self.from_field)

        self.providers = staff.list_staff(
            host.ctx.uow(), host.principal, include_inactive=False, providers_only=True
        )
        self.colleague = ColleagueChooser([], "Transfer to colleague")
        self.to_field = Field("T&o colleague", self.colleague, hint="A provider of this practice.")
        self.body.addWidget(self.to_field)

        self.private_check = QCheckBox("Include &private psychotherapy notes")
        self.private_check.setAccessibleName("Include private psychotherapy notes")
        self.body.addWidget(self.private_check)

        what = QLabel("What will happen")
        what.setObjectName("fieldLabel")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("notice")
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("What will happen")
        self.body.addWidget(what)
        self.body.addWidget(self.summary_label)
        self.purpose_edit, self.purpose_field = purpose_field("Why the client is transferred")
        self.body.addWidget(self.purpose_field)

        order = [self.from_combo, self.colleague, self.private_check, self.purpose_edit]
        order += [self.cancel_button, self.ok_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.from_combo.currentIndexChanged.connect(lambda _i: self._source_changed())
        self.colleague.chosen_changed.connect(self.refresh_summary)
        self.private_check.toggled.connect(lambda _checked: self.refresh_summary())
        self._source_changed()
        self.colleague.setFocus()

    def source(self) -> ChartSharingSection | None:
        if not self.sources:
            return None
        index = self.from_combo.currentIndex() if len(self.sources) > 1 else 0
        return self.sources[max(index, 0)]

    def _source_changed(self) -> None:
        source = self.source()
        others = [m for m in self.providers if source is None or m.id != source.provider.staff_id]
        self.colleague.set_members(others)
        self.refresh_summary()

    def refresh_summary(self) -> None:
        """Say, in plain steps, what confirming will do (the chart part comes from the service)."""
        self.message.clear_text()
        source, colleague = self.source(), self.colleague.chosen()
        if source is None:
            self.summary_label.setText("There is no chart you may transfer.")
            self.set_ok(False, "There is no chart you may transfer.")
            return
        if colleague is None:
            self.summary_label.setText(CHOOSE_COLLEAGUE)
            self.set_ok(False, CHOOSE_COLLEAGUE)
            return
        try:
            preview = sharing.preview_share(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                source.provider.staff_id,
                colleague.id,
                include_private=self.private_check.isChecked(),
            )
        except Exception as error:
            self.summary_label.setText("")
            self.message.show_text(explain(error))
            self.set_ok(False, explain(error))
            return
        name, old = colleague.display_name, source.provider.name
        steps = [
            f"• {self.client_name} is added to {name}'s list as treating provider.",
            f"• {preview.summary}",
            f"• {self.client_name} leaves {old}'s list. {old}'s chart stays as it is.",
        ]
        self.summary_label.setText("\n".join(steps))
        self.set_ok(True)

    def submit(self) -> None:
        source, colleague = self.source(), self.colleague.chosen()
        if source is None or colleague is None:
            self.to_field.show_error(CHOOSE_COLLEAGUE)
            return
        self.to_field.clear_error()
        summary = self.attempt(
            lambda: transfers.transfer_client(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                source.provider.staff_id,
                colleague.id,
                include_private=self.private_check.isChecked(),
                purpose=self.purpose_edit.text(),
            )
        )
        if summary is not None:
            self.summary = summary
            self.accept()
