"""Who can see this chart, and why (B1): every staff member with any access to the client."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...models import access_model
from ...models.access_model import AccessTreeModel
from ...services import access_report
from ..messages import InlineMessage, explain
from ..widgets import ElidedLabel, primary_button
from .tables import read_only_tree


class WhoCanSeeDialog(QDialog):
    """A read-only tree: each person with their roles, what they see and the rule behind it;
    under them, each chart they may read. Built from the same decisions the services enforce."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.setWindowTitle("Who can see this chart")
        self.setModal(True)
        self.setMinimumSize(860, 520)
        self.resize(1040, 600)
        client = host.profile.full_name if host.profile else "this client"
        self.heading = ElidedLabel(f"Who can see {client}'s records")
        self.heading.setObjectName("dialogTitle")
        self.heading.setAccessibleName("Dialog title")
        intro = QLabel(
            "Everyone on the staff with any access to this client, what they see, and the rule "
            "that gives it to them. “Profile” means demographics, appointments and Docs & Forms."
        )
        intro.setObjectName("dialogIntro")
        intro.setWordWrap(True)
        self.message = InlineMessage("Problem showing who can see", kind="alert")
        self.model = AccessTreeModel(self)
        self.tree = read_only_tree("Who can see this client's records")
        self.tree.setModel(self.model)

        self.close_button = primary_button("&Close")
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 22, 26, 18)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.load()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.tree.doItemsLayout()  # rows take their styled height once the dialog is polished

    def load(self) -> None:
        try:
            rows = access_report.who_can_see(
                self.host.ctx.uow(), self.host.principal, self.host.client_id
            )
        except Exception as error:
            self.message.show_text(explain(error))
            rows = []
        self.model.set_rows(rows)
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(True)
        self.tree.setColumnWidth(access_model.PERSON, 260)
        self.tree.setColumnWidth(access_model.SEES, 280)
