"""An appointment's details, and moving or cancelling it (this one, this and the following ones,
or all of its series); cancelling asks for a reason."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...services import scheduling
from ...services.policy import may_book_for, may_change_calendar
from ...services.principal import Principal
from ..widgets import Field, TimeField, button
from . import common
from .common import CalendarDialog, ProviderChoice, why_not
from .look import when_text

SCOPES = (
    ("this", "&This appointment only"),
    ("following", "This and the &following ones"),
    ("all", "&All of the series still to come"),
)
REASON_NEEDED = "Give a reason for cancelling."
BUSY_REASON = (
    "This time is busy with a client whose record you cannot see, so you cannot change it."
)


class ScopeChoice(QGroupBox):
    """Which appointments of a series a change applies to."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label in SCOPES:
            radio = QRadioButton(label)
            self.group.addButton(radio)
            self.buttons[key] = radio
            layout.addWidget(radio)
        self.buttons["this"].setChecked(True)

    def scope(self) -> str:
        return next(key for key, radio in self.buttons.items() if radio.isChecked())


class CancelDialog(CalendarDialog):
    """Cancel an appointment (or its series): a reason is required (R10)."""

    def __init__(
        self, ctx: AppContext, principal: Principal, appointment, zone: ZoneInfo, parent=None
    ) -> None:
        super().__init__("Cancel appointment", "Cancel &appointment", parent)
        self.ctx, self.principal, self.appointment = ctx, principal, appointment
        self.cancel_button.setText("&Keep it")
        self.cancel_button.setAccessibleName("Keep the appointment")
        self.changed: list = []
        summary = QLabel(
            f"{appointment.client_name} with {appointment.provider_name}, "
            f"{when_text(appointment.starts_at, appointment.ends_at, zone)}"
        )
        summary.setObjectName("dialogIntro")
        summary.setWordWrap(True)
        self.body.addWidget(summary)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("For example: client is unwell")
        self.reason.setMaxLength(500)
        self.body.addWidget(
            Field("&Reason for cancelling", self.reason, hint="Kept with the appointment.")
        )
        self.scope = ScopeChoice("Cancel") if appointment.series_id else None
        if self.scope is not None:
            self.body.addWidget(self.scope)
        common.name_inner_parts(self)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()
        self.reason.setFocus()

    def _update_ok(self) -> None:
        self.set_ok(bool(self.reason.text().strip()), REASON_NEEDED)

    def submit(self) -> None:
        if not self.reason.text().strip():
            self.message.show_text(REASON_NEEDED)
            return
        scope = self.scope.scope() if self.scope else "this"
        changed = self.attempt(
            lambda: scheduling.cancel_appointment(
                self.ctx.uow(), self.principal, self.appointment.id, self.reason.text(), scope
            )
        )
        if changed is not None:
            self.changed = changed
            self.accept()


class MoveDialog(CalendarDialog):
    """Move an appointment (or its series) to another date and time."""

    def __init__(
        self, ctx: AppContext, principal: Principal, appointment, zone: ZoneInfo, parent=None
    ) -> None:
        super().__init__("Move appointment", "&Move", parent)
        self.ctx, self.principal, self.appointment, self.zone = ctx, principal, appointment, zone
        self.changed: list = []
        local = appointment.starts_at.astimezone(zone)
        self.day = QDateEdit(QDate(local.year, local.month, local.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.start_time = TimeField(QTime(local.hour, local.minute))
        self.start_time.setDisplayFormat("HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" min")
        minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
        self.duration.setValue(minutes)
        row = QHBoxLayout()
        row.addWidget(Field("&Date", self.day), 3)
        row.addWidget(Field("&Time", self.start_time), 2)
        row.addWidget(Field("D&uration", self.duration), 2)
        self.body.addLayout(row)
        self.scope = ScopeChoice("Move") if appointment.series_id else None
        if self.scope is not None:
            self.body.addWidget(self.scope)
        self.day.setFocus()
        common.name_inner_parts(self)

    def submit(self) -> None:
        start = datetime.combine(
            self.day.date().toPython(), self.start_time.time().toPython(), self.zone
        )
        scope = self.scope.scope() if self.scope else "this"
        changed = self.attempt(
            lambda: scheduling.move_appointment(
                self.ctx.uow(),
                self.principal,
                self.appointment.id,
                start,
                self.duration.value(),
                scope,
            )
        )
        if changed is not None:
            self.changed = changed
            self.accept()


class AppointmentDetailsDialog(CalendarDialog):
    """An appointment as the calendar knows it, with Move… and Cancel… where the policy allows
    (R10); a disabled button says why in its tooltip. Accepted when something changed."""

    asks_to_save = False  # it looks things up or confirms; nothing typed is lost

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        appointment,
        provider: ProviderChoice | None,
        zone: ZoneInfo,
        parent=None,
    ) -> None:
        super().__init__(appointment.client_name, "Close", parent)
        self.ctx, self.principal, self.appointment, self.zone = ctx, principal, appointment, zone
        self.changed: list = []
        self.cancel_button.hide()
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        rows = [
            ("With", appointment.provider_name),
            ("When", when_text(appointment.starts_at, appointment.ends_at, zone)),
        ]
        if not appointment.is_busy:
            rows.append(("Type", appointment.appointment_type or "—"))
        rows.append(("Place of service", f"{appointment.pos_code} · {appointment.pos_name}"))
        if appointment.series_id:
            rows.append(("Series", "Part of a repeating series"))
        if appointment.note:
            rows.append(("Note", appointment.note))
        for label, value in rows:
            text = QLabel(value)
            text.setWordWrap(True)
            text.setAccessibleName(label)
            form.addRow(f"{label}:", text)
        self.body.addLayout(form)
        self.move_button = button("&Move…")
        self.cancel_appointment_button = button("&Cancel appointment…")
        self.buttons.insertWidget(0, self.move_button)
        self.buttons.insertWidget(1, self.cancel_appointment_button)
        self.move_button.clicked.connect(self.open_move)
        self.cancel_appointment_button.clicked.connect(self.open_cancel)
        self._decide(provider)

    def _decide(self, provider: ProviderChoice | None) -> None:
        if self.appointment.is_busy:
            move = cancel = BUSY_REASON
        elif provider is None:
            move = cancel = "This provider is no longer active; ask the Owner or a Manager."
        else:
            move = why_not(may_book_for(self.principal, provider.facts))
            cancel = why_not(may_change_calendar(self.principal, provider.facts))
        for control, reason in ((self.move_button, move), (self.cancel_appointment_button, cancel)):
            control.setEnabled(not reason)
            control.setToolTip(reason)

    def submit(self) -> None:
        self.accept() if self.changed else self.reject()

    def open_move(self) -> None:
        dialog = MoveDialog(self.ctx, self.principal, self.appointment, self.zone, self)
        if common.run_modal(dialog) and dialog.changed:
            self.changed = dialog.changed
            self.accept()

    def open_cancel(self) -> None:
        dialog = CancelDialog(self.ctx, self.principal, self.appointment, self.zone, self)
        if common.run_modal(dialog) and dialog.changed:
            self.changed = dialog.changed
            self.accept()
