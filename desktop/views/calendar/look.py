"""The calendar's own look: the amber alert, time and date inputs, the provider picker.

These rules extend resources/style.qss for object names used only in this package; the screen
and each dialog apply them to themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CALENDAR_STYLE = """
QFrame#bookingAlert {
    background: #fff7e0;
    border: 1px solid #f0c96a;
    border-left: 4px solid #d99a00;
    border-radius: 6px;
}
QFrame#bookingAlert QLabel {
    background: transparent;
    color: #6b4400;
}
QLabel#alertMark {
    color: #b77900;
    font-size: 16px;
    font-weight: 700;
}
QPlainTextEdit, QDateEdit, QTimeEdit, QSpinBox {
    background: #ffffff;
    border: 1px solid #c5ced6;
    border-radius: 6px;
    padding: 5px 8px;
    min-height: 20px;
}
QTimeEdit::up-button, QTimeEdit::down-button, QSpinBox::up-button, QSpinBox::down-button {
    width: 16px;
    border: none;
}
QPlainTextEdit:focus, QDateEdit:focus, QTimeEdit:focus, QSpinBox:focus {
    border: 1px solid #0f766e;
}
QPlainTextEdit:disabled, QDateEdit:disabled, QTimeEdit:disabled, QSpinBox:disabled {
    background: #f4f6f8;
    color: #8a96a3;
}
QListWidget#pickList {
    background: #ffffff;
    border: 1px solid #dde3e8;
    border-radius: 6px;
    outline: 0;
}
QListWidget#pickList::item {
    padding: 5px 6px;
}
QListWidget#pickList::item:selected {
    background: #d7efec;
    color: #0b3d3a;
}
QListWidget#pickList::item:disabled {
    color: #a3adb7;
}
QLabel#sideHeading {
    color: #52606d;
    font-weight: 600;
    font-size: 12px;
}
QLabel#periodLabel {
    font-size: 15px;
    font-weight: 600;
}
QLabel#clash {
    color: #b42318;
}
QTreeView#openSlots::item {
    padding: 4px 2px;
}
QCalendarWidget QWidget#qt_calendar_navigationbar {
    background: #ffffff;
}
QCalendarWidget QToolButton {
    color: #1f2933;
    background: transparent;
    border: none;
    padding: 4px 6px;
    font-weight: 600;
}
QCalendarWidget QToolButton:hover {
    background: #eef2f4;
    border-radius: 4px;
}
QCalendarWidget QTableView {
    border: none;
    border-radius: 0;
    background: #ffffff;
    selection-background-color: #0f766e;
    selection-color: #ffffff;
    outline: 0;
}
QCalendarWidget QTableView::item {
    padding: 0;
    border: none;
}
QCalendarWidget QSpinBox {
    min-height: 0;
    padding: 0 4px;
}
"""


def day_text(value: date) -> str:
    """ "Tue 3 Mar 2026"."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def when_text(start: datetime, end: datetime | None, zone: ZoneInfo) -> str:
    """ "Tue 3 Mar 2026, 10:00–10:50" in the practice's time zone."""
    local = start.astimezone(zone)
    text = f"{day_text(local.date())}, {local:%H:%M}"
    if end is not None:
        text += f"–{end.astimezone(zone):%H:%M}"
    return text
