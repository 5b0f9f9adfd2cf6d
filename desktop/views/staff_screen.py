"""The Staff screen (R12): who works here, and — for the Owner and Managers — changing that."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..models import staff_model
from ..models.staff_model import StaffTableModel
from ..services import staff, supervision
from ..services.policy import (
    may_administer_staff,
    may_change_records_owner,
    may_keep_provider_details,
    may_set_supervision,
    may_transfer_caseload,
)
from ..services.principal import Principal
from ..services.staff import StaffMember
from .caseload_transfer_dialog import CaseloadTransferDialog, provider_facts_of
from .messages import InlineMessage, confirm, refusal_text, show_error
from .provider_details_dialog import ProviderDetailsDialog
from .staff_dialogs import AddStaffDialog, EditRolesDialog, RecordsOwnerDialog
from .staff_sign_in import StaffSignInActions
from .supervision_dialog import SupervisionDialog
from .widgets import ScreenHeader, button, primary_button

CHOOSE_FIRST = "Choose a staff member first."


def _refusal(decision) -> str | None:
    return None if decision else refusal_text(decision)


class StaffScreen(QWidget):
    """The staff table and its actions. A control the principal may not use is disabled with the
    policy's reason as its tooltip; the table is reloaded after every change."""

    def __init__(
        self, ctx: AppContext, principal: Principal, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        #: the dialog now open over this screen, if any (dialogs open window-modal, not blocking).
        self.current_dialog: QDialog | None = None
        self.setObjectName("screen")
        self.setAccessibleName("Staff")
        self._administer = may_administer_staff(principal)
        self._change_owner = may_change_records_owner(principal)
        self._keep_details = may_keep_provider_details(principal)

        self.header = ScreenHeader(
            "Staff",
            "Everyone who signs in to this practice. Staff are deactivated, never deleted.",
        )
        self.add_button = primary_button("&Add staff…")
        self.edit_button = button("&Edit roles…")
        self.ownership_button = button("Change record &ownership…")
        self.caseload_button = button("Transfer case&load…")
        self.supervision_button = button("Super&vision…")
        self.details_button = button("Credent&ials and licence…")
        self.deactivate_button = button("&Deactivate…")
        self.reactivate_button = button("Rea&ctivate")
        self.sign_in_actions = StaffSignInActions(self)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for widget in (
            self.add_button,
            self.edit_button,
            self.ownership_button,
            self.caseload_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.deactivate_button)
        actions.addWidget(self.reactivate_button)

        # R16: the selected provider's supervision, and the button that changes it.
        self.supervision_label = QLabel()
        self.supervision_label.setObjectName("hint")
        self.supervision_label.setAccessibleName("Supervision of the selected provider")
        supervision_row = QHBoxLayout()
        supervision_row.setSpacing(10)
        supervision_row.addWidget(self.supervision_button)
        supervision_row.addWidget(self.supervision_label, 1)
        supervision_row.addWidget(self.details_button)
        # R19: a colleague's password or second factor reset (one row of buttons is full).
        for widget in self.sign_in_actions.buttons:
            supervision_row.addWidget(widget)

        self.read_only_note = InlineMessage("Why staff cannot be changed here", kind="notice")
        self.read_only_note.setObjectName("sectionNote")
        if not self._administer:
            self.read_only_note.show_text(
                f"You can see who works here. {refusal_text(self._administer)}"
            )
        self.notice = InlineMessage("Result of the last change", kind="notice")

        self.model = StaffTableModel(parent=self)
        self.table = QTableView()
        self.table.setAccessibleName("Staff members")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(38)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Name, email and roles share the width; long text ends in "…" (its tooltip has it all).
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(90)
        for column in (staff_model.NAME, staff_model.EMAIL, staff_model.ROLES):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column, width in ((staff_model.RECORDS_OWNER, 165), (staff_model.STATUS, 110)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(column, width)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(14)
        layout.addWidget(self.header)
        layout.addWidget(self.read_only_note)
        layout.addLayout(actions)
        layout.addLayout(supervision_row)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)

        self.setTabOrder(self.add_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.ownership_button)
        self.setTabOrder(self.ownership_button, self.caseload_button)
        self.setTabOrder(self.caseload_button, self.supervision_button)
        self.setTabOrder(self.supervision_button, self.details_button)
        self.setTabOrder(self.details_button, self.sign_in_actions.reset_password_button)
        self.setTabOrder(
            self.sign_in_actions.reset_password_button, self.sign_in_actions.reset_factor_button
        )
        self.setTabOrder(self.sign_in_actions.reset_factor_button, self.deactivate_button)
        self.setTabOrder(self.deactivate_button, self.reactivate_button)
        self.setTabOrder(self.reactivate_button, self.table)

        self.add_button.clicked.connect(self.open_add_staff)
        self.edit_button.clicked.connect(self.open_edit_roles)
        self.ownership_button.clicked.connect(self.open_records_owner)
        self.caseload_button.clicked.connect(self.open_caseload_transfer)
        self.supervision_button.clicked.connect(self.open_supervision)
        self.details_button.clicked.connect(self.open_provider_details)
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.reactivate_button.clicked.connect(self.reactivate_selected)
        self.table.selectionModel().selectionChanged.connect(self.update_actions)
        self.table.doubleClicked.connect(self._double_clicked)
        self.refresh()

    # -- the table -----------------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        """Reload the staff list, keeping (or moving) the selection."""
        keep = select_id if select_id is not None else self._selected_id()
        try:
            members = staff.list_staff(self.ctx.uow(), self.principal)
        except Exception as error:
            self.notice.clear_text()
            show_error(self, error, "Cannot show the staff")
            return
        self.model.set_members(members)
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        self.update_actions()

    def selected_member(self) -> StaffMember | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.member(rows[0].row()) if rows else None

    def _selected_id(self) -> int | None:
        member = self.selected_member()
        return member.id if member else None

    def select_email(self, email: str) -> bool:
        """Select the row of the staff member signing in as `email`."""
        for row in range(self.model.rowCount()):
            member = self.model.member(row)
            if member is not None and member.email == email:
                self.table.selectRow(row)
                return True
        return False

    # -- which actions are open ----------------------------------------------------------------

    def update_actions(self) -> None:
        """Enable what the principal may do to the selected row; say why for the rest."""
        member = self.selected_member()
        admin = None if self._administer else refusal_text(self._administer)
        owner_only = None if self._change_owner else refusal_text(self._change_owner)
        unchosen = CHOOSE_FIRST if member is None else None
        self._enable(self.add_button, admin)
        self._enable(self.edit_button, admin or unchosen)
        self._enable(
            self.ownership_button,
            owner_only
            or unchosen
            or (None if member.is_provider else f"{member.display_name} is not a provider."),
        )
        self._enable(
            self.caseload_button,
            unchosen
            or (None if member.is_provider else f"{member.display_name} is not a provider.")
            or _refusal(may_transfer_caseload(self.principal, provider_facts_of(member))),
        )
        self._enable(
            self.details_button,
            (None if self._keep_details else refusal_text(self._keep_details))
            or unchosen
            or (None if member.is_provider else f"{member.display_name} is not a provider."),
        )
        self.supervision_label.setText(self._supervision_text(member))
        supervises = may_set_supervision(self.principal)
        self._enable(
            self.supervision_button,
            (None if supervises else refusal_text(supervises))
            or unchosen
            or (None if member.is_provider else f"{member.display_name} is not a provider."),
        )
        self._enable(
            self.deactivate_button,
            admin
            or unchosen
            or (
                "You cannot deactivate your own account."
                if member.id == self.principal.staff_id
                else None
            )
            or (None if member.active else f"{member.display_name} is already deactivated."),
        )
        self._enable(
            self.reactivate_button,
            admin or unchosen or (f"{member.display_name} is active." if member.active else None),
        )
        self.sign_in_actions.update(member, CHOOSE_FIRST)

    def _supervision_text(self, member: StaffMember | None) -> str:
        if member is None or not member.is_provider:
            return ""
        try:
            found = supervision.supervisions_of(self.ctx.uow(), self.principal, member.id)
        except Exception:  # the table still works; only this line is missing
            return ""
        default = [v for v in found if v.client_id is None]
        text = (
            f"{member.display_name} is supervised by {default[0].supervisor_name} "
            f"({default[0].mode_label.lower()})."
            if default
            else f"{member.display_name} has no supervisor."
        )
        others = len(found) - len(default)
        if others:
            text += f" {others} client{'s' if others > 1 else ''} with their own supervision."
        return text

    @staticmethod
    def _enable(control: QPushButton, reason: str | None) -> None:
        """Usable when there is no reason against it; otherwise disabled, the reason its tooltip."""
        control.setEnabled(reason is None)
        control.setToolTip(reason or "")

    # -- actions -------------------------------------------------------------------------------

    def _open(self, dialog: QDialog, done) -> None:
        self.notice.clear_text()
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: done(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None
        dialog.deleteLater()

    def open_add_staff(self) -> None:
        if not self._administer:
            return
        self._open(
            AddStaffDialog(self.ctx, self.principal, self),
            lambda d: self._changed(d.member, f"{d.member.display_name} was added to the staff."),
        )

    def open_edit_roles(self) -> None:
        member = self.selected_member()
        if member is None or not self._administer:
            return
        self._open(
            EditRolesDialog(self.ctx, self.principal, member, self),
            lambda d: self._changed(
                d.member, f"{d.member.display_name} now has these roles: {d.member.roles_label}."
            ),
        )

    def open_records_owner(self) -> None:
        member = self.selected_member()
        if member is None or not self._change_owner or not member.is_provider:
            return
        self._open(
            RecordsOwnerDialog(self.ctx, self.principal, member, self),
            lambda d: self._changed(
                d.member,
                f"{d.member.display_name}'s records are now owned by "
                f"{staff.RECORDS_OWNER_LABELS[d.member.records_owner or 'group'].lower()}.",
            ),
        )

    def open_provider_details(self) -> None:
        member = self.selected_member()
        if member is None or not self._keep_details or not member.is_provider:
            return
        self._open(
            ProviderDetailsDialog(self.ctx, self.principal, member.id, self),
            lambda d: self.notice.show_text(
                f"{d.current.display_name}'s credentials and licence were saved."
            ),
        )

    def open_supervision(self) -> None:
        """R16: who supervises the selected provider, and in which mode."""
        member = self.selected_member()
        if member is None or not self.supervision_button.isEnabled():
            return
        self._open(
            SupervisionDialog(self.ctx, self.principal, member.id, member.display_name, self),
            lambda d: self._changed(member, d.done_text),
        )

    def open_caseload_transfer(self) -> None:
        """Move every client of the selected provider to a colleague (R9), with progress."""
        member = self.selected_member()
        if member is None or not self.caseload_button.isEnabled():
            return
        self.notice.clear_text()
        dialog = CaseloadTransferDialog(self.ctx, self.principal, member.id, self)
        self.current_dialog = dialog
        dialog.finished.connect(lambda _result: (self._closed(dialog), self.refresh()))
        dialog.open()

    def deactivate_selected(self) -> None:
        member = self.selected_member()
        if member is None or not self._administer:
            return
        question = (
            f"Deactivate {member.display_name}?\n\n"
            f"{member.display_name} will no longer be able to sign in, and every chart share "
            "made to them will end. Their records and history stay in the practice, and you can "
            "reactivate them later."
        )
        if not confirm(self, "Deactivate staff member", question):
            return
        self._run(
            lambda: staff.deactivate_staff(
                self.ctx.uow(), self.principal, member.id, expected_version=member.version
            ),
            f"{member.display_name} was deactivated. Chart shares made to them have ended.",
        )

    def reactivate_selected(self) -> None:
        member = self.selected_member()
        if member is None or not self._administer:
            return
        self._run(
            lambda: staff.reactivate_staff(
                self.ctx.uow(), self.principal, member.id, expected_version=member.version
            ),
            f"{member.display_name} can sign in again. Ended chart shares stay ended.",
        )

    def _run(self, action, done_text: str) -> None:
        self.notice.clear_text()
        try:
            member = action()
        except Exception as error:
            self.refresh()
            show_error(self, error, "Not done")
            return
        self._changed(member, done_text)

    def _changed(self, member: StaffMember | None, text: str) -> None:
        self.refresh(select_id=member.id if member else None)
        self.notice.show_text(text)

    def _double_clicked(self, _index) -> None:
        if self.edit_button.isEnabled():
            self.open_edit_roles()
