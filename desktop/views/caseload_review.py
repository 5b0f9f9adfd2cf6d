"""The review page of Transfer caseload (R9): how many clients move and who they are, and what
happens to the departing provider's future appointments, before anything is changed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QLabel,
    QListView,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..services.caseload import AppointmentClash, CaseloadPreview

#: names shown before the list scrolls.
VISIBLE_NAMES = 6


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def clash_text(clash: AppointmentClash, zone: ZoneInfo | None) -> str:
    starts, ends = clash.starts_at, clash.ends_at
    if zone is not None:
        starts, ends = starts.astimezone(zone), ends.astimezone(zone)
    return f"{starts:%a %d %b %Y, %H:%M}–{ends:%H:%M} · {clash.client_name}"


def outcome_text(progress) -> str:
    """What was done with the future appointments, in a sentence, once the transfer ran."""
    taker, leaver = progress.to_provider_name, progress.from_provider_name
    if not progress.move_appointments:
        return f"Future appointments were left on {leaver}'s calendar."
    text = f"{plural(progress.appointments_moved, 'future appointment')} moved to {taker}."
    if progress.appointments_left:
        text += (
            f" {plural(progress.appointments_left, 'appointment')} stayed with {leaver} because "
            f"{taker} is booked at those times: rebook them."
        )
    return text


def _list(name: str, rows: int) -> QListView:
    view = QListView()
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.setUniformItemSizes(True)
    view.setFixedHeight(rows * 22 + 6)
    return view


class CaseloadReview(QWidget):
    """Says what the transfer will do; asks whether future appointments move (chosen by
    default) or stay. `move_appointments()` is the answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("What the transfer will do")
        self.count_label = QLabel()
        self.count_label.setObjectName("sectionTitle")
        self.count_label.setWordWrap(True)
        self.names = QStringListModel(self)
        self.names_view = _list("Clients who will move", VISIBLE_NAMES)
        self.names_view.setModel(self.names)
        self.appointments_label = QLabel()
        self.appointments_label.setWordWrap(True)
        self.move_radio = QRadioButton("Move them to the colleague")
        self.move_radio.setAccessibleName("Move the future appointments to the colleague")
        self.leave_radio = QRadioButton("Leave them where they are")
        self.leave_radio.setAccessibleName("Leave the future appointments where they are")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.move_radio)
        self.choice.addButton(self.leave_radio)
        self.move_radio.setChecked(True)
        self.clash_label = QLabel()
        self.clash_label.setWordWrap(True)
        self.clashes = QStringListModel(self)
        self.clashes_view = _list("Appointments that stay: the colleague is booked then", 4)
        self.clashes_view.setModel(self.clashes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        for widget in (
            self.count_label,
            self.names_view,
            self.appointments_label,
            self.move_radio,
            self.leave_radio,
            self.clash_label,
            self.clashes_view,
        ):
            layout.addWidget(widget)

    def show_preview(self, preview: CaseloadPreview, zone: ZoneInfo | None) -> None:
        leaver, taker = preview.from_provider_name, preview.to_provider_name
        self.count_label.setText(
            f"{plural(preview.total, 'client')} will move from {leaver} to {taker}:"
        )
        self.names.setStringList(preview.client_names)
        self.names_view.setFixedHeight(min(preview.total, VISIBLE_NAMES) * 22 + 6)
        count = preview.future_appointments
        has_future = count > 0
        if has_future:
            self.appointments_label.setText(
                f"{leaver} has {plural(count, 'future appointment')} with these clients."
            )
        else:
            self.appointments_label.setText(
                f"{leaver} has no future appointments with these clients."
            )
        self.move_radio.setText(f"Move them to {taker}")
        self.move_radio.setAccessibleName(f"Move the future appointments to {taker}")
        self.leave_radio.setText(f"Leave them on {leaver}'s calendar")
        self.leave_radio.setAccessibleName(f"Leave the future appointments on {leaver}'s calendar")
        clashes = preview.clashes
        self.clash_label.setText(
            f"{plural(len(clashes), 'appointment')} cannot move because {taker} is booked then; "
            f"{'it stays' if len(clashes) == 1 else 'they stay'} with {leaver} until rebooked:"
        )
        self.clashes.setStringList([clash_text(c, zone) for c in clashes])
        for widget in (self.move_radio, self.leave_radio):
            widget.setVisible(has_future)
        for widget in (self.clash_label, self.clashes_view):
            widget.setVisible(bool(clashes))

    def move_appointments(self) -> bool:
        return not self.move_radio.isHidden() and self.move_radio.isChecked()
