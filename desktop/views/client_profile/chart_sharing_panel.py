"""Chart Sharing (R5, R6, R8, B1): one section per provider who has a chart of the client, the
viewer's own first; opening one lists every other provider with Share or End Sharing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...services import sharing
from ...services.access_report import ChartSharingSection, ShareRow
from ..messages import confirm, refusal_text, show_error
from ..widgets import ElidedLabel, button
from .facts import may_change_lists
from .look import day
from .manage_access_dialog import AddToProviderListDialog, ManageAccessDialog
from .share_review_dialog import ShareReviewDialog
from .transfer_dialog import TransferDialog
from .who_can_see_dialog import WhoCanSeeDialog

NO_CHARTS = (
    "No provider has a chart of this client yet. A chart begins when a provider has the client "
    "on their list."
)
NO_COLLEAGUES = "There is no other active provider in the practice to share this chart with."
NO_CHART_TO_TRANSFER = "No provider has this client on their list, so there is nothing to transfer."


def share_state(row: ShareRow, zone=None) -> str:
    """ "Not shared" or "Shared since 04 Mar 2025 by Dana Whitfield · …", in plain words."""
    share = row.share
    if share is None:
        if row.on_list:
            return "Not shared · has this client on their list (profile only)"
        return "Not shared"
    parts = [f"Shared since {day(share.started_at, zone)} by {share.started_by_name}"]
    parts.append(
        "private notes included" if share.include_private else "private notes not included"
    )
    if share.expires_at is not None:
        parts.append(f"ends on {day(share.expires_at, zone)}")
    return " · ".join(parts)


def section_title(section: ChartSharingSection) -> str:
    return f"{section.provider.name}'s records"


def ownership_text(section: ChartSharingSection) -> str:
    if section.provider.records_owner == "group":
        return "Records owned by the group"
    return f"Records owned by {section.provider.name}"


class SharingSection(QFrame):
    """One provider's chart: a header that opens and closes it, then one row per colleague
    with the state of sharing to them and a Share or End Sharing button."""

    def __init__(
        self, section: ChartSharingSection, panel: ChartSharingPanel, *, expanded: bool
    ) -> None:
        super().__init__()
        self.section = section
        self.panel = panel
        self.setObjectName("card")
        self.toggle = QToolButton()
        self.toggle.setObjectName("sectionToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setText(section_title(section))
        self.toggle.setAccessibleName(f"{section_title(section)}: show or hide sharing")
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.toggle.toggled.connect(self.set_expanded)
        self.own_badge = QLabel("Your chart")
        self.own_badge.setObjectName("ownBadge")
        self.own_badge.setVisible(section.is_viewers_own)
        self.owner_label = QLabel(ownership_text(section))
        self.owner_label.setObjectName("hint")
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.toggle, 1)
        head.addWidget(self.own_badge)
        head.addWidget(self.owner_label)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(22, 0, 0, 0)
        body.setSpacing(6)
        self.refusal = QLabel()
        self.refusal.setObjectName("sectionNote")
        self.refusal.setWordWrap(True)
        self.refusal.setAccessibleName("Why sharing is closed")
        if not section.can_share:
            self.refusal.setText(refusal_text(section.can_share))
        self.refusal.setVisible(not section.can_share)
        body.addWidget(self.refusal)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(0)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 5)
        #: colleague id -> the row's action button (Share or End Sharing).
        self.buttons: dict[int, QPushButton] = {}
        self.states: dict[int, ElidedLabel] = {}
        for number, row in enumerate(section.rows):
            self._add_row(grid, number, row)
        body.addLayout(grid)
        if not section.rows:
            empty = QLabel(NO_COLLEAGUES)
            empty.setObjectName("emptyText")
            empty.setWordWrap(True)
            body.addWidget(empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.body)
        self.toggle.setChecked(expanded)
        self.set_expanded(expanded)

    def _add_row(self, grid: QGridLayout, number: int, row: ShareRow) -> None:
        zone = self.panel.host.zone
        name = ElidedLabel(row.provider_name)
        name.setAccessibleName(f"Colleague {row.provider_name}")
        state = ElidedLabel(share_state(row, zone), max_lines=2)
        state.setObjectName("sharedState" if row.share else "notSharedState")
        state.setAccessibleName(f"Sharing with {row.provider_name}")
        whose = self.section.provider.name
        if row.share is None:
            action = button("Share", f"Share {whose}'s chart with {row.provider_name}")
            action.clicked.connect(
                lambda _=False, r=row: self.panel.open_share_review(self.section, r)
            )
        else:
            action = button("End Sharing", f"End sharing {whose}'s chart with {row.provider_name}")
            action.clicked.connect(lambda _=False, r=row: self.panel.end_sharing(self.section, r))
        action.setMinimumWidth(120)
        allowed = self.section.can_share
        action.setEnabled(bool(allowed))
        action.setToolTip("" if allowed else refusal_text(allowed))
        line = QFrame()
        line.setObjectName("shareRow")
        line.setFixedHeight(1)
        grid.addWidget(line, number * 2, 0, 1, 3)
        grid.addWidget(name, number * 2 + 1, 0)
        grid.addWidget(state, number * 2 + 1, 1)
        grid.addWidget(action, number * 2 + 1, 2)
        grid.setRowMinimumHeight(number * 2 + 1, 44)
        self.buttons[row.provider_id] = action
        self.states[row.provider_id] = state

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()


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
        layout.addWidget(self.empty)
        layout.addLayout(self.sections_box)
        self.add_to_list_button.clicked.connect(self.open_add_to_list)
        self.transfer_button.clicked.connect(self.open_transfer)
        self.manage_button.clicked.connect(self.open_manage_access)
        self.who_button.clicked.connect(self.open_who_can_see)

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

    def open_who_can_see(self) -> WhoCanSeeDialog | None:
        if self.host.profile is None:
            return None
        dialog = WhoCanSeeDialog(self.host, self)
        self._open(dialog, None)
        return dialog
