"""Restrict… (R17): the Owner or a Record Custodian hides the client from named staff members,
with a reason, and lifts a restriction."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ...services import restrictions, staff
from ..form_dialog import FormDialog
from ..widgets import button

CHOOSE = "Choose a staff member"


class RestrictionDialog(FormDialog):
    """The restrictions in force (each can be lifted) and a form to add one."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        client = host.profile.full_name if host.profile else "this client"
        super().__init__(f"Restrict {client}", "&Restrict", parent, width=560, resizable=True)
        self.host = host
        self.client = client
        self.done_text = ""
        self.intro(
            f"For the people named here {client} does not exist: not in any list, search, "
            "report or notice, and their calendar shows “Busy”. Use it for a colleague who is "
            "also a client, or a relative."
        )
        self.current = QListWidget()
        self.current.setAccessibleName("Restricted from")
        self.current.setWordWrap(True)
        self.current.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.current.setMinimumHeight(72)
        self.current.setMaximumHeight(120)
        self.lift_button = button("&Lift restriction")
        self.lift_button.clicked.connect(self.lift_selected)
        self.person = QComboBox()
        self.person.setAccessibleName("Staff member")
        self.person.addItem(CHOOSE, None)
        for member in staff.list_staff(host.ctx.uow(), host.principal):
            if member.active and member.id != host.principal.staff_id:
                self.person.addItem(f"{member.display_name} ({member.roles_label})", member.id)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setMaxLength(restrictions.MAX_REASON)
        self.reason.setPlaceholderText("For example: a staff member's relative")
        lift_row = QHBoxLayout()
        lift_row.addStretch(1)
        lift_row.addWidget(self.lift_button)
        form = QFormLayout()
        form.addRow("Restricted &from", self.current)
        form.addRow("", lift_row)
        form.addRow("&Staff member", self.person)
        form.addRow("R&eason", self.reason)
        self.body.addLayout(form)
        self.load()

    def load(self) -> None:
        self.current.clear()
        found = restrictions.restrictions_of(
            self.host.ctx.uow(), self.host.principal, self.host.client_id
        )
        for r in found:
            item = QListWidgetItem(
                f"{r.staff_name} — {r.reason} (by {r.started_by_name}, {r.started_at:%d %b %Y})"
            )
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.current.addItem(item)
        if not found:
            self.current.addItem("Nobody: everyone who may see this client sees them.")
            self.current.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.lift_button.setEnabled(bool(found))

    def lift_selected(self) -> None:
        item = self.current.currentItem() or self.current.item(0)
        restriction_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if restriction_id is None:
            return
        self.attempt(
            lambda: restrictions.lift_restriction(
                self.host.ctx.uow(), self.host.principal, restriction_id
            )
        )
        if not self.message.isVisible():
            self.done_text = f"A restriction on {self.client} was lifted."
            self.load()

    def submit(self) -> None:
        staff_id = self.person.currentData()
        problems = []
        if staff_id is None:
            problems.append("Choose the staff member to restrict this client from.")
        if not self.reason.text().strip():
            problems.append("Write the reason: it is kept with the restriction.")
        if problems:
            self.message.show_text("\n".join(problems))
            (self.person if staff_id is None else self.reason).setFocus()
            return
        made = self.attempt(
            lambda: restrictions.restrict_client(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                staff_id,
                self.reason.text(),
            )
        )
        if made is None:
            return
        self.done_text = f"{self.client} is now restricted from {made.staff_name}."
        self.accept()
