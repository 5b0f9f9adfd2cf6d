"""The practice's fee schedule (R11: Owner, Biller): every service code with its fee and which
sessions take it by default; choose one to change it, or start a new one. Codes are retired
(not active), never deleted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from ...models.billing_models import money_text, parse_money
from ...models.row_table import RowItemRole, RowTableModel
from ...services import billing_codes
from ...services.billing_codes import USE_LABELS, FeeEntry, FeeInput, money
from ...services.errors import InvalidInput
from ..messages import InlineMessage
from ..widgets import button
from .billing_dialogs import BillingForm
from .tables import read_only_table, stretch_columns


def _default_words(entry: FeeEntry) -> str:
    if entry.use_for != "session":
        return USE_LABELS[entry.use_for]
    if entry.appointment_type:
        return f"{entry.appointment_type} sessions"
    if entry.minutes_from or entry.minutes_to:
        low, high = entry.minutes_from or 1, entry.minutes_to
        return f"Sessions of {low}–{high} min" if high else f"Sessions of {low} min or more"
    return "Chosen by hand"


class FeesModel(RowTableModel[FeeEntry]):
    """Presents billing_codes.fee_schedule, by code."""

    HEADERS = ("Code", "Description", "Fee", "Default for", "Active")

    def text(self, row: FeeEntry, column: int) -> str:
        return (
            row.code,
            row.description,
            money(row.fee_cents),
            _default_words(row),
            "Active" if row.active else "Retired",
        )[column]


def _minutes(name: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, 600)
    box.setSpecialValueText("Any")
    box.setSuffix(" min")
    box.setAccessibleName(name)
    box.setFixedWidth(110)
    return box


class FeeScheduleDialog(BillingForm):
    """The list of codes above, the form of the chosen (or a new) code below."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__("Fee schedule", "&Save code", parent, width=760)
        self.host = host
        self.asks_to_save = False
        self.editing: FeeEntry | None = None
        self.intro("Fees apply to charges made from now on; charges already made keep theirs.")
        self.model = FeesModel(self)
        self.table = read_only_table("Service codes")
        self.table.setModel(self.model)
        self.table.setMinimumHeight(220)
        stretch_columns(self.table, {0: 90, 1: None, 2: 100, 3: 200, 4: 80})
        self.table.selectionModel().currentRowChanged.connect(self._choose)
        self.body.addWidget(self.table)
        self.new_button = button("&New code")
        self.new_button.clicked.connect(self.start_new)
        self.code, self.description, self.fee = QLineEdit(), QLineEdit(), QLineEdit()
        self.code.setMaxLength(10)
        self.description.setMaxLength(200)
        self.fee.setMaxLength(16)
        self.use = QComboBox()
        for value, label in USE_LABELS.items():
            self.use.addItem(label, value)
        self.kind = QLineEdit()
        self.kind.setMaxLength(80)
        self.kind.setPlaceholderText("For example: Physiotherapy")
        self.low, self.high = _minutes("Shortest session"), _minutes("Longest session")
        self.active = QCheckBox("&Active (offered for new charges)")
        band = QWidget()
        row = QHBoxLayout(band)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.low)
        row.addWidget(self.high)
        row.addStretch(1)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.new_button)
        self.body.addLayout(top)
        self.add("code", "&Code", self.code)
        self.add("description", "&Description", self.description)
        self.add("fee_cents", "&Fee ($)", self.fee)
        self.add("use_for", "&Used for", self.use)
        self.add("appointment_type", "Default for the appointment &type", self.kind)
        self.add("minutes_from", "Default for sessions &lasting", band)
        self.fields["minutes_to"] = self.fields["minutes_from"]
        self.body.addWidget(self.active)
        self.saved_notice = InlineMessage("Result of saving a code", kind="notice")
        self.body.addWidget(self.saved_notice)
        self.cancel_button.setText("Close")
        self.load()
        self.start_new()

    def load(self, select_code: str | None = None) -> None:
        entries = billing_codes.fee_schedule(self.host.ctx.uow(), self.host.principal, True)
        self.model.set_rows(entries)
        for row, entry in enumerate(entries):
            if entry.code == select_code:
                self.table.selectRow(row)

    def _choose(self, current, _previous=None) -> None:
        entry = current.data(RowItemRole) if current.isValid() else None
        if entry is None:
            return
        self.editing = entry
        self.code.setText(entry.code)
        self.description.setText(entry.description)
        self.fee.setText(money_text(entry.fee_cents))
        self.use.setCurrentIndex(max(0, self.use.findData(entry.use_for)))
        self.kind.setText(entry.appointment_type or "")
        self.low.setValue(entry.minutes_from or 0)
        self.high.setValue(entry.minutes_to or 0)
        self.active.setChecked(entry.active)
        self.ok_button.setText("&Save code")

    def start_new(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for edit in (self.code, self.description, self.fee, self.kind):
            edit.clear()
        self.use.setCurrentIndex(0)
        self.low.setValue(0)
        self.high.setValue(0)
        self.active.setChecked(True)
        self.ok_button.setText("&Add code")
        self.code.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        self.saved_notice.clear_text()
        try:
            cents = parse_money(self.fee.text(), "The fee", "fee_cents")
        except InvalidInput as problem:
            self.problems([problem])
            return
        entry = FeeInput(
            self.code.text(),
            self.description.text(),
            cents,
            self.active.isChecked(),
            self.use.currentData(),
            self.kind.text() or None,
            self.low.value() or None,
            self.high.value() or None,
        )
        editing = self.editing
        saved = self.attempt_fields(
            lambda: billing_codes.save_fee_entry(
                self.host.ctx.uow(),
                self.host.principal,
                entry,
                editing.id if editing else None,
                editing.version if editing else None,
            )
        )
        if saved is None:
            return
        self.done_text = f"{saved.code} was saved in the fee schedule."
        for field in self.fields.values():
            field.clear_error()
        self.load(select_code=saved.code)
        self.saved_notice.show_text(self.done_text)
