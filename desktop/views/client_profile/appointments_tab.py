"""The Appointments tab (R2): every appointment of the client, with every provider."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ...models import appointments_model
from ...models.appointments_model import AppointmentsTableModel
from ...services import appointment_status, scheduling
from ..calendar import BookingDialog
from ..calendar import common as calendar_common
from ..calendar.booking_dialog import booked_text
from ..calendar.status_menu import StatusMenu
from ..messages import InlineMessage, explain
from ..widgets import EmptyState, ScreenHeader, button
from .session_note import open_session_note
from .tables import read_only_table, stretch_columns

BOOK_HINT = "Book a session for this client with any provider (Calendar ▸ booking form)."
NOT_AVAILABLE = (
    "Appointments cannot be shown in this version of Clinic Desk yet. "
    "Use the Calendar to see and book this client's sessions."
)


def appointments_service() -> Callable | None:
    """appointments_of_client from the scheduling services, or None while it is not there."""
    try:
        from ...services.scheduling import appointments_of_client

        return appointments_of_client
    except ImportError:
        pass
    try:
        from ...services.calendar_export import appointments_of_client

        return appointments_of_client
    except ImportError:
        return None


class AppointmentsTab(QWidget):
    """A table of appointments; "Book appointment…" opens the booking form with this client
    chosen and any provider the principal may book for (R10; a new provider is linked, R7)."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.stale = True
        self.setObjectName("tabPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Appointments")
        self.header = ScreenHeader(
            "Appointments", "Every session with every provider, past and to come."
        )
        self.book_button = button("Boo&k appointment…")
        self.book_button.clicked.connect(self.book)
        self.status_button = button("&Status…")
        self.status_button.setToolTip(
            "Record what became of the selected session (also: right-click, or the Menu key)."
        )
        self.status_button.clicked.connect(lambda: self.open_status_menu(None))
        self.providers: list = []
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.status_button)
        top.addWidget(self.book_button)

        self.model = AppointmentsTableModel(host.zone, self)
        self.table = read_only_table("Appointments")
        self.table.setModel(self.model)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda point: self.open_status_menu(self.table.viewport().mapToGlobal(point))
        )
        self.table.selectionModel().currentRowChanged.connect(self._update_status_button)
        self.counts = QLabel()
        self.counts.setObjectName("muted")
        self.counts.setAccessibleName("Missed sessions")
        self.problem = InlineMessage("Problem with the appointment")
        stretch_columns(
            self.table,
            {
                appointments_model.WHEN: 250,
                appointments_model.PROVIDER: None,
                appointments_model.KIND: None,
                appointments_model.PLACE: None,
                appointments_model.STATUS: 110,
            },
        )
        self.empty = EmptyState(
            "calendar", "No appointments yet", "Sessions booked in the Calendar appear here."
        )
        self.unavailable = EmptyState("calendar", "Appointments are not available", NOT_AVAILABLE)
        self.stack = QStackedWidget()
        for page in (self.table, self.empty, self.unavailable):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 20)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.problem)
        layout.addWidget(self.stack, 1)

    def _decide_booking(self) -> None:
        """Enabled when the policy lets the principal book for at least one active provider."""
        try:
            self.providers = calendar_common.active_providers(self.host.ctx, self.host.principal)
        except Exception as error:
            self.book_button.setEnabled(False)
            self.book_button.setToolTip(explain(error))
            return
        decisions = [
            calendar_common.booking_decision(self.host.principal, p) for p in self.providers
        ]
        allowed = any(decisions)
        self.book_button.setEnabled(allowed)
        if allowed:
            self.book_button.setToolTip(BOOK_HINT)
        elif decisions:
            self.book_button.setToolTip(calendar_common.why_not(decisions[0]))
        else:
            self.book_button.setToolTip("No provider is active in this practice yet.")

    def default_provider(self) -> int | None:
        """Whom the form starts with: the client's treating provider, else the signed-in
        provider, else another provider of the client, if the principal may book for them."""
        bookable = {
            p.id for p in self.providers if calendar_common.booking_decision(self.host.principal, p)
        }
        profile = self.host.profile
        settings = list(profile.providers) if profile else []
        candidates = [s.provider_id for s in settings if s.is_treating]
        candidates.append(self.host.principal.staff_id)
        candidates += [s.provider_id for s in settings]
        return next((c for c in candidates if c in bookable), None)

    def open_booking(self) -> BookingDialog:
        """The booking form for this client, at the provider's next open slot."""
        profile = self.host.profile
        name = f"{profile.first_name} {profile.last_name}" if profile else ""
        provider_id = self.default_provider()
        starts_at = None
        if provider_id is not None:
            try:
                starts_at = scheduling.suggested_start(
                    self.host.ctx.uow(), self.host.principal, provider_id, self.host.client_id
                )
            except Exception:  # the form then starts at the next quarter hour
                starts_at = None
        return BookingDialog(
            self.host.ctx,
            self.host.principal,
            providers=self.providers,
            zone=self.host.zone,
            provider_id=provider_id,
            starts_at=starts_at,
            client=(self.host.client_id, name),
            parent=self,
        )

    def book(self) -> None:
        dialog = self.open_booking()
        if calendar_common.run_modal(dialog) and dialog.booking is not None:
            # The header names the client's providers: a booking may have added one (R7).
            self.host.changed(booked_text(dialog.booking, self.host.zone))

    def load(self) -> None:
        self.stale = False
        self._decide_booking()
        service = appointments_service()
        if service is None:
            self.stack.setCurrentWidget(self.unavailable)
            return
        try:
            rows = service(self.host.ctx.uow(), self.host.principal, self.host.client_id)
        except Exception as error:
            self.unavailable.text.setText(explain(error))
            self.stack.setCurrentWidget(self.unavailable)
            return
        self.model.set_appointments(rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self._show_counts()
        self._update_status_button()

    def _show_counts(self) -> None:
        try:
            counts = appointment_status.attendance_counts(
                self.host.ctx.uow(), self.host.principal, self.host.client_id
            )
        except Exception as error:
            self.counts.setText(explain(error))
            return
        self.counts.setText(missed_text(counts))

    def selected_appointment(self):
        index = self.table.currentIndex()
        return self.model.appointment(index.row()) if index.isValid() else None

    def _update_status_button(self, *_args) -> None:
        self.status_button.setEnabled(self.selected_appointment() is not None)

    def status_menu(self, appointment) -> StatusMenu:
        return StatusMenu(
            self.host.ctx,
            self.host.principal,
            appointment,
            self.providers,
            self.host.zone,
            self._status_done,
            self,
            write_note=self.write_note,
        )

    def write_note(self, appointment) -> None:
        message, failed = open_session_note(
            self.host.ctx,
            self.host.principal,
            appointment.id,
            appointment.client_id,
            appointment.client_name,
            self.host.zone,
            self,
        )
        if message:
            self._status_done(message, failed)

    def open_status_menu(self, at) -> None:
        appointment = self.selected_appointment()
        if appointment is None:
            return
        if at is None:
            rect = self.table.visualRect(self.table.currentIndex())
            at = self.table.viewport().mapToGlobal(rect.bottomLeft())
        self.status_menu(appointment).exec(at)

    def _status_done(self, message: str, failed: bool) -> None:
        if failed:
            self.problem.show_text(message)
            return
        self.problem.show_text("")
        self.host.changed(message)


def missed_text(counts: appointment_status.AttendanceCounts) -> str:
    """ "No missed sessions" or "2 no-shows · 1 late cancel", for the profile."""
    if not counts.no_shows and not counts.late_cancels:
        return "No missed sessions."
    parts = []
    for number, word in ((counts.no_shows, "no-show"), (counts.late_cancels, "late cancel")):
        parts.append(f"{number} {word}{'' if number == 1 else 's'}")
    return "Missed sessions: " + " · ".join(parts) + "."


def missed_sessions(ctx, principal, client_id: int) -> list[str]:
    """ "2 no-shows", "1 late cancel" for the profile's header; nothing when none were missed
    or the counts cannot be read."""
    try:
        counts = appointment_status.attendance_counts(ctx.uow(), principal, client_id)
    except Exception:  # the header is read anyway; the Appointments tab says why
        return []
    parts = []
    for number, word in ((counts.no_shows, "no-show"), (counts.late_cancels, "late cancel")):
        if number:
            parts.append(f"{number} {word}{'' if number == 1 else 's'}")
    return parts
