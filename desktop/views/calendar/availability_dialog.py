"""A provider's working hours (weekly, local time) and time off (R10: the provider, or the
Owner, a Manager or a Scheduler, as the policy says)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...services import availability
from ...services.policy import may_manage_availability
from ...services.principal import Principal
from ..widgets import Field, TimeField, button
from .common import (
    CalendarDialog,
    ProviderChoice,
    active_providers,
    name_inner_parts,
    practice_zone,
    why_not,
)
from .look import when_text

WEEKDAYS = availability.WEEKDAY_NAMES


class HoursRow(QWidget):
    """One span of working hours: a weekday, a start and an end."""

    def __init__(self, weekday: int, start: time, end: time, parent: QWidget | None = None):
        super().__init__(parent)
        self.weekday = QComboBox()
        self.weekday.addItems(WEEKDAYS)
        self.weekday.setCurrentIndex(weekday)
        self.weekday.setAccessibleName("Day")
        self.start = TimeField(QTime(start.hour, start.minute))
        self.end = TimeField(QTime(end.hour, end.minute))
        for edit, name in ((self.start, "Starts"), (self.end, "Ends")):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(name)
        self.remove = button("Remove", "Remove these hours")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.weekday, 2)
        layout.addWidget(self.start, 1)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.end, 1)
        layout.addWidget(self.remove)

    def value(self) -> tuple[int, time, time]:
        return (
            self.weekday.currentIndex(),
            self.start.time().toPython().replace(second=0, microsecond=0),
            self.end.time().toPython().replace(second=0, microsecond=0),
        )


class AvailabilityDialog(CalendarDialog):
    """Working hours and time off of one provider; Save keeps the hours, Add/Remove change
    time off at once. Controls the policy refuses stay disabled with its reason."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        *,
        providers: list[ProviderChoice] | None = None,
        provider_id: int | None = None,
        zone: ZoneInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Working hours and time off", "&Save hours", parent, width=620)
        self.ctx, self.principal = ctx, principal
        self.zone = zone or practice_zone(ctx)
        self.providers = providers if providers is not None else active_providers(ctx, principal)
        self.cancel_button.setText("Close")
        self.cancel_button.setAccessibleName("Close")
        self.provider = QComboBox()
        for choice in self.providers:
            self.provider.addItem(choice.name, choice.id)
        if provider_id is not None:
            self.provider.setCurrentIndex(max(0, self.provider.findData(provider_id)))
        self.body.addWidget(Field("&Provider", self.provider))

        hours_box = QGroupBox("Working hours, every week")
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(6)
        self.rows: list[HoursRow] = []
        self.add_hours = button("A&dd hours")
        self.add_hours.clicked.connect(lambda: self._add_row(0, time(9), time(17)))
        hours = QVBoxLayout(hours_box)
        hours.addLayout(self.rows_layout)
        hours.addWidget(self.add_hours)
        self.body.addWidget(hours_box)

        off_box = QGroupBox("Time off")
        self.time_off = QListWidget()
        self.time_off.setObjectName("pickList")
        self.time_off.setAccessibleName("Time off to come")
        self.time_off.setFixedHeight(110)
        self.remove_off = button("&Remove time off")
        now = ctx.clock.now().astimezone(self.zone)
        start = QDateTime(QDate(now.year, now.month, now.day), QTime(0, 0))
        self.off_from = QDateTimeEdit(start.addDays(1))
        self.off_to = QDateTimeEdit(start.addDays(2))
        for edit, name in ((self.off_from, "Time off from"), (self.off_to, "Time off until")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
            edit.setAccessibleName(name)
        self.off_reason = QLineEdit()
        self.off_reason.setMaxLength(200)
        self.off_reason.setPlaceholderText("Optional, e.g. conference")
        self.add_off = button("&Add time off")
        grid = QGridLayout()
        grid.addWidget(Field("&From", self.off_from), 0, 0)
        grid.addWidget(Field("&Until", self.off_to), 0, 1)
        grid.addWidget(Field("Rea&son", self.off_reason), 1, 0, 1, 2)
        actions = QHBoxLayout()
        actions.addWidget(self.remove_off)
        actions.addStretch(1)
        actions.addWidget(self.add_off)
        off = QVBoxLayout(off_box)
        off.addWidget(self.time_off)
        off.addLayout(grid)
        off.addLayout(actions)
        self.body.addWidget(off_box)

        self.provider.currentIndexChanged.connect(self.load)
        self.add_off.clicked.connect(self.add_time_off)
        self.remove_off.clicked.connect(self.remove_time_off)
        self.time_off.currentRowChanged.connect(lambda _row: self._decide())
        self.load()
        name_inner_parts(self)

    def chosen(self) -> ProviderChoice | None:
        provider_id = self.provider.currentData()
        return next((p for p in self.providers if p.id == provider_id), None)

    def load(self) -> None:
        """Show the chosen provider's hours and their time off to come."""
        provider = self.chosen()
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        self.time_off.clear()
        if provider is None:
            self._decide()
            return
        spans = self.attempt(
            lambda: availability.weekly_hours(self.ctx.uow(), self.principal, provider.id)
        )
        for span in spans or []:
            self._add_row(span.weekday, span.start_time, span.end_time)
        now = self.ctx.clock.now()
        periods = self.attempt(
            lambda: availability.time_off_between(
                self.ctx.uow(), self.principal, provider.id, now, now + timedelta(days=366)
            )
        )
        for period in periods or []:
            text = when_text(period.starts_at, None, self.zone)
            text += f" → {when_text(period.ends_at, None, self.zone)}"
            if period.reason:
                text += f" · {period.reason}"
            item = QListWidgetItem(text)
            item.setData(256, period.id)
            self.time_off.addItem(item)
        if not periods:
            self.time_off.addItem("No time off to come.")
        self._decide()

    def _add_row(self, weekday: int, start: time, end: time) -> None:
        row = HoursRow(weekday, start, end)
        row.remove.clicked.connect(lambda: self._remove_row(row))
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        name_inner_parts(row)
        self._decide()

    def _remove_row(self, row: HoursRow) -> None:
        self.rows.remove(row)
        row.deleteLater()

    def _decide(self) -> None:
        provider = self.chosen()
        decision = may_manage_availability(self.principal, provider.facts) if provider else None
        allowed = bool(decision)
        reason = why_not(decision) if decision is not None else "Choose a provider first."
        self.set_ok(allowed, reason)
        for control in [self.add_hours, self.add_off, *[r for r in self.rows]]:
            control.setEnabled(allowed)
            control.setToolTip("" if allowed else reason)
        item = self.time_off.currentItem()
        removable = allowed and item is not None and item.data(256) is not None
        self.remove_off.setEnabled(removable)
        self.remove_off.setToolTip(reason if not allowed else "" if removable else "Choose one.")

    def submit(self) -> None:
        provider = self.chosen()
        if provider is None:
            return
        hours = [row.value() for row in self.rows]
        saved = self.attempt(
            lambda: availability.set_weekly_hours(
                self.ctx.uow(), self.principal, provider.id, hours
            )
        )
        if saved is not None:
            self.accept()

    def add_time_off(self) -> None:
        provider = self.chosen()
        start = datetime.combine(
            self.off_from.date().toPython(), self.off_from.time().toPython(), self.zone
        )
        end = datetime.combine(
            self.off_to.date().toPython(), self.off_to.time().toPython(), self.zone
        )
        added = self.attempt(
            lambda: availability.add_time_off(
                self.ctx.uow(), self.principal, provider.id, start, end, self.off_reason.text()
            )
        )
        if added is not None:
            self.off_reason.clear()
            self.load()

    def remove_time_off(self) -> None:
        item = self.time_off.currentItem()
        if item is None or item.data(256) is None:
            return
        self.attempt(
            lambda: availability.remove_time_off(self.ctx.uow(), self.principal, item.data(256))
        )
        self.load()
