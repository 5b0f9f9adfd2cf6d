"""Supervision… (R16): the Owner or a Manager sets who supervises a provider, and in which
mode; from a client's profile, for that client only (the per-client choice wins)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from ..app import AppContext
from ..services import staff, supervision
from ..services.policy.supervision_rules import MODE_LABELS
from ..services.principal import Principal, Role
from .form_dialog import FormDialog

NO_SUPERVISOR = "No supervisor"
MODE_HELP = {
    "read": "Read: the supervisor reads this provider's charts (never private notes).",
    "approve": "Approve: also, each finished progress note waits for the supervisor, who "
    "approves it (it is signed then) or returns it with a comment.",
    "cosign": "Co-sign: as Approve, and the supervisor's signature is kept on the note beside "
    "the author's.",
}


class SupervisionDialog(FormDialog):
    """Choose the supervisor (or none) and the mode for one provider, or for one client of
    theirs when `client_id` is given. `done_text` says what changed."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        supervisee_id: int,
        supervisee_name: str,
        parent: QWidget | None = None,
        *,
        client_id: int | None = None,
        client_name: str | None = None,
    ) -> None:
        title = (
            f"Supervision of {supervisee_name} for {client_name}"
            if client_id
            else f"Supervision of {supervisee_name}"
        )
        super().__init__(title, "&Save supervision", parent, width=520)
        self.ctx, self.principal = ctx, principal
        self.supervisee_id, self.supervisee_name = supervisee_id, supervisee_name
        self.client_id, self.client_name = client_id, client_name
        self.done_text = ""
        self.intro(
            f"For {client_name} only: this choice wins over {supervisee_name}'s usual supervision."
            if client_id
            else f"Who supervises {supervisee_name}'s work with all their clients. One client "
            "may have another supervisor or mode, chosen from that client's profile."
        )
        self.supervisor = QComboBox()
        self.supervisor.setAccessibleName("Supervisor")
        self.supervisor.addItem(NO_SUPERVISOR, None)
        providers = [
            m
            for m in staff.list_staff(ctx.uow(), principal)
            if m.active and Role.PROVIDER in m.roles and m.id != supervisee_id
        ]
        for member in providers:
            self.supervisor.addItem(member.display_name, member.id)
        self.mode = QComboBox()
        self.mode.setAccessibleName("Mode")
        for key, label in MODE_LABELS.items():
            self.mode.addItem(label, key)
        self.help = QLabel()
        self.help.setObjectName("hint")
        self.help.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Supervisor", self.supervisor)
        form.addRow("&Mode", self.mode)
        self.body.addLayout(form)
        self.body.addWidget(self.help)
        self._current()
        self.mode.currentIndexChanged.connect(self._changed)
        self.supervisor.currentIndexChanged.connect(self._changed)
        self._changed()

    def _current(self) -> None:
        for view in supervision.supervisions_of(self.ctx.uow(), self.principal, self.supervisee_id):
            if view.client_id == self.client_id:
                self.supervisor.setCurrentIndex(
                    max(0, self.supervisor.findData(view.supervisor_id))
                )
                self.mode.setCurrentIndex(max(0, self.mode.findData(view.mode)))

    def _changed(self) -> None:
        none = self.supervisor.currentData() is None
        self.mode.setEnabled(not none)
        self.help.setText(
            "Supervision ends: notes awaiting review go back to their author as drafts."
            if none
            else MODE_HELP[self.mode.currentData()]
        )

    def submit(self) -> None:
        supervisor_id = self.supervisor.currentData()
        done = self.attempt(
            lambda: supervision.set_supervision(
                self.ctx.uow(),
                self.principal,
                self.supervisee_id,
                supervisor_id,
                self.mode.currentData(),
                self.client_id,
            )
        )
        if self.message.isVisible():
            return
        whose = (
            f"{self.supervisee_name}'s work with {self.client_name}"
            if self.client_id
            else (self.supervisee_name)
        )
        if done is None:
            self.done_text = f"Supervision of {whose} has ended."
        else:
            self.done_text = (
                f"{done.supervisor_name} now supervises {whose} ({done.mode_label.lower()})."
            )
        self.accept()
