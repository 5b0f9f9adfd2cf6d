"""Which providers have the client on their list (R6): Manage access (tick exactly who), and
Add to a provider's list (one colleague, demographics only, no chart)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QWidget

from ...services import provider_links, staff
from ...services.errors import ServiceError
from ...services.policy import may_remove_from_provider_list
from ...services.staff import StaffMember
from ..form_dialog import FormDialog
from ..widgets import Field
from .colleague_chooser import ColleagueChooser

PROFILE_ONLY = (
    "They will see the profile, appointments and Docs & Forms — not the chart notes. "
    "Share a chart with them in Chart Sharing if they need it."
)


def active_providers(host) -> list[StaffMember]:
    return staff.list_staff(
        host.ctx.uow(), host.principal, include_inactive=False, providers_only=True
    )


class ManageAccessDialog(FormDialog):
    """A checkable list of the practice's active providers: ticked ones have the client on their
    list. OK makes exactly those have it (one change, all or nothing)."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__("Manage access", "&Save access", parent, width=480)
        self.host = host
        self.done_text: str | None = None
        profile = host.profile
        self.client_name = profile.full_name if profile else "this client"
        self.current = {p.provider_id for p in profile.providers} if profile else set()
        self.intro(
            f"Tick the providers who should have {self.client_name} on their list. " + PROFILE_ONLY
        )
        self.providers = active_providers(host)
        self.list = QListWidget()
        self.list.setObjectName("checkList")
        self.list.setAccessibleName("Providers with access")
        linked = host.principal.staff_id in self.current
        locked_reason = ""
        for member in self.providers:
            item = QListWidgetItem(member.display_name)
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            item.setToolTip(member.email)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = member.id in self.current
            removable = may_remove_from_provider_list(
                host.principal, principal_linked=linked, provider_id=member.id
            )
            if checked and not removable:
                # R6: a provider takes only themselves off; a colleague's tick stays.
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(f"{member.email}\n{removable.reason}")
                locked_reason = removable.reason or ""
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.setFixedHeight(min(330, 14 + 32 * max(len(self.providers), 2)))
        self.warning = QLabel()
        self.warning.setObjectName("alert")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.body.addWidget(self.warning)  # above the list: the rows stay under the pointer
        self.body.addWidget(Field("&Providers", self.list))
        self.locked_note = QLabel(locked_reason)
        self.locked_note.setObjectName("hint")
        self.locked_note.setWordWrap(True)
        self.locked_note.setVisible(bool(locked_reason))
        self.body.addWidget(self.locked_note)
        self.list.itemChanged.connect(lambda _item: self._update())
        self._update()

    def chosen_ids(self) -> set[int]:
        return {
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        }

    def set_checked(self, staff_id: int, checked: bool) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == staff_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _names(self, ids: set[int]) -> str:
        return ", ".join(m.display_name for m in self.providers if m.id in ids)

    def _update(self) -> None:
        removed = self.current - self.chosen_ids()
        removed &= {m.id for m in self.providers}
        if removed:
            lines = [f"{self.client_name} will leave the list of {self._names(removed)}."]
            try:
                effects = provider_links.removal_effects(
                    self.host.ctx.uow(), self.host.principal, self.host.client_id, removed
                )
            except ServiceError as error:
                effects = []
                lines.append(error.message)
            lines += [e.sentence(self.client_name) for e in effects]
            self.warning.setText(" ".join(line for line in lines if line))
        self.warning.setVisible(bool(removed))

    def submit(self) -> None:
        wanted = self.chosen_ids()
        # keep links of providers not listed here (deactivated ones) as they are
        listed = {m.id for m in self.providers}
        wanted |= self.current - listed
        added, removed = wanted - self.current, self.current - wanted
        result = self.attempt(
            lambda: provider_links.set_providers_with_access(
                self.host.ctx.uow(), self.host.principal, self.host.client_id, sorted(wanted)
            )
        )
        if result is None:
            return
        parts = []
        if added:
            parts.append(f"added to the list of {self._names(added)}")
        if removed:
            parts.append(f"taken off the list of {self._names(removed)}")
        self.done_text = (
            f"{self.client_name} was " + " and ".join(parts) + "."
            if parts
            else "Nothing changed: the same providers have this client on their list."
        )
        self.accept()


class AddToProviderListDialog(FormDialog):
    """Put the client on one colleague's list with demographics only (R6)."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__("Add to a provider's list", "&Add to list", parent, width=480)
        self.host = host
        self.done_text: str | None = None
        profile = host.profile
        self.client_name = profile.full_name if profile else "this client"
        on_list = {p.provider_id for p in profile.providers} if profile else set()
        self.intro(f"Put {self.client_name} on a colleague's client list. {PROFILE_ONLY}")
        others = [m for m in active_providers(host) if m.id not in on_list]
        self.colleague = ColleagueChooser(others, "Provider to add")
        self.field = Field("&Provider", self.colleague)
        self.body.addWidget(self.field)
        if not others:
            self.field.show_error("Every active provider already has this client on their list.")
        self.colleague.chosen_changed.connect(self._update)
        self._update()
        self.colleague.setFocus()

    def _update(self) -> None:
        chosen = self.colleague.chosen()
        self.set_ok(chosen is not None, "Choose a provider (type a name or login email).")

    def submit(self) -> None:
        chosen = self.colleague.chosen()
        if chosen is None:
            return
        link = self.attempt(
            lambda: provider_links.add_to_provider_list(
                self.host.ctx.uow(), self.host.principal, self.host.client_id, chosen.id
            )
        )
        if link is not None:
            self.done_text = (
                f"{self.client_name} was added to {link.provider_name}'s list "
                "(profile only, no chart)."
            )
            self.accept()
