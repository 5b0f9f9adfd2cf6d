"""The Calendar screen: a month navigator and the providers to show beside a day/week grid;
booking from a free slot, details from an appointment, Find Availability and working hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...services import availability, scheduling
from ...services.policy import may_manage_availability
from ...services.principal import Principal, Role
from ..messages import InlineMessage, explain
from ..widgets import ElidedLabel, ScreenHeader, button, primary_button
from . import common
from .appointment_dialogs import AppointmentDetailsDialog
from .availability_dialog import AvailabilityDialog
from .booking_dialog import BookingDialog, booked_text
from .common import (
    ProviderChoice,
    active_providers,
    booking_decision,
    practice_zone,
    why_not,
)
from .find_availability_dialog import FindAvailabilityDialog
from .look import CALENDAR_STYLE
from .status_menu import StatusMenu
from .week_grid import GridProvider, GridSlot, WeekGrid

#: (label, days shown, whether the period starts on Monday).
VIEWS = (("Day", 1, False), ("Work week", 5, True), ("Week", 7, True))
NO_PROVIDERS = "Tick at least one provider on the left to see their calendar."


class CalendarScreen(QWidget):
    """The practice calendar for one principal. A provider sees their own column by default;
    everyone else sees every active provider; the checkable list chooses a subset."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        time_zone: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.principal = ctx, principal
        #: opens a session's note: (ctx, principal, appointment id, client id, client name,
        #: zone, parent) -> (message, failed); given by the main window, None where notes are
        #: not written.
        self.note_opener = None
        self.setObjectName("screen")
        self.setAccessibleName("Calendar")
        self.setStyleSheet(CALENDAR_STYLE)
        self.zone = ZoneInfo(time_zone) if time_zone else practice_zone(ctx)
        self.current = self.today()
        self.providers: list[ProviderChoice] = []
        self._chosen_ids: set[int] | None = None

        self.header = ScreenHeader(
            "Calendar", f"Times are in the practice's time zone, {self.zone.key.replace('_', ' ')}."
        )
        self.today_button = button("T&oday")
        self.previous_button = button("‹", "Previous period")
        self.next_button = button("›", "Next period")
        for control in (self.previous_button, self.next_button):
            control.setFixedWidth(36)
        self.previous_button.setShortcut(QKeySequence("Alt+Left"))
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.previous_button.setToolTip("Previous period (Alt+Left)")
        self.next_button.setToolTip("Next period (Alt+Right)")
        self.period_label = ElidedLabel()
        self.period_label.setObjectName("periodLabel")
        self.period_label.setAccessibleName("Period shown")
        self.view = QComboBox()
        self.view.setAccessibleName("View")
        for label, _days, _monday in VIEWS:
            self.view.addItem(label)
        self.view.setFixedWidth(150)
        view_label = QLabel("&View")
        view_label.setBuddy(self.view)
        self.find_button = button("Find &Availability…")
        self.hours_button = button("Working &hours…")
        self.book_button = primary_button("&New appointment…", "New appointment")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.header, 1)
        top.addWidget(self.find_button, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.hours_button, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.book_button, 0, Qt.AlignmentFlag.AlignBottom)
        toolbar = QHBoxLayout()
        toolbar.setSpacing(8)
        toolbar.addWidget(self.today_button)
        toolbar.addWidget(self.previous_button)
        toolbar.addWidget(self.next_button)
        toolbar.addSpacing(6)
        toolbar.addWidget(self.period_label, 1)
        toolbar.addWidget(view_label)
        toolbar.addWidget(self.view)

        self.navigator = QCalendarWidget()
        self.navigator.setAccessibleName("Choose a date")
        self.navigator.setGridVisible(False)
        self.navigator.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader
        )
        self.navigator.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.navigator.setFixedSize(250, 200)
        _name_navigator_parts(self.navigator)
        common.name_inner_parts(self.navigator)
        self.provider_list = QListWidget()
        self.provider_list.setObjectName("pickList")
        self.provider_list.setAccessibleName("Providers shown")
        providers_label = QLabel("&PROVIDERS")
        providers_label.setObjectName("sideHeading")
        providers_label.setBuddy(self.provider_list)
        providers_label.setAccessibleName("Providers shown")
        self.all_button = button("All", "Show all providers")
        self.mine_button = button("Only me", "Show only my calendar")
        picks = QHBoxLayout()
        picks.addWidget(providers_label, 1)
        picks.addWidget(self.all_button)
        picks.addWidget(self.mine_button)
        side = QVBoxLayout()
        side.setSpacing(10)
        side.addWidget(self.navigator)
        side.addLayout(picks)
        side.addWidget(self.provider_list, 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(250)

        self.notice = InlineMessage("Calendar message", kind="notice")
        self.problem = InlineMessage("Calendar problem", kind="alert")
        self.grid = WeekGrid(self.zone)
        self.empty_label = QLabel(NO_PROVIDERS)
        self.empty_label.setObjectName("emptyText")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        main = QVBoxLayout()
        main.setSpacing(8)
        main.addLayout(toolbar)
        main.addWidget(self.notice)
        main.addWidget(self.problem)
        main.addWidget(self.grid, 1)
        main.addWidget(self.empty_label, 1)
        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(side_widget)
        body.addLayout(main, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(body, 1)

        self.today_button.clicked.connect(lambda: self.go_to(self.today()))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.view.currentIndexChanged.connect(lambda _i: self.reload())
        self.navigator.clicked.connect(lambda qdate: self.go_to(qdate.toPython()))
        self.navigator.activated.connect(lambda _qdate: self.grid.setFocus())
        self.provider_list.itemChanged.connect(self._providers_ticked)
        self.all_button.clicked.connect(lambda: self.show_providers(None))
        self.mine_button.clicked.connect(lambda: self.show_providers({principal.staff_id}))
        self.mine_button.setVisible(principal.has(Role.PROVIDER))
        self.book_button.clicked.connect(self.book_selected)
        self.find_button.clicked.connect(self.open_find_availability)
        self.hours_button.clicked.connect(self.open_hours)
        self.grid.slot_activated.connect(self.open_booking)
        self.grid.appointment_activated.connect(self.open_details)
        self.grid.menu_requested.connect(self.open_status_menu)
        self.grid.refused.connect(self.problem.show_text)
        self.grid.selection_changed.connect(self._update_actions)
        QShortcut(QKeySequence("Ctrl+G"), self, activated=lambda: self.grid.setFocus())
        self.setTabOrder(self.today_button, self.previous_button)
        self.setTabOrder(self.previous_button, self.next_button)
        self.setTabOrder(self.next_button, self.view)
        self.setTabOrder(self.view, self.find_button)
        self.setTabOrder(self.find_button, self.hours_button)
        self.setTabOrder(self.hours_button, self.book_button)
        self.setTabOrder(self.book_button, self.navigator)
        self.setTabOrder(self.navigator, self.provider_list)
        self.setTabOrder(self.provider_list, self.grid)
        self.refresh()
        # Many columns read best one day at a time; one or two providers, a work week.
        self.set_view("Work week" if len(self.shown_providers()) <= 2 else "Day")
        self.grid.scroll_to_hour(8)
        common.name_inner_parts(self)

    # -- what is shown ------------------------------------------------------------------------

    def today(self) -> date:
        return self.ctx.clock.now().astimezone(self.zone).date()

    def days(self) -> list[date]:
        _label, count, monday = VIEWS[self.view.currentIndex()]
        first = self.current - timedelta(days=self.current.weekday()) if monday else self.current
        return [first + timedelta(days=n) for n in range(count)]

    def set_view(self, label: str) -> None:
        self.view.setCurrentIndex([v[0] for v in VIEWS].index(label))

    def shown_providers(self) -> list[ProviderChoice]:
        ids = self._chosen_ids
        return [p for p in self.providers if ids is None or p.id in ids]

    def show_providers(self, ids: set[int] | None) -> None:
        """Show these providers' columns (None: all of them)."""
        self._chosen_ids = None if ids is None else set(ids)
        self._fill_provider_list()
        self.reload()

    def refresh(self) -> None:
        """Read the providers again, then the period shown (the main window calls this)."""
        try:
            self.providers = active_providers(self.ctx, self.principal)
        except Exception as error:
            self.problem.show_text(explain(error))
            return
        if self._chosen_ids is None and self.principal.has(Role.PROVIDER):
            if any(p.id == self.principal.staff_id for p in self.providers):
                self._chosen_ids = {self.principal.staff_id}
        self._fill_provider_list()
        self.reload()

    def _fill_provider_list(self) -> None:
        self.provider_list.blockSignals(True)
        self.provider_list.clear()
        for provider in self.providers:
            item = QListWidgetItem(provider.name)
            item.setData(Qt.ItemDataRole.UserRole, provider.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            shown = self._chosen_ids is None or provider.id in self._chosen_ids
            item.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
            decision = booking_decision(self.principal, provider)
            item.setToolTip("You can book on this calendar." if decision else why_not(decision))
            self.provider_list.addItem(item)
        self.provider_list.blockSignals(False)

    def _providers_ticked(self, _item: QListWidgetItem) -> None:
        ids = {
            self.provider_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.provider_list.count())
            if self.provider_list.item(row).checkState() == Qt.CheckState.Checked
        }
        self._chosen_ids = None if len(ids) == len(self.providers) else ids
        self.reload()

    def go_to(self, day: date) -> None:
        self.current = day
        self.reload()

    def step(self, direction: int) -> None:
        _label, count, _monday = VIEWS[self.view.currentIndex()]
        self.go_to(self.current + timedelta(days=direction * (1 if count == 1 else 7)))

    def reload(self) -> None:
        """Read the period's appointments, time off and working hours, and draw them."""
        days = self.days()
        self.navigator.blockSignals(True)
        self.navigator.setSelectedDate(QDate(self.current))
        self.navigator.blockSignals(False)
        self.period_label.setText(_period_text(days))
        providers = self.shown_providers()
        self.grid.setVisible(bool(providers))
        self.empty_label.setVisible(not providers)
        start = datetime.combine(days[0], time(), self.zone)
        end = datetime.combine(days[-1] + timedelta(days=1), time(), self.zone)
        ids = [p.id for p in providers]
        appointments, time_off, hours = [], {}, {}
        if ids:
            try:
                appointments = scheduling.appointments_between(
                    self.ctx.uow(), self.principal, ids, start, end
                )
                shown = availability.calendar_availability(
                    self.ctx.uow(), self.principal, ids, start, end
                )
                time_off, hours = shown.time_off, shown.hours
            except Exception as error:
                self.problem.show_text(explain(error))
                return
        columns = [
            GridProvider(p.id, p.name, why_not(booking_decision(self.principal, p)))
            for p in providers
        ]
        self.grid.today = self.today()
        self.grid.now = self.ctx.clock.now()
        self.grid.set_contents(days, columns, appointments, time_off, hours)
        self._update_actions()

    # -- actions ------------------------------------------------------------------------------

    def booking_refusal(self) -> str:
        """Why "New appointment…" is disabled now ("" when it is not): the policy's reason for
        the selected column, or for every provider when none is selected."""
        selected = self.grid.selected_provider()
        if selected is not None:
            return selected.refusal
        if not self.providers:
            return "No provider is active in this practice yet."
        decisions = [booking_decision(self.principal, p) for p in self.providers]
        return "" if any(decisions) else why_not(decisions[0])

    def _update_actions(self) -> None:
        reason = self.booking_refusal()
        self.book_button.setEnabled(not reason)
        self.book_button.setToolTip(reason or "Book in the selected slot (Enter in the grid).")
        target = self._hours_target()
        decision = may_manage_availability(self.principal, target.facts) if target else None
        self.hours_button.setEnabled(bool(decision))
        self.hours_button.setToolTip(
            why_not(decision) if decision is not None else "No provider is active yet."
        )
        self.find_button.setEnabled(bool(self.providers))

    def _hours_target(self) -> ProviderChoice | None:
        selected = self.grid.selected_provider()
        ids = [selected.id] if selected else [self.principal.staff_id]
        ids += [p.id for p in self.shown_providers()]
        for provider_id in ids:
            for provider in self.providers:
                if provider.id == provider_id:
                    return provider
        return self.providers[0] if self.providers else None

    def book_selected(self) -> None:
        slot = self.grid.selected_slot()
        if slot is not None and self.grid.selected_appointment() is None:
            self.open_booking(slot)
        else:
            self.open_booking(None)

    def booking_dialog(self, slot: GridSlot | None) -> BookingDialog:
        return BookingDialog(
            self.ctx,
            self.principal,
            providers=self.providers,
            zone=self.zone,
            provider_id=slot.provider_id if slot else None,
            starts_at=slot.starts_at if slot else None,
            parent=self,
        )

    def open_booking(self, slot: GridSlot | None) -> None:
        self.problem.clear_text()
        dialog = self.booking_dialog(slot)
        if common.run_modal(dialog) and dialog.booking is not None:
            self._booked(dialog.booking)

    def _booked(self, result: scheduling.BookingResult) -> None:
        self.notice.show_text(booked_text(result, self.zone))
        self.reload()

    def open_details(self, appointment) -> None:
        self.problem.clear_text()
        provider = next((p for p in self.providers if p.id == appointment.provider_id), None)
        dialog = AppointmentDetailsDialog(
            self.ctx, self.principal, appointment, provider, self.zone, self
        )
        if common.run_modal(dialog) and dialog.changed:
            first = dialog.changed[0]
            verb = "cancelled" if first.status == "cancelled" else "moved"
            count = len(dialog.changed)
            what = f"{count} appointments" if count > 1 else "The appointment"
            were = "were" if count > 1 else "was"
            self.notice.show_text(f"{what} of {first.client_name} {were} {verb}.")
            self.reload()

    def status_menu(self, appointment) -> StatusMenu:
        """The status entries for an appointment of the grid (R10)."""
        return StatusMenu(
            self.ctx,
            self.principal,
            appointment,
            self.providers,
            self.zone,
            self._status_done,
            self,
            write_note=self.write_note if self.note_opener else None,
        )

    def write_note(self, appointment) -> None:
        """The session's progress note, from "Write note…" on an attended appointment, through
        the note editor the main window hands over (`note_opener`: the chart's own editor)."""
        if self.note_opener is None:
            return
        message, failed = self.note_opener(
            self.ctx,
            self.principal,
            appointment.id,
            appointment.client_id,
            appointment.client_name,
            self.zone,
            self,
        )
        if message:
            self._status_done(message, failed)

    def open_status_menu(self, appointment, at) -> None:
        self.problem.clear_text()
        self.status_menu(appointment).exec(at)

    def _status_done(self, message: str, failed: bool) -> None:
        if failed:
            self.problem.show_text(message)
            return
        self.notice.show_text(message)
        self.reload()

    def open_find_availability(self) -> None:
        self.problem.clear_text()
        shown = [p.id for p in self.shown_providers()]
        dialog = FindAvailabilityDialog(
            self.ctx,
            self.principal,
            providers=self.providers,
            zone=self.zone,
            provider_ids=shown if len(shown) < len(self.providers) else None,
            first_day=max(self.current, self.today()),
            parent=self,
        )
        if common.run_modal(dialog) and dialog.booking is not None:
            self._booked(dialog.booking)

    def open_hours(self) -> None:
        target = self._hours_target()
        dialog = AvailabilityDialog(
            self.ctx,
            self.principal,
            providers=self.providers,
            provider_id=target.id if target else None,
            zone=self.zone,
            parent=self,
        )
        common.run_modal(dialog)
        self.reload()


def _period_text(days: list[date]) -> str:
    first, last = days[0], days[-1]
    if first == last:
        return f"{first:%a} {first.day} {first:%b %Y}"
    if first.month == last.month:
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


#: accessible names for the parts of QCalendarWidget (Qt leaves them unnamed).
_NAVIGATOR_PARTS = {
    "qt_calendar_calendarview": "Days of the month",
    "qt_calendar_prevmonth": "Previous month",
    "qt_calendar_nextmonth": "Next month",
    "qt_calendar_monthbutton": "Month",
    "qt_calendar_yearbutton": "Year",
    "qt_calendar_yearedit": "Year",
}


def _name_navigator_parts(navigator: QCalendarWidget) -> None:
    for part in navigator.findChildren(QWidget):
        name = _NAVIGATOR_PARTS.get(part.objectName())
        if name and not part.accessibleName():
            part.setAccessibleName(name)
