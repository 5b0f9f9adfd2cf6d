"""The booking form (R10, R7): provider, client, when, type, place of service, note and repeat;
the alert naming a provider new to the client; the dates of a series checked before saving."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QTime, QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...services import scheduling
from ...services.principal import Principal
from ..input_limits import limit_plain_text
from ..messages import explain
from ..widgets import Field, TimeField
from .amber_alert import AmberAlert
from .client_search import ClientSearch
from .common import (
    CalendarDialog,
    ProviderChoice,
    active_providers,
    booking_decision,
    name_inner_parts,
    practice_zone,
    why_not,
)
from .overlap_alert import ClientOverlapAlert
from .repeat_panel import RepeatPanel

APPOINTMENT_TYPES = (
    "Individual session",
    "Intake assessment",
    "Couples session",
    "Family session",
    "Group session",
    "Consultation",
)
DEFAULT_POS = "11"
CHOOSE_CLIENT = "Choose a client first."


class NewProviderAlert(AmberAlert):
    """The amber frame at the top of the booking form (R7): the client is not yet on the
    provider's list, and saving adds them. Hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("New provider for this client", "New provider alert", parent)

    def show_text(self, text: str | None) -> None:
        self.label.setText(text or "")
        self.setAccessibleDescription(text or "")
        self.setVisible(bool(text))


class BookingDialog(CalendarDialog):
    """Book an appointment. Prefilled from a slot (provider and start), from Find Availability,
    or from a client's profile (client chosen, any provider the principal may book for).
    `result` is the BookingResult once booked."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        *,
        providers: list[ProviderChoice] | None = None,
        zone: ZoneInfo | None = None,
        provider_id: int | None = None,
        starts_at: datetime | None = None,
        duration_minutes: int = 50,
        client: tuple[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("New appointment", "&Book appointment", parent, width=720)
        self.ctx = ctx
        self.principal = principal
        self.zone = zone or practice_zone(ctx)
        self.providers = providers if providers is not None else active_providers(ctx, principal)
        self.booking: scheduling.BookingResult | None = None
        self.alert = NewProviderAlert()
        self.body.addWidget(self.alert)
        self.overlap = ClientOverlapAlert()
        self.body.addWidget(self.overlap)

        self.provider = QComboBox()
        self._fill_providers()
        self.client_search = ClientSearch(ctx, principal)
        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(Field("&Provider", self.provider))
        left.addWidget(Field("C&lient", self.client_search))
        left.addStretch(1)

        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.start_time = TimeField()
        self.start_time.setDisplayFormat("HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" min")
        self.duration.setValue(duration_minutes)
        self.kind = QComboBox()
        self.kind.setEditable(True)
        self.kind.addItems(APPOINTMENT_TYPES)
        self.kind.lineEdit().setMaxLength(80)
        self.place = QComboBox()
        for place in scheduling.place_of_service_codes():
            self.place.addItem(f"{place.code} · {place.name}", place.code)
        self.place.setCurrentIndex(max(0, self.place.findData(DEFAULT_POS)))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Optional; the client does not see it.")
        self.note.setFixedHeight(62)
        self.note.setTabChangesFocus(True)
        limit_plain_text(self.note, 2000)
        when = QGridLayout()
        when.setHorizontalSpacing(10)
        when.addWidget(Field("&Date", self.day), 0, 0)
        when.addWidget(Field("&Time", self.start_time), 0, 1)
        when.addWidget(Field("D&uration", self.duration), 0, 2)
        when.setColumnStretch(0, 3)
        when.setColumnStretch(1, 2)
        when.setColumnStretch(2, 2)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addLayout(when)
        right.addWidget(Field("Appointment t&ype", self.kind))
        right.addWidget(Field("Place of ser&vice", self.place))
        right.addWidget(Field("&Note", self.note))
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.body.addLayout(columns)
        self.repeat = RepeatPanel(self.zone)
        self.body.addWidget(self.repeat)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._overlap_timer = QTimer(self)
        self._overlap_timer.setSingleShot(True)
        self._overlap_timer.setInterval(250)
        self._overlap_timer.timeout.connect(self.update_overlaps)

        start = starts_at or self._next_quarter_hour()
        local = start.astimezone(self.zone)
        self.day.setDate(QDate(local.year, local.month, local.day))
        self.start_time.setTime(QTime(local.hour, local.minute))
        self.repeat.set_first_date(local.date())
        if provider_id is not None:
            self.choose_provider(provider_id)
        else:
            self._choose_first_bookable()
        self.provider.currentIndexChanged.connect(self._provider_changed)
        self.client_search.chosen_changed.connect(self._client_changed)
        self.day.dateChanged.connect(self._when_changed)
        self.start_time.timeChanged.connect(self._when_changed)
        self.duration.valueChanged.connect(self._when_changed)
        self.repeat.changed.connect(self._when_changed)
        self._provider_changed()
        if client is not None:
            self.client_search.set_client(*client)
        self.setTabOrder(self.provider, self.client_search.search)
        self.setTabOrder(self.client_search.search, self.client_search.widen)
        self.setTabOrder(self.client_search.widen, self.client_search.results)
        self.setTabOrder(self.client_search.results, self.day)
        self.setTabOrder(self.day, self.start_time)
        self.setTabOrder(self.start_time, self.duration)
        self.setTabOrder(self.duration, self.kind)
        self.setTabOrder(self.kind, self.place)
        self.setTabOrder(self.place, self.note)
        self.setTabOrder(self.note, self.repeat.kind)
        if client is None:
            self.client_search.search.setFocus()
        else:
            # Opened from a client's profile: the provider and time were chosen for the person,
            # so Enter does not book; they look, then click Book (or Alt+B).
            self.ok_button.setDefault(False)
            self.ok_button.setAutoDefault(False)
            self.provider.setFocus()
        name_inner_parts(self)

    # -- providers ----------------------------------------------------------------------------

    def _fill_providers(self) -> None:
        model = self.provider.model()
        for choice in self.providers:
            decision = booking_decision(self.principal, choice)
            self.provider.addItem(choice.name, choice.id)
            if not decision and isinstance(model, QStandardItemModel):
                item = model.item(self.provider.count() - 1)
                item.setEnabled(False)
                item.setToolTip(why_not(decision))

    def choose_provider(self, provider_id: int) -> None:
        index = self.provider.findData(provider_id)
        if index >= 0:
            self.provider.setCurrentIndex(index)

    def _choose_first_bookable(self) -> None:
        for index, choice in enumerate(self.providers):
            if booking_decision(self.principal, choice):
                self.provider.setCurrentIndex(index)
                return

    def chosen_provider(self) -> ProviderChoice | None:
        provider_id = self.provider.currentData()
        return next((p for p in self.providers if p.id == provider_id), None)

    def _next_quarter_hour(self) -> datetime:
        now = self.ctx.clock.now().astimezone(self.zone)
        minutes = 15 - now.minute % 15
        return (now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)

    # -- reacting to changes ------------------------------------------------------------------

    def _provider_changed(self) -> None:
        provider = self.chosen_provider()
        self.client_search.set_provider(
            provider.id if provider else None, provider.name if provider else ""
        )
        self._client_changed()

    def _client_changed(self) -> None:
        self.update_alert()
        self._update_ok()
        self._when_changed()

    def _when_changed(self) -> None:
        self.repeat.set_first_date(self.day.date().toPython())
        if self.repeat.rule() is not None:
            self._preview_timer.start()
        self._overlap_timer.start()

    def update_overlaps(self) -> None:
        """Ask the service whether the client is booked with another provider at that time."""
        self._overlap_timer.stop()
        request = self.request()
        provider = self.chosen_provider()
        if request is None or not booking_decision(self.principal, provider):
            self.overlap.show_overlaps([])
            return
        try:
            found = scheduling.client_overlaps(self.ctx.uow(), self.principal, request)
        except Exception:  # an invalid time is explained when booking; no warning meanwhile
            found = []
        self.overlap.show_overlaps([o.text for o in found])

    def update_alert(self) -> None:
        """Ask the service whether the chosen client is new to the chosen provider (R7)."""
        provider, client = self.chosen_provider(), self.client_search.chosen
        if provider is None or client is None or not booking_decision(self.principal, provider):
            self.alert.show_text(None)
            return
        try:
            text = scheduling.booking_alert(self.ctx.uow(), self.principal, provider.id, client[0])
        except Exception as error:
            self.alert.show_text(None)
            self.message.show_text(explain(error))
            return
        self.alert.show_text(text)

    def _update_ok(self) -> None:
        provider = self.chosen_provider()
        if provider is None:
            self.set_ok(False, "Choose a provider first.")
            return
        decision = booking_decision(self.principal, provider)
        self.provider.setToolTip(why_not(decision))
        if not decision:
            self.set_ok(False, why_not(decision))
        elif self.client_search.chosen is None:
            self.set_ok(False, CHOOSE_CLIENT)
        else:
            self.set_ok(True)

    # -- the booking --------------------------------------------------------------------------

    def starts_at(self) -> datetime:
        """The chosen date and time as a moment in the practice's time zone."""
        day: date = self.day.date().toPython()
        at: time = self.start_time.time().toPython().replace(second=0, microsecond=0)
        return datetime.combine(day, at, self.zone)

    def request(self) -> scheduling.BookingRequest | None:
        provider, client = self.chosen_provider(), self.client_search.chosen
        if provider is None or client is None:
            return None
        return scheduling.BookingRequest(
            provider_id=provider.id,
            client_id=client[0],
            starts_at=self.starts_at(),
            duration_minutes=self.duration.value(),
            appointment_type=self.kind.currentText().strip(),
            pos_code=self.place.currentData(),
            note=self.note.toPlainText().strip() or None,
            repeat=self.repeat.rule(),
        )

    def refresh_preview(self) -> None:
        """Check every date of the series for clashes, before anything is saved."""
        self._preview_timer.stop()
        request = self.request()
        if request is None or request.repeat is None:
            self.repeat.show_checks([])
            return
        checks = self.attempt(
            lambda: scheduling.preview_repeats(self.ctx.uow(), self.principal, request)
        )
        self.repeat.show_checks(checks or [])

    def submit(self) -> None:
        request = self.request()
        if request is None:
            self.message.show_text(CHOOSE_CLIENT)
            return
        if request.repeat is not None:
            self.refresh_preview()
        self.update_overlaps()
        if not self.overlap.isHidden() and not self.overlap.allowed():
            self.message.show_text(
                "The client already has an appointment at this time with another provider. "
                "Tick “Book anyway” if both are meant, or choose another time."
            )
            self.overlap.book_anyway.setFocus()
            return
        skip = self.repeat.skip_conflicts
        anyway = self.overlap.allowed()
        result = self.attempt(
            lambda: scheduling.book_appointment(
                self.ctx.uow(),
                self.principal,
                request,
                skip_conflicts=skip,
                client_overlap_allowed=anyway,
            )
        )
        if result is not None:
            self.booking = result
            self.accept()


def booked_text(result: scheduling.BookingResult, zone: ZoneInfo) -> str:
    """What the calendar says after a booking, in one or two sentences."""
    first = result.appointments[0]
    local = first.starts_at.astimezone(zone)
    count = len(result.appointments)
    what = f"{count} appointments" if count > 1 else "an appointment"
    text = (
        f"Booked {what} for {first.client_name} with {first.provider_name}, "
        f"{'from ' if count > 1 else ''}{local:%a} {local.day} {local:%b} at {local:%H:%M}."
    )
    if result.skipped:
        text += f" {len(result.skipped)} date{'s' if len(result.skipped) > 1 else ''} that clashed "
        text += "were skipped." if len(result.skipped) > 1 else "was skipped."
    if result.new_link_provider_name:
        text += (
            f" {first.client_name} is now on {result.new_link_provider_name}'s client list "
            "(demographics only)."
        )
    return text
