"""Appointment status on screen: the badge each status wears (a letter or sign with its word,
so it reads in grey scale too) and the menu that records a status (R10), shared by the calendar
grid and the client's Appointments tab."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMenu, QWidget

from ...app import AppContext
from ...services import appointment_status
from ...services.policy import ProviderFacts, may_record_attendance
from ...services.principal import Principal
from ..messages import explain
from . import common
from .appointment_dialogs import BUSY_REASON, CancelDialog
from .badges import BADGES

#: the menu's entries, with the letter that chooses each one from the keyboard.
_MENU = (
    ("scheduled", "&Scheduled"),
    ("arrived", "&Arrived"),
    ("attended", "A&ttended"),
    ("no_show", "&No-show"),
    ("late_cancel", "&Late cancel"),
    ("cancelled", "&Cancelled…"),
)


def status_decision(principal: Principal, appointment, providers: list) -> str:
    """Why the principal cannot record this appointment's status ("" when they can)."""
    if appointment.is_busy:
        return BUSY_REASON
    provider = next((p for p in providers if p.id == appointment.provider_id), None)
    facts = (
        provider.facts
        if provider is not None
        else ProviderFacts(appointment.provider_id, appointment.provider_name, False, "group")
    )
    return common.why_not(may_record_attendance(principal, facts))


def write_note_refusal(principal: Principal, appointment) -> str:
    """Why "Write note…" is not offered for this appointment ("" when it is)."""
    if appointment.is_busy or appointment.provider_id != principal.staff_id:
        return f"Only {appointment.provider_name} writes the note of this session."
    if appointment.visit_status != "attended":
        return "Mark the session Attended first; then write its note."
    return ""


class StatusMenu(QMenu):
    """ "Status" entries for one appointment: the current one ticked; choosing another records
    it (Cancelled asks for a reason first). `done(message, failed)` reports the outcome;
    `write_note(appointment)`, when given, opens the session's note ("Write note…")."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        appointment,
        providers: list,
        zone: ZoneInfo,
        done: Callable[[str, bool], None],
        parent: QWidget | None = None,
        write_note: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__("Status", parent)
        self.ctx, self.principal, self.appointment = ctx, principal, appointment
        self.zone, self.done, self.write_note_with = zone, done, write_note
        self.setAccessibleName("Appointment status")
        refusal = status_decision(principal, appointment, providers)
        self.entries = {}
        for status, label in _MENU:
            action = self.addAction(label)
            action.setCheckable(True)
            action.setChecked(status == appointment.visit_status)
            action.setEnabled(not refusal)
            action.setToolTip(refusal or f"Mark this session {BADGES[status][1]}.")
            action.triggered.connect(lambda _checked=False, s=status: self.choose(s))
            self.entries[status] = action
        self.addSeparator()
        self.write_note = self.addAction("&Write note…")
        why_not = write_note_refusal(principal, appointment) if write_note else "Not here."
        self.write_note.setEnabled(not why_not)
        self.write_note.setToolTip(why_not or "Write this session's progress note in your chart.")
        self.write_note.triggered.connect(self.open_note)
        self.setToolTipsVisible(True)

    def open_note(self) -> None:
        if self.write_note_with is not None:
            self.write_note_with(self.appointment)

    def choose(self, status: str) -> None:
        if status == self.appointment.visit_status:
            return
        who = self.appointment.client_name
        if status == "cancelled":
            dialog = CancelDialog(self.ctx, self.principal, self.appointment, self.zone, self)
            if common.run_modal(dialog) and dialog.changed:
                self.done(f"The appointment of {who} was cancelled.", False)
            return
        try:
            appointment_status.set_appointment_status(
                self.ctx.uow(), self.principal, self.appointment.id, status
            )
        except Exception as error:
            self.done(explain(error), True)
            return
        self.done(f"{who}'s session is marked {BADGES[status][1]}.", False)
