"""Charts of past clients: the clients who left a provider's list (a transfer, Manage access)
whose chart the provider wrote in; opening one shows the provider's own chart (R3)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QWidget

from ..services import own_charts
from .form_dialog import FormDialog
from .widgets import Field


class PastClientsDialog(FormDialog):
    """A list of the provider's past clients; Open (or Enter, or a double-click) sets
    `chosen_id` and accepts."""

    def __init__(self, ctx, principal, parent: QWidget | None = None) -> None:
        super().__init__("Charts of past clients", "&Open chart", parent, width=480)
        self.chosen_id: int | None = None
        self.intro(
            "Clients who are no longer on your list. You still read your own chart of them "
            "and finish your drafts; you cannot start new notes."
        )
        self.list = QListWidget()
        self.list.setObjectName("checkList")
        self.list.setAccessibleName("Past clients")
        past = self.attempt(lambda: own_charts.past_clients(ctx.uow(), principal)) or []
        for client in past:
            drafts = {0: "", 1: " — 1 draft to finish"}.get(
                client.drafts, f" — {client.drafts} drafts to finish"
            )
            item = QListWidgetItem(client.full_name + drafts)
            item.setData(Qt.ItemDataRole.UserRole, client.client_id)
            self.list.addItem(item)
        self.list.setFixedHeight(min(330, 14 + 32 * max(len(past), 2)))
        self.body.addWidget(Field("&Past clients", self.list))
        self.empty = QLabel("You have no charts of past clients.")
        self.empty.setObjectName("emptyText")
        self.empty.setVisible(not past)
        self.body.addWidget(self.empty)
        if past:
            self.list.setCurrentRow(0)
        self.set_ok(bool(past), "There is no chart of a past client to open.")
        self.list.itemActivated.connect(lambda _item: self.submit())
        self.list.setFocus()

    def submit(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen_id = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
