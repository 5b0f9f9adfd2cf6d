"""Chart Sharing (R5, R6, R8, B1): one section per provider who has a chart of the client, the
viewer's own first; opening one lists every other provider with Share or End Sharing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...services import sharing
from ...services.access_report import ChartSharingSection, ShareRow
from ...services.policy import may_read_audit, may_restrict_clients, may_set_supervision
from ..messages import confirm, refusal_text, show_error
from ..supervision_dialog import SupervisionDialog
from ..widgets import button
from .disclosures_dialog import DisclosuresDialog
from .facts import may_change_lists
from .manage_access_dialog import AddToProviderListDialog, ManageAccessDialog
from .restriction_dialog import RestrictionDialog
from .share_review_dialog import ShareReviewDialog
from .sharing_section import SharingSection
from .transfer_dialog import TransferDialog
from .who_can_see_dialog import WhoCanSeeDialog

NO_CHARTS = (
    "No provider has a chart of this client yet. A chart begins when a provider has the client "
    "on their list."
)
NO_CHART_TO_TRANSFER = "No provider has this client on their list, so there is nothing to transfer."


class ChartSharingPanel(QWidget):
    """The Chart Sharing section of the Records tab and the actions around it: Add to a
    provider's list…, Transfer…, Manage access…, Who can see this chart. Every action asks the
    policy first (via the sections' decisions) and reports success in the window's banner."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.section_widgets: list[SharingSection] = []
        self.current_dialog = None
        self.setAccessibleName("Chart Sharing")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        title = QLabel("Chart Sharing")
        title.setObjectName("sectionTitle")
        intro = QLabel(
            "Sharing is one way: sharing Provider A's chart with Provider B gives B nothing of "
            "B's own chart to A. The client stays on A's list. Private psychotherapy notes are "
            "shared only when you include them."
        )
        intro.setObjectName("screenSubtitle")
        intro.setWordWrap(True)
        self.add_to_list_button = button("Add to a provider's &list…")
        self.transfer_button = button("&Transfer…")
        self.manage_button = button("&Manage access…")
        self.who_button = button("&Who can see this chart")
        self.disclosures_button = button("&Disclosures…", "Accounting of disclosures")
        # R16, R17: shown only to those who may use them.
        self.supervision_button = button("Super&vision…")
        self.restrict_button = button("Re&strict…")
        self.supervision_button.setVisible(bool(may_set_supervision(host.principal)))
        self.restrict_button.setVisible(bool(may_restrict_clients(host.principal)))
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for control in (
            self.add_to_list_button,
            self.transfer_button,
            self.manage_button,
            self.who_button,
        ):
            actions.addWidget(control)
        actions.addStretch(1)
        # The record keepers' own actions on a second row, so the panel fits a narrow window.
        keepers = QHBoxLayout()
        keepers.setSpacing(8)
        for control in (self.disclosures_button, self.supervision_button, self.restrict_button):
            keepers.addWidget(control)
        keepers.addStretch(1)
        self.empty = QLabel(NO_CHARTS)
        self.empty.setObjectName("emptyText")
        self.empty.setWordWrap(True)
        self.sections_box = QVBoxLayout()
        self.sections_box.setSpacing(10)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(actions)
        layout.addLayout(keepers)
        layout.addWidget(self.empty)
        layout.addLayout(self.sections_box)
        self.add_to_list_button.clicked.connect(self.open_add_to_list)
        self.transfer_button.clicked.connect(self.open_transfer)
        self.manage_button.clicked.connect(self.open_manage_access)
        self.who_button.clicked.connect(self.open_who_can_see)
        self.disclosures_button.clicked.connect(self.open_disclosures)
        accounting = may_read_audit(host.principal)
        self.disclosures_button.setEnabled(bool(accounting))
        self.disclosures_button.setToolTip(
            "Every share, transfer, emergency access and export of this client's records"
            if accounting
            else refusal_text(accounting)
        )
        self.supervision_button.clicked.connect(self.open_supervision)
        self.restrict_button.clicked.connect(self.open_restriction)

    # -- showing -------------------------------------------------------------------------------

    def set_sections(self, sections: list[ChartSharingSection]) -> None:
        opened = {w.section.provider.staff_id for w in self.section_widgets if w.expanded}
        first_time = not self.section_widgets
        for widget in self.section_widgets:
            self.sections_box.removeWidget(widget)
            widget.deleteLater()
        self.section_widgets = []
        for number, section in enumerate(sections):
            expanded = number == 0 if first_time else section.provider.staff_id in opened
            widget = SharingSection(section, self, expanded=expanded)
            self.sections_box.addWidget(widget)
            self.section_widgets.append(widget)
        self.empty.setVisible(not sections)
        self._update_actions(sections)

    def section_for(self, provider_id: int) -> SharingSection | None:
        for widget in self.section_widgets:
            if widget.section.provider.staff_id == provider_id:
                return widget
        return None

    def _update_actions(self, sections: list[ChartSharingSection]) -> None:
        profile = self.host.profile
        lists = may_change_lists(self.host.principal, profile) if profile else None
        why_lists = None if lists else (refusal_text(lists) if lists is not None else "")
        for control in (self.add_to_list_button, self.manage_button):
            control.setEnabled(why_lists is None)
            control.setToolTip(why_lists or "")
        shareable = [s for s in sections if s.can_share]
        if shareable:
            self.transfer_button.setEnabled(True)
            self.transfer_button.setToolTip("")
        else:
            self.transfer_button.setEnabled(False)
            self.transfer_button.setToolTip(
                refusal_text(sections[0].can_share) if sections else NO_CHART_TO_TRANSFER
            )
        self.who_button.setEnabled(profile is not None)
        self.restrict_button.setEnabled(profile is not None)
        provider = self._supervisee()
        self.supervision_button.setEnabled(provider is not None)
        self.supervision_button.setToolTip(
            f"Who supervises {provider.provider_name}'s work with this client"
            if provider
            else "No provider has this client on their list."
        )

    def _supervisee(self):
        """The client's treating provider (else the first on whose list they are)."""
        profile = self.host.profile
        if profile is None or not profile.providers:
            return None
        treating = [p for p in profile.providers if p.is_treating]
        return (treating or list(profile.providers))[0]

    def open_supervision(self) -> SupervisionDialog | None:
        provider = self._supervisee()
        if provider is None:
            return None
        try:
            dialog = SupervisionDialog(
                self.host.ctx,
                self.host.principal,
                provider.provider_id,
                provider.provider_name,
                self,
                client_id=self.host.client_id,
                client_name=self.host.profile.full_name,
            )
        except Exception as error:
            show_error(self, error, "Cannot change supervision")
            return None
        self._open(dialog, lambda d: self.host.changed(d.done_text))
        return dialog

    def open_restriction(self) -> RestrictionDialog | None:
        if self.host.profile is None:
            return None
        try:
            dialog = RestrictionDialog(self.host, self)
        except Exception as error:
            show_error(self, error, "Cannot restrict")
            return None
        # A lift happens before OK or Cancel: the window is refreshed whichever closes it.
        self._open(dialog, None)
        dialog.finished.connect(lambda _r: self.host.changed(dialog.done_text or None))
        return dialog

    # -- dialogs -------------------------------------------------------------------------------

    def _open(self, dialog, done) -> None:
        self.current_dialog = dialog
        if done is not None:
            dialog.accepted.connect(lambda: done(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None
        dialog.deleteLater()

    def open_share_review(
        self, section: ChartSharingSection, row: ShareRow
    ) -> ShareReviewDialog | None:
        if not section.can_share:
            return None
        dialog = ShareReviewDialog(
            self.host, section.provider, row.provider_id, row.provider_name, self
        )
        self._open(dialog, lambda d: self.host.changed(sharing.SHARE_STARTED_BANNER))
        return dialog

    def end_sharing(self, section: ChartSharingSection, row: ShareRow) -> bool:
        """Ask, then end the share; the banner says so. Returns whether it ended."""
        if row.share is None or not section.can_share:
            return False
        profile = self.host.profile
        client = profile.full_name if profile else "this client"
        question = (
            f"End sharing {section.provider.name}'s chart of {client} with {row.provider_name}?"
            f"\n\n{row.provider_name} will no longer read this chart. {client} stays on "
            f"{row.provider_name}'s list with the profile only; take them off it with "
            "Manage access… if that is wanted."
        )
        if not confirm(self, "End Sharing", question):
            return False
        try:
            sharing.end_chart_share(self.host.ctx.uow(), self.host.principal, row.share.id)
        except Exception as error:
            self.host.changed()
            show_error(self, error, "Sharing not ended")
            return False
        self.host.changed(sharing.SHARE_ENDED_BANNER)
        return True

    def open_transfer(self) -> TransferDialog | None:
        sections = [w.section for w in self.section_widgets if w.section.can_share]
        if not sections or self.host.profile is None:
            return None
        try:
            dialog = TransferDialog(self.host, sections, self)
        except Exception as error:
            show_error(self, error, "Cannot transfer")
            return None
        self._open(dialog, lambda d: self.host.changed(d.summary.message if d.summary else None))
        return dialog

    def open_add_to_list(self) -> AddToProviderListDialog | None:
        if not self.add_to_list_button.isEnabled() or self.host.profile is None:
            return None
        try:
            dialog = AddToProviderListDialog(self.host, self)
        except Exception as error:
            show_error(self, error, "Cannot add to a list")
            return None
        self._open(dialog, lambda d: self.host.changed(d.done_text))
        return dialog

    def open_manage_access(self) -> ManageAccessDialog | None:
        if not self.manage_button.isEnabled() or self.host.profile is None:
            return None
        try:
            dialog = ManageAccessDialog(self.host, self)
        except Exception as error:
            show_error(self, error, "Cannot manage access")
            return None
        self._open(dialog, lambda d: self.host.changed(d.done_text))
        return dialog

    def open_disclosures(self) -> DisclosuresDialog | None:
        """The accounting of disclosures (B7): Owner and Record Custodians."""
        if self.host.profile is None or not may_read_audit(self.host.principal):
            return None
        dialog = DisclosuresDialog(self.host, self)
        self._open(dialog, None)
        return dialog

    def open_who_can_see(self) -> WhoCanSeeDialog | None:
        if self.host.profile is None:
            return None
        dialog = WhoCanSeeDialog(self.host, self)
        self._open(dialog, None)
        return dialog
