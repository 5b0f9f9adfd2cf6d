"""The Emergency Access report (R18), for the Owner and Record Custodians: every use with who,
which client, why, how long, and the reads made under it; each is marked as reviewed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services import emergency_report
from ..services.emergency_report import EmergencyRead, EmergencyUse
from ..services.principal import Role
from .client_profile.look import moment
from .emergency_settings_section import EmergencySettingsDialog
from .form_dialog import FormDialog
from .widgets import button

COLUMNS = ("Opened", "By", "Client", "Reason", "Ended", "Reads", "Review")
STATES = {"open": "Still open", "ended": "Ended by them", "expired": "Time ran out"}


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def read_text(read: EmergencyRead, zone: ZoneInfo | None) -> str:
    """One read as the report lists it: "04 Mar 2025, 10:02 — Dr. Lee's chart: 3 notes, 1
    document"."""
    when = moment(read.occurred_at, zone)
    details = read.details
    if read.what == "profile":
        what = "Profile"
    elif read.what == "chart":
        notes, documents = details.get("notes", 0), details.get("documents", 0)
        what = (
            f"{details.get('provider', 'A provider')}'s chart: {count(notes, 'note')}, "
            f"{count(documents, 'document')}"
        )
    elif read.what == "document":
        what = f"Document “{details.get('name', '')}”"
    else:
        what = read.what.capitalize()
    return f"{when} — {what}"


class EmergencyReportDialog(FormDialog):
    """The report as a table, newest use first; the reads of the selected use below it.
    "Mark reviewed" marks the selected use; the Owner opens the settings from here too."""

    asks_to_save = False

    def __init__(self, ctx, principal, zone: ZoneInfo | None = None, parent=None) -> None:
        super().__init__("Emergency Access report", "&Mark reviewed", parent, resizable=True)
        self.ctx, self.principal, self.zone = ctx, principal, zone
        self.uses: list[EmergencyUse] = []
        self.resize(1000, 620)
        self.intro(
            "Every time someone opened a client's records through emergency access, with "
            "their reason and what they read. Review each use and mark it as reviewed."
        )
        self.unreviewed_only = QCheckBox("Show only uses &not reviewed yet")
        self.settings_button = button("&Who may use it…")
        self.settings_button.setVisible(principal.has(Role.OWNER))
        tools = QHBoxLayout()
        tools.addWidget(self.unreviewed_only)
        tools.addStretch(1)
        tools.addWidget(self.settings_button)
        self.body.addLayout(tools)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Uses of emergency access")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Reason"), QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.table, 3)
        self.reads_title = QLabel("Reads")
        self.reads_title.setObjectName("fieldLabel")
        self.reads = QListWidget()
        self.reads.setAccessibleName("Reads made under the selected use")
        self.reads_title.setBuddy(self.reads)
        reads_box = QVBoxLayout()
        reads_box.setSpacing(4)
        reads_box.addWidget(self.reads_title)
        reads_box.addWidget(self.reads)
        holder = QWidget()
        holder.setLayout(reads_box)
        self.body.addWidget(holder, 2)
        self.empty = QLabel("No one has used emergency access.")
        self.empty.setObjectName("emptyText")
        self.body.addWidget(self.empty)
        self.cancel_button.setText("&Close")

        self.unreviewed_only.toggled.connect(lambda _on: self.load())
        self.settings_button.clicked.connect(self.open_settings)
        self.table.itemSelectionChanged.connect(self._selected)
        self.load()
        self.table.setFocus()

    def load(self, select_id: int | None = None) -> None:
        only = self.unreviewed_only.isChecked()
        uses = self.attempt(
            lambda: emergency_report.emergency_report(
                self.ctx.uow(), self.principal, unreviewed_only=only
            )
        )
        self.uses = uses or []
        now = self.ctx.clock.now()
        self.table.setRowCount(len(self.uses))
        for row, use in enumerate(self.uses):
            reviewed = (
                f"Reviewed by {use.reviewed_by}, {moment(use.reviewed_at, self.zone)}"
                if use.reviewed_at
                else "Not reviewed"
            )
            ended = STATES[use.state(now)]
            if use.state(now) != "open":
                ended += f", {moment(use.closed_at, self.zone)[-5:]}"
            cells = (
                moment(use.opened_at, self.zone),
                use.staff_name,
                use.client_name,
                use.reason,
                ended,
                str(len(use.reads)),
                reviewed,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not self.uses)
        if self.uses:
            ids = [use.id for use in self.uses]
            self.table.selectRow(ids.index(select_id) if select_id in ids else 0)
        self._selected()

    def selected_use(self) -> EmergencyUse | None:
        rows = self.table.selectionModel().selectedRows()
        return self.uses[rows[0].row()] if rows else None

    def _selected(self) -> None:
        use = self.selected_use()
        self.reads.clear()
        if use is None:
            self.reads_title.setText("Reads")
            self.set_ok(False, "Choose a use of emergency access.")
            return
        self.reads_title.setText(
            f"Reads by {use.staff_name} of {use.client_name}'s records ({len(use.reads)})"
        )
        for read in use.reads:
            self.reads.addItem(read_text(read, self.zone))
        if not use.reads:
            self.reads.addItem("Nothing was read.")
        self.set_ok(use.reviewed_at is None, "This use has been reviewed.")

    def submit(self) -> None:
        use = self.selected_use()
        if use is None or use.reviewed_at is not None:
            return
        done = self.attempt(
            lambda: emergency_report.mark_reviewed(self.ctx.uow(), self.principal, use.id)
        )
        if done is not None:
            self.load(select_id=use.id)

    def open_settings(self) -> EmergencySettingsDialog:
        dialog = EmergencySettingsDialog(self.ctx, self.principal, self)
        dialog.open()
        return dialog
