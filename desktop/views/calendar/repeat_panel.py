"""The booking form's repeat options, and every date the series would take, checked for clashes
before anything is saved."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...models.calendar_models import OccurrencesTableModel
from ...services.scheduling import RepeatRule

#: (label, frequency, fixed interval or None when the person chooses it).
REPEATS = (
    ("Does not repeat", None, None),
    ("Every week", "weekly", 1),
    ("Every N weeks", "weekly", None),
    ("Every month", "monthly", 1),
)


class RepeatPanel(QGroupBox):
    """How the booking repeats (`rule()` is None for once) and the checked dates. `changed` is
    emitted whenever the rule changes; `show_checks` fills the list of dates."""

    changed = Signal()

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__("Repeat", parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Repeats")
        for label, _frequency, _interval in REPEATS:
            self.kind.addItem(label)
        kind_label = QLabel("&Repeats")
        kind_label.setBuddy(self.kind)
        self.interval = QSpinBox()
        self.interval.setRange(2, 52)
        self.interval.setValue(2)
        self.interval.setSuffix(" weeks")
        self.interval.setPrefix("every ")
        self.interval.setAccessibleName("Repeat every how many weeks")
        self.after = QRadioButton("A&fter")
        self.after.setChecked(True)
        self.count = QSpinBox()
        self.count.setRange(2, 260)
        self.count.setValue(10)
        self.count.setSuffix(" times")
        self.count.setAccessibleName("How many times")
        self.until_button = QRadioButton("&Until")
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("ddd d MMM yyyy")
        self.until.setAccessibleName("Repeat until")
        self.model = OccurrencesTableModel(zone, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Dates of the series")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().resizeSection(0, 190)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setFixedHeight(150)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Clashes")
        self.skip = QCheckBox("&Skip the dates that clash")
        self.skip.setToolTip("Book the free dates only; the dates that clash are left out.")

        top = QHBoxLayout()
        top.addWidget(kind_label)
        top.addWidget(self.kind, 1)
        top.addWidget(self.interval)
        ends = QHBoxLayout()
        ends.addWidget(self.after)
        ends.addWidget(self.count)
        ends.addSpacing(16)
        ends.addWidget(self.until_button)
        ends.addWidget(self.until)
        ends.addStretch(1)
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(8)
        details.addLayout(ends)
        details.addWidget(self.table)
        details.addWidget(self.summary)
        details.addWidget(self.skip)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.details)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (
            self.interval.valueChanged,
            self.count.valueChanged,
            self.until.dateChanged,
            self.after.toggled,
        ):
            signal.connect(lambda *_args: self.changed.emit())
        self.after.toggled.connect(self._ends_changed)
        self._kind_changed()
        self._ends_changed()

    def set_first_date(self, first: date) -> None:
        """Keep "until" sensible for the series' first date (three months later by default)."""
        if self.until.date().toPython() <= first:
            self.until.setDate(QDate(first).addMonths(3))
        self.until.setMinimumDate(QDate(first))

    def rule(self) -> RepeatRule | None:
        _label, frequency, interval = REPEATS[self.kind.currentIndex()]
        if frequency is None:
            return None
        interval = interval or self.interval.value()
        if self.after.isChecked():
            return RepeatRule(frequency, interval, count=self.count.value())
        return RepeatRule(frequency, interval, until=self.until.date().toPython())

    @property
    def skip_conflicts(self) -> bool:
        return self.rule() is not None and self.skip.isChecked()

    def show_checks(self, checks: list) -> None:
        self.model.set_checks(checks)
        clashes = self.model.clash_count()
        if not checks:
            self.summary.setText("")
        elif clashes:
            self.summary.setObjectName("clash")
            self.summary.setText(
                f"{clashes} of {len(checks)} dates clash. Choose another time, or tick “Skip "
                "the dates that clash” to book the others."
            )
        else:
            self.summary.setObjectName("hint")
            self.summary.setText(f"All {len(checks)} dates are free.")
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)

    def _kind_changed(self) -> None:
        _label, frequency, interval = REPEATS[self.kind.currentIndex()]
        self.interval.setVisible(frequency is not None and interval is None)
        self.details.setVisible(frequency is not None)
        if frequency is None:
            self.model.set_checks([])
        self.changed.emit()

    def _ends_changed(self) -> None:
        self.count.setEnabled(self.after.isChecked())
        self.until.setEnabled(not self.after.isChecked())
