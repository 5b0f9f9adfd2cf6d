"""The Audit screen's filter bar: period, person, client (by name), action (in words) and
workstation; `filter()` turns what is chosen into the service's AuditFilter."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from ..services.audit_query import AuditFilter
from ..services.audit_words import ACTION_WORDS
from ..services.staff import StaffMember
from .widgets import button, clear_button, tool_label

ANYONE = "Anyone"
ANY_ACTION = "Any action"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class AuditFilters(QWidget):
    """Emits `changed` whenever a choice changes (text fields: when Enter is pressed or the
    field is left), so the screen reads a new first page. `clear` is placed by the screen."""

    changed = Signal()

    def __init__(self, time_zone: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = ZoneInfo(time_zone)
        self.setAccessibleName("Audit filters")
        self.period = QCheckBox("Only these &days:")
        self.period.setAccessibleName("Only these days")
        self.period.setToolTip("Show only the entries of these days (both included)")
        self.start = QDateEdit(_qdate(today - timedelta(days=30)))
        self.end = QDateEdit(_qdate(today))
        for edit, name in ((self.start, "First day"), (self.end, "Last day")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.findChild(QLineEdit).setAccessibleName(name)
            edit.setEnabled(False)
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        self.person.addItem(ANYONE, None)
        self.client = clear_button(QLineEdit(), "Clear the client's name")
        self.client.setPlaceholderText("Client's name")
        self.client.setAccessibleName("Client's name")
        self.client.setMaxLength(200)
        self.action = QComboBox()
        self.action.setAccessibleName("Action")
        self.action.addItem(ANY_ACTION, None)
        for code, words in sorted(ACTION_WORDS.items(), key=lambda item: item[1]):
            self.action.addItem(words, code)
        self.workstation = clear_button(QLineEdit(), "Clear the workstation")
        self.workstation.setPlaceholderText("Any workstation")
        self.workstation.setAccessibleName("Workstation")
        self.workstation.setMaxLength(255)
        self.clear = button("C&lear filters")

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        period = QHBoxLayout()
        period.setSpacing(8)
        period.addWidget(self.period)
        period.addWidget(tool_label("fr&om", self.start))
        period.addWidget(self.start)
        period.addWidget(tool_label("&to", self.end))
        period.addWidget(self.end)
        period.addStretch(1)
        grid.addWidget(tool_label("Clie&nt", self.client), 0, 0)
        grid.addWidget(self.client, 0, 1)
        grid.addWidget(tool_label("&Person", self.person), 0, 2)
        grid.addWidget(self.person, 0, 3)
        grid.addWidget(tool_label("&Action", self.action), 0, 4)
        grid.addWidget(self.action, 0, 5)
        grid.addLayout(period, 1, 0, 1, 4)
        grid.addWidget(tool_label("&Workstation", self.workstation), 1, 4)
        grid.addWidget(self.workstation, 1, 5)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        # Long action words and names do not widen the screen: the open list shows them whole.
        for combo in (self.person, self.action):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)

        self.period.toggled.connect(self._period_toggled)
        for edit in (self.start, self.end):
            edit.editingFinished.connect(self._dates_changed)
        self.person.currentIndexChanged.connect(self.changed)
        self.action.currentIndexChanged.connect(self.changed)
        for line in (self.client, self.workstation):
            line.editingFinished.connect(self._text_changed)
        self.clear.clicked.connect(self.reset)
        self._last_text = ("", "")
        self._last_dates = (self.start.date(), self.end.date())
        # The lists the choices and calendars open (Qt makes them without names) read as such.
        for view in self.findChildren(QAbstractItemView):
            if not view.accessibleName():
                view.setAccessibleName("Choices")

    def set_people(self, people: list[StaffMember]) -> None:
        self.person.blockSignals(True)
        chosen = self.person.currentData()
        self.person.clear()
        self.person.addItem(ANYONE, None)
        for member in people:
            self.person.addItem(member.display_name, member.id)
        index = self.person.findData(chosen)
        self.person.setCurrentIndex(max(0, index))
        self.person.blockSignals(False)

    def _period_toggled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)
        self.changed.emit()

    def _dates_changed(self) -> None:
        dates = (self.start.date(), self.end.date())
        if dates != self._last_dates:
            self._last_dates = dates
            if self.period.isChecked():
                self.changed.emit()

    def _text_changed(self) -> None:
        text = (self.client.text().strip(), self.workstation.text().strip())
        if text != self._last_text:
            self._last_text = text
            self.changed.emit()

    def reset(self) -> None:
        for widget in (self.period, self.person, self.action, self.client, self.workstation):
            widget.blockSignals(True)
        self.period.setChecked(False)
        self.start.setEnabled(False)
        self.end.setEnabled(False)
        self.person.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.client.clear()
        self.workstation.clear()
        self._last_text = ("", "")
        for widget in (self.period, self.person, self.action, self.client, self.workstation):
            widget.blockSignals(False)
        self.changed.emit()

    def _moment(self, day: QDate) -> datetime:
        local = datetime.combine(date(day.year(), day.month(), day.day()), time(), self.zone)
        return local

    def filter(self) -> AuditFilter:
        """What is chosen, as the service takes it; the period's days in the practice's zone."""
        start = end = None
        if self.period.isChecked():
            first, last = sorted((self.start.date(), self.end.date()))
            start = self._moment(first)
            end = self._moment(last.addDays(1))
        action = self.action.currentData()
        return AuditFilter(
            start=start,
            end=end,
            actor_id=self.person.currentData(),
            client=self.client.text().strip() or None,
            actions=(action,) if action else (),
            workstation=self.workstation.text().strip() or None,
        )
