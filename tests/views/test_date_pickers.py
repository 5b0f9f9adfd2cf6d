"""The calendar of a date field shows every day of the month and the weekday headers."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView

from desktop.views.client_profile.note_dialogs import NoteEditorDialog

from .test_client_profile import new_client, open_profile


def ink_in(image, rect) -> int:
    """How many pixels in `rect` are dark enough to be text."""
    count = 0
    for x in range(rect.left(), rect.right()):
        for y in range(rect.top(), rect.bottom()):
            if QColor(image.pixel(x, y)).lightness() < 140:
                count += 1
    return count


def test_the_session_date_calendar_in_the_client_window_draws_days_10_to_31(qtbot, ctx, owner):
    window = open_profile(qtbot, ctx, owner, new_client(ctx, owner), tab="records")
    dialog = NoteEditorDialog(window, None, window)
    qtbot.addWidget(dialog)
    dialog.session_date.setDate(QDate(2025, 3, 4))
    calendar = dialog.session_date.calendarWidget()
    calendar.setSelectedDate(QDate(2025, 3, 4))
    calendar.resize(calendar.sizeHint())
    calendar.show()
    qtbot.waitExposed(calendar)
    image = calendar.grab().toImage()
    table = calendar.findChild(QTableView)
    model = table.model()
    found = {}
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = str(model.index(row, column).data())
            found[text] = model.index(row, column)  # the last: this month, not the one before
    offset = table.mapTo(calendar, table.viewport().pos())
    for label in ("12", "25", "Mon", "Fri"):
        assert label in found, f"no cell for {label}"
        rect = table.visualRect(found[label]).translated(offset)
        assert ink_in(image, rect) > 5, f"the cell {label} is blank"
