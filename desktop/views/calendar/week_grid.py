"""The calendar's day/week grid: ONE custom-painted widget drawing the time rows, a column per
provider and day, appointment blocks and time off, with hit-testing for the mouse and keyboard.

Coordinates: the content is a plane of columns (x) and minutes of the local day (y) under a
sticky header (days, providers) and beside a sticky gutter (hours); scroll bars move the plane.
Times are wall-clock times in the practice's time zone, so a 10:00 session sits on the 10:00
row on both sides of a daylight-saving change.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QStaticText,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from ..style import svg_pixmap
from .badges import badge_sign, status_words

SLOT_MINUTES = 15
HOUR_HEIGHT = 52
GUTTER = 58
DAY_ROW, PROVIDER_ROW = 26, 24
MIN_COLUMN = 112
FIRST_HOUR, LAST_HOUR = 7, 20

_WHITE = QColor("#ffffff")
_OFF_HOURS = QColor("#f3f5f7")
_HEADER = QColor("#f7f8fa")
_LINE_HOUR = QColor("#e1e6ea")
_LINE_HALF = QColor("#f0f3f5")
_LINE_COLUMN = QColor("#e8ecef")
_LINE_DAY = QColor("#b8c2cc")
_TEXT = QColor("#1f2933")
_MUTED = QColor("#52606d")
_ACCENT = QColor("#0f766e")
_BLOCK = QColor("#dcefed")
_BLOCK_TEXT = QColor("#0b3d3a")
_BUSY = QColor("#e6eaee")
_BUSY_BAR = QColor("#9aa5b1")
_TIME_OFF = QColor("#eceff2")
_TIME_OFF_LINES = QColor("#cfd6dc")
_NOW = QColor("#c2410c")
_TODAY = QColor("#e7f4f2")
_REFUSED = QColor("#fafbfc")
_NO_PEN = QPen(Qt.PenStyle.NoPen)
_HATCH = QBrush(QColor("#7b8794"), Qt.BrushStyle.BDiagPattern)
_BADGE = QColor("#243b53")
_BADGE_TEXT_PEN = QPen(QColor("#ffffff"))
_SELECTED_PEN = QPen(_ACCENT, 2)
_MUTED_PEN = QPen(_MUTED)
_BLOCK_TEXT_PEN = QPen(_BLOCK_TEXT)
_ELIDE = Qt.TextElideMode.ElideRight


@dataclass(frozen=True)
class GridProvider:
    """A provider's column: `refusal` is the policy's reason when the viewer may not book."""

    id: int
    name: str
    refusal: str = ""


@dataclass(frozen=True)
class GridSlot:
    """A free slot chosen in the grid: whose calendar, and when (aware, practice time zone)."""

    provider_id: int
    provider_name: str
    starts_at: datetime


@dataclass
class _Block:
    column: int
    top: float
    bottom: float
    appointment: object
    title: str
    #: the second line, longest first: the one that fits is drawn.
    detail: tuple[str, ...]
    busy: bool = False
    #: the status badge's sign ("" for none) and whether the block is hatched (a no-show).
    badge: str = ""
    hatched: bool = False
    #: the session has its signed note: a page sign left of the badge.
    noted: bool = False
    #: (text width, title, detail) laid out for the last column width.
    elided: tuple[int, QStaticText, QStaticText] | None = None


@dataclass
class _Contents:
    days: list[date] = field(default_factory=list)
    providers: list[GridProvider] = field(default_factory=list)
    #: per column: the blocks sorted by top, and their tops for bisecting.
    blocks: list[list[_Block]] = field(default_factory=list)
    tops: list[list[float]] = field(default_factory=list)
    #: per column: (top, bottom, label) of time off, and working spans (None: no hours kept).
    time_off: list[list[tuple[float, float, str]]] = field(default_factory=list)
    working: list[list[tuple[float, float]] | None] = field(default_factory=list)


class WeekGrid(QAbstractScrollArea):
    """Days × providers as columns, the day's hours as rows. Click a free slot to book
    (`slot_activated`), double-click an appointment for its details (`appointment_activated`).
    Arrow keys move the selected slot; Enter books it or opens the appointment under it. A
    click on a column the viewer may not book on emits `refused` with the policy's reason."""

    slot_activated = Signal(object)  # GridSlot
    appointment_activated = Signal(object)  # AppointmentView
    #: the status menu asked for an appointment (context menu, Menu key or Shift+F10).
    menu_requested = Signal(object, QPoint)  # AppointmentView, global position
    refused = Signal(str)
    selection_changed = Signal()

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._note_sign = None  # the page sign of a session with its note, drawn once
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Appointments grid")
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self._contents = _Contents()
        self.first_hour, self.last_hour = FIRST_HOUR, LAST_HOUR
        self.hour_height = HOUR_HEIGHT
        self.today: date | None = None
        self.now: datetime | None = None
        #: (column, minute of the day) of the selected slot, or None.
        self.selected: tuple[int, int] | None = None
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._small = QFont(self.font())
        self._small.setPixelSize(max(10, self.font().pixelSize() - 1))

    # -- contents -----------------------------------------------------------------------------

    def set_contents(
        self,
        days: list[date],
        providers: list[GridProvider],
        appointments: list,
        time_off: dict[int, list] | None = None,
        working_hours: dict[int, list] | None = None,
    ) -> None:
        """Show `appointments` (AppointmentView) of `providers` on `days`; `time_off` maps a
        provider to TimeOff rows, `working_hours` to WorkingHours rows (weekly, local)."""
        time_off = time_off or {}
        working_hours = working_hours or {}
        contents = _Contents(list(days), list(providers))
        self._fit_hours(appointments, working_hours)
        index = {(d, p.id): n for n, (d, p) in enumerate(self._pairs(days, providers))}
        columns = len(index)
        contents.blocks = [[] for _ in range(columns)]
        for appointment in appointments:
            local = appointment.starts_at.astimezone(self.zone)
            column = index.get((local.date(), appointment.provider_id))
            if column is None:
                continue
            top = self._y_of(local.date(), appointment.starts_at)
            bottom = self._y_of(local.date(), appointment.ends_at)
            end = appointment.ends_at.astimezone(self.zone)
            contents.blocks[column].append(
                _Block(
                    column,
                    top,
                    max(bottom, top + 6),
                    appointment,
                    appointment.client_name,
                    _details(local, end, appointment.appointment_type),
                    busy=appointment.is_busy,
                    badge=badge_sign(appointment.visit_status),
                    hatched=appointment.visit_status == "no_show",
                    noted=appointment.has_note,
                )
            )
        for column_blocks in contents.blocks:
            column_blocks.sort(key=lambda b: b.top)
        contents.tops = [[b.top for b in bs] for bs in contents.blocks]
        for day, provider in self._pairs(days, providers):
            spans = []
            for off in time_off.get(provider.id, ()):
                top, bottom = self._y_of(day, off.starts_at), self._y_of(day, off.ends_at)
                if bottom > top:
                    spans.append(
                        (top, bottom, f"Time off{': ' + off.reason if off.reason else ''}")
                    )
            contents.time_off.append(spans)
            hours = working_hours.get(provider.id)
            if not hours:
                contents.working.append(None)
                continue
            contents.working.append(
                [
                    (self._y_of_time(h.start_time), self._y_of_time(h.end_time))
                    for h in hours
                    if h.weekday == day.weekday()
                ]
            )
        self._contents = contents
        if self.selected and self.selected[0] >= columns:
            self.selected = None
        self._describe_selection()
        self._update_scroll_bars()
        self.viewport().update()
        self.selection_changed.emit()

    @staticmethod
    def _pairs(days: list[date], providers: list[GridProvider]):
        return [(d, p) for d in days for p in providers]

    def _fit_hours(self, appointments: list, working_hours: dict[int, list]) -> None:
        first, last = FIRST_HOUR, LAST_HOUR
        for appointment in appointments:
            start = appointment.starts_at.astimezone(self.zone)
            end = appointment.ends_at.astimezone(self.zone)
            first = min(first, start.hour)
            if end.date() > start.date():
                last = 24
            else:
                last = max(last, end.hour + (1 if end.minute else 0))
        for hours in working_hours.values():
            for span in hours:
                first = min(first, span.start_time.hour)
                last = max(last, span.end_time.hour + (1 if span.end_time.minute else 0))
        self.first_hour, self.last_hour = first, min(24, max(last, first + 1))

    # -- geometry -----------------------------------------------------------------------------

    @property
    def column_count(self) -> int:
        return len(self._contents.days) * len(self._contents.providers)

    def header_height(self) -> int:
        rows = DAY_ROW if len(self._contents.days) > 1 else 0
        rows += PROVIDER_ROW if len(self._contents.providers) > 1 or rows == 0 else 0
        return rows

    def column_width(self) -> float:
        columns = max(1, self.column_count)
        return max(float(MIN_COLUMN), (self.viewport().width() - GUTTER) / columns)

    def content_height(self) -> int:
        return (self.last_hour - self.first_hour) * self.hour_height

    def _y_of_minutes(self, minutes: float) -> float:
        return (minutes - self.first_hour * 60) * self.hour_height / 60

    def _y_of_time(self, at: time) -> float:
        return self._y_of_minutes(at.hour * 60 + at.minute)

    def _y_of(self, day: date, moment: datetime) -> float:
        """The content y of `moment` in `day`'s column, clamped to that day."""
        local = moment.astimezone(self.zone)
        if local.date() < day:
            minutes = 0
        elif local.date() > day:
            minutes = 24 * 60
        else:
            minutes = local.hour * 60 + local.minute + local.second / 60
        return min(max(self._y_of_minutes(minutes), 0.0), float(self.content_height()))

    def column_of(self, x: float) -> int | None:
        """The column under viewport x, or None over the gutter or past the last column."""
        if x < GUTTER:
            return None
        column = int((x - GUTTER + self.horizontalScrollBar().value()) // self.column_width())
        return column if 0 <= column < self.column_count else None

    def minute_of(self, y: float) -> int | None:
        """The minute of the day (on the slot grid) under viewport y, or None over the header."""
        top = self.header_height()
        if y < top:
            return None
        content_y = y - top + self.verticalScrollBar().value()
        minutes = self.first_hour * 60 + int(content_y * 60 / self.hour_height)
        if minutes >= self.last_hour * 60:
            return None
        return minutes - minutes % SLOT_MINUTES

    def column_rect(self, column: int) -> QRectF:
        """A column's rectangle in viewport coordinates (below the header)."""
        width = self.column_width()
        left = GUTTER + column * width - self.horizontalScrollBar().value()
        top = self.header_height() - self.verticalScrollBar().value()
        return QRectF(left, top, width, self.content_height())

    def slot_point(self, column: int, minute: int) -> QPoint:
        """The viewport point in the middle of a slot (for tests and the keyboard)."""
        rect = self.column_rect(column)
        y = rect.top() + self._y_of_minutes(minute + SLOT_MINUTES / 2)
        return QPoint(int(rect.center().x()), int(y))

    def column_info(self, column: int) -> tuple[date, GridProvider]:
        providers = self._contents.providers
        return self._contents.days[column // len(providers)], providers[column % len(providers)]

    def slot_at(self, column: int, minute: int) -> GridSlot:
        day, provider = self.column_info(column)
        local = datetime.combine(day, time(minute // 60, minute % 60), self.zone)
        return GridSlot(provider.id, provider.name, local)

    def appointment_at(self, column: int, minute: int):
        """The appointment covering that minute of the column, or None."""
        y = self._y_of_minutes(minute) + 0.01
        blocks = self._contents.blocks[column]
        position = bisect_right(self._contents.tops[column], y) - 1
        if position >= 0 and blocks[position].bottom > y:
            return blocks[position].appointment
        return None

    def _update_scroll_bars(self) -> None:
        viewport = self.viewport().size()
        content_width = GUTTER + self.column_width() * self.column_count
        vertical = self.verticalScrollBar()
        horizontal = self.horizontalScrollBar()
        vertical.setRange(
            0, max(0, self.content_height() + self.header_height() - viewport.height())
        )
        vertical.setPageStep(viewport.height())
        vertical.setSingleStep(self.hour_height // 4)
        horizontal.setRange(0, max(0, int(content_width) - viewport.width()))
        horizontal.setPageStep(viewport.width())
        horizontal.setSingleStep(int(self.column_width()))

    def scroll_to_hour(self, hour: int) -> None:
        self.verticalScrollBar().setValue(int(self._y_of_minutes(hour * 60)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scroll_bars()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    # -- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        area = event.rect()
        painter.fillRect(area, _WHITE)
        if self.column_count:
            self._paint_body(painter, area)
        self._paint_gutter(painter)
        if self.column_count:
            self._paint_header(painter, area)
        painter.end()

    def _visible_columns(self, area: QRect | None = None) -> range:
        """The columns inside `area` (viewport coordinates; default: the whole viewport)."""
        width = self.column_width()
        scroll = self.horizontalScrollBar().value()
        left = max(GUTTER, area.left()) if area is not None else GUTTER
        right = area.right() + 1 if area is not None else self.viewport().width()
        first = max(0, int((left - GUTTER + scroll) // width))
        last = min(self.column_count, int((right - GUTTER + scroll) // width) + 1)
        return range(first, last)

    def _paint_body(self, painter: QPainter, area: QRect) -> None:
        header = self.header_height()
        viewport = self.viewport().rect()
        painter.save()
        painter.setClipRect(QRect(GUTTER, header, viewport.width() - GUTTER, viewport.height()))
        columns = self._visible_columns(area)
        width = self.column_width()
        top = header - self.verticalScrollBar().value()
        height = self.content_height()
        providers = len(self._contents.providers)
        for column in columns:
            rect = self.column_rect(column)
            _day, provider = self.column_info(column)
            working = self._contents.working[column]
            if working is not None:
                painter.fillRect(rect, _OFF_HOURS)
                for start, end in working:
                    painter.fillRect(QRectF(rect.left(), top + start, width, end - start), _WHITE)
            elif provider.refusal:
                painter.fillRect(rect, _REFUSED)
            for start, end, _label in self._contents.time_off[column]:
                band = QRectF(rect.left(), top + start, width, end - start)
                painter.fillRect(band, _TIME_OFF)
                painter.fillRect(band, QBrush(_TIME_OFF_LINES, Qt.BrushStyle.BDiagPattern))
        # Hour and half-hour lines across the visible width.
        left, right = GUTTER, viewport.width()
        for hour in range(self.first_hour, self.last_hour + 1):
            y = top + self._y_of_minutes(hour * 60)
            if -1 <= y <= viewport.height() + 1:
                painter.setPen(_LINE_HOUR)
                painter.drawLine(QPointF(left, y), QPointF(right, y))
            half = y + self.hour_height / 2
            if hour < self.last_hour and header <= half <= viewport.height():
                painter.setPen(QPen(_LINE_HALF, 1, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(left, half), QPointF(right, half))
        for column in columns:
            x = GUTTER + column * width - self.horizontalScrollBar().value()
            painter.setPen(_LINE_DAY if column % providers == 0 else _LINE_COLUMN)
            painter.drawLine(QPointF(x, top), QPointF(x, top + height))
        for column in columns:
            rect = self.column_rect(column)
            for start, end, label in self._contents.time_off[column]:
                if end - start >= 18 and rect.width() > 40:
                    painter.setPen(_MUTED)
                    painter.setFont(self._small)
                    text_rect = QRectF(rect.left() + 6, top + start + 2, rect.width() - 12, 16)
                    painter.drawText(
                        text_rect,
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                        painter.fontMetrics().elidedText(
                            label, Qt.TextElideMode.ElideRight, int(text_rect.width())
                        ),
                    )
        self._paint_blocks(painter, columns, top, area)
        self._paint_now(painter, columns, top)
        self._paint_selection(painter, top)
        painter.restore()

    def _paint_blocks(self, painter: QPainter, columns: range, top: float, area: QRect) -> None:
        """Blocks in batched passes: backgrounds (one brush per colour), accent bars, then
        the text of every block (cached, laid out once per column width)."""
        width = self.column_width()
        bold_metrics = QFontMetrics(self._bold)
        small_metrics = QFontMetrics(self._small)
        line = bold_metrics.height()
        low, high = area.top() - top, area.bottom() - top
        scroll = self.horizontalScrollBar().value()
        visible: list[tuple[_Block, QRectF]] = []
        for column in columns:
            left = GUTTER + column * width - scroll + 2
            blocks = self._contents.blocks[column]
            start = max(0, bisect_right(self._contents.tops[column], low) - 1)
            for block in blocks[start:]:
                if block.top > high:
                    break
                if block.bottom >= low:
                    rect = QRectF(
                        left, top + block.top + 1, width - 5, block.bottom - block.top - 2
                    )
                    visible.append((block, rect))
        if not visible:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(_NO_PEN)
        for busy in (False, True):
            painter.setBrush(_BUSY if busy else _BLOCK)
            bars = []
            for block, rect in visible:
                if block.busy is busy:
                    painter.drawRoundedRect(rect, 4, 4)
                    bars.append(QRectF(rect.left(), rect.top(), 3, rect.height()))
            if bars:
                painter.setBrush(_BUSY_BAR if busy else _ACCENT)
                painter.drawRects(bars)
        self._paint_badges(painter, visible)
        selected = self.selected_appointment()
        for block, rect in visible:
            if block.appointment is selected:
                painter.setPen(_SELECTED_PEN)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        text_width = int(width) - 15
        if text_width < 12:
            return
        lines = []
        for block, rect in visible:
            if rect.height() < 12:
                continue
            if block.elided is None or block.elided[0] != text_width:
                title_width = text_width - (18 if block.badge else 0) - (17 if block.noted else 0)
                block.elided = (
                    text_width,
                    _static(bold_metrics.elidedText(block.title, _ELIDE, title_width)),
                    _static(_fitting(small_metrics, block.detail, text_width)),
                )
            text_top = rect.top() + 2 if rect.height() >= line + 4 else rect.top()
            lines.append((block, rect, text_top))
        for font, second in ((self._bold, False), (self._small, True)):
            painter.setFont(font)
            for busy in (False, True):
                painter.setPen(_MUTED_PEN if busy else _BLOCK_TEXT_PEN)
                for block, rect, text_top in lines:
                    if block.busy is not busy:
                        continue
                    if not second:
                        painter.drawStaticText(QPointF(rect.left() + 7, text_top), block.elided[1])
                    elif rect.height() >= line * 2 + 2:
                        painter.drawStaticText(
                            QPointF(rect.left() + 7, text_top + line + 1), block.elided[2]
                        )

    def _paint_badges(self, painter: QPainter, visible: list[tuple[_Block, QRectF]]) -> None:
        """A no-show is hatched; a status other than Scheduled wears its sign in a dark disc at
        the block's top right (light on dark: it reads in grey scale too)."""
        painter.setBrush(_HATCH)
        for block, rect in visible:
            if block.hatched:
                painter.drawRoundedRect(rect, 4, 4)
        painter.setFont(self._small)
        for block, rect in visible:
            if block.badge and rect.height() >= 12:
                disc = QRectF(rect.right() - 17, rect.top() + 2, 15, min(15, rect.height() - 3))
                painter.setPen(_NO_PEN)
                painter.setBrush(_BADGE)
                painter.drawRoundedRect(disc, 7, 7)
                painter.setPen(_BADGE_TEXT_PEN)
                painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, block.badge)
            if block.noted and rect.height() >= 12:
                if self._note_sign is None:
                    self._note_sign = svg_pixmap("notes", 14, _BADGE.name())
                painter.drawPixmap(QPointF(rect.right() - 34, rect.top() + 2), self._note_sign)
        painter.setPen(_NO_PEN)

    def _paint_now(self, painter: QPainter, columns: range, top: float) -> None:
        if self.now is None:
            return
        local = self.now.astimezone(self.zone)
        y = top + self._y_of(local.date(), self.now)
        painter.setPen(QPen(_NOW, 2))
        for column in columns:
            if self.column_info(column)[0] == local.date():
                rect = self.column_rect(column)
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))

    def _paint_selection(self, painter: QPainter, top: float) -> None:
        if self.selected is None or self.selected_appointment() is not None:
            return
        column, minute = self.selected
        rect = self.column_rect(column)
        y = top + self._y_of_minutes(minute)
        slot = QRectF(rect.left() + 2, y + 1, rect.width() - 5, self.hour_height / 4 - 2)
        painter.setPen(QPen(_ACCENT, 2))
        painter.setBrush(QColor(15, 118, 110, 28))
        painter.drawRect(slot)
        painter.setPen(_ACCENT)
        painter.setFont(self._small)
        painter.drawText(
            slot.adjusted(6, 0, -4, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{minute // 60:02d}:{minute % 60:02d}",
        )

    def _paint_gutter(self, painter: QPainter) -> None:
        header = self.header_height()
        height = self.viewport().height()
        painter.fillRect(QRect(0, 0, GUTTER, height), _WHITE)
        painter.setFont(self._small)
        painter.setPen(_MUTED)
        top = header - self.verticalScrollBar().value()
        painter.save()
        painter.setClipRect(QRect(0, header, GUTTER, height))
        for hour in range(self.first_hour, self.last_hour):
            y = top + self._y_of_minutes(hour * 60)
            painter.drawText(
                QRectF(0, y + 2, GUTTER - 8, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                f"{hour:02d}:00",
            )
        painter.restore()
        painter.setPen(_LINE_HOUR)
        painter.drawLine(GUTTER - 1, header, GUTTER - 1, height)

    def _paint_header(self, painter: QPainter, area: QRect) -> None:
        header = self.header_height()
        viewport = self.viewport().rect()
        painter.fillRect(QRect(0, 0, viewport.width(), header), _HEADER)
        painter.save()
        painter.setClipRect(QRect(GUTTER, 0, viewport.width() - GUTTER, header))
        width = self.column_width()
        scroll = self.horizontalScrollBar().value()
        providers = len(self._contents.providers)
        bold_metrics = QFontMetrics(self._bold)
        small_metrics = QFontMetrics(self._small)
        day_row = DAY_ROW if len(self._contents.days) > 1 else 0
        for index, day in enumerate(self._contents.days):
            left = GUTTER + index * providers * width - scroll
            span = QRectF(left, 0, providers * width, day_row or header)
            if span.right() < max(GUTTER, area.left()) or span.left() > area.right() + 1:
                continue
            if day == self.today:
                painter.fillRect(span, _TODAY)
            if day_row:
                painter.setFont(self._bold)
                painter.setPen(_ACCENT if day == self.today else _TEXT)
                label = f"{day:%a} {day.day} {day:%b}"
                painter.drawText(
                    span.adjusted(8, 0, -4, 0),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    bold_metrics.elidedText(
                        label, Qt.TextElideMode.ElideRight, int(span.width()) - 12
                    ),
                )
            painter.setPen(_LINE_DAY)
            painter.drawLine(QPointF(left, 0), QPointF(left, header))
        if header > day_row:
            font = self._small if day_row else self._bold
            metrics = small_metrics if day_row else bold_metrics
            painter.setFont(font)
            for column in self._visible_columns(area):
                _day, provider = self.column_info(column)
                rect = QRectF(GUTTER + column * width - scroll, day_row, width, header - day_row)
                painter.setPen(_MUTED if provider.refusal else _TEXT)
                painter.drawText(
                    rect.adjusted(8, 0, -4, 0),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(provider.name, Qt.TextElideMode.ElideRight, int(width) - 12),
                )
                if column % providers:
                    painter.setPen(_LINE_COLUMN)
                    painter.drawLine(
                        QPointF(rect.left(), day_row + 4), QPointF(rect.left(), header)
                    )
        painter.restore()
        painter.setPen(_LINE_HOUR)
        painter.drawLine(0, header - 1, viewport.width(), header - 1)

    # -- selection, mouse and keyboard --------------------------------------------------------

    def selected_slot(self) -> GridSlot | None:
        if self.selected is None:
            return None
        return self.slot_at(*self.selected)

    def selected_provider(self) -> GridProvider | None:
        if self.selected is None:
            return None
        return self.column_info(self.selected[0])[1]

    def selected_appointment(self):
        if self.selected is None:
            return None
        return self.appointment_at(*self.selected)

    def select(self, column: int, minute: int) -> None:
        column = min(max(column, 0), self.column_count - 1)
        minute = min(max(minute, self.first_hour * 60), self.last_hour * 60 - SLOT_MINUTES)
        self.selected = (column, minute)
        self._describe_selection()
        self._ensure_visible(column, minute)
        self.viewport().update()
        self.selection_changed.emit()

    def _describe_selection(self) -> None:
        slot = self.selected_slot()
        if slot is None:
            self.setAccessibleDescription("")
            return
        appointment = self.selected_appointment()
        what = appointment.client_name if appointment is not None else "free"
        if appointment is not None and appointment.visit_status not in ("", "scheduled"):
            what += f", {status_words(appointment.visit_status)}"
        if appointment is not None and appointment.has_note:
            what += ", note signed"
        self.setAccessibleDescription(
            f"{slot.provider_name}, {slot.starts_at:%A} {slot.starts_at.day} "
            f"{slot.starts_at:%B}, {slot.starts_at:%H:%M}: {what}"
        )

    def _ensure_visible(self, column: int, minute: int) -> None:
        header = self.header_height()
        y = self._y_of_minutes(minute)
        vertical = self.verticalScrollBar()
        visible = self.viewport().height() - header
        if y < vertical.value():
            vertical.setValue(int(y))
        elif y + self.hour_height / 4 > vertical.value() + visible:
            vertical.setValue(int(y + self.hour_height / 4 - visible))
        width = self.column_width()
        horizontal = self.horizontalScrollBar()
        left = column * width
        visible_width = self.viewport().width() - GUTTER
        if left < horizontal.value():
            horizontal.setValue(int(left))
        elif left + width > horizontal.value() + visible_width:
            horizontal.setValue(int(left + width - visible_width))

    def activate(self) -> None:
        """What Enter and a click do: the appointment's details, or book the free slot."""
        if self.selected is None:
            return
        appointment = self.selected_appointment()
        if appointment is not None:
            self.appointment_activated.emit(appointment)
            return
        provider = self.selected_provider()
        if provider.refusal:
            self.refused.emit(provider.refusal)
            return
        self.slot_activated.emit(self.selected_slot())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        position = event.position()
        column, minute = self.column_of(position.x()), self.minute_of(position.y())
        if column is None or minute is None:
            return None
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.select(column, minute)
        if self.selected_appointment() is None:
            self.activate()
        return None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        column, minute = self.column_of(position.x()), self.minute_of(position.y())
        if column is None or minute is None:
            return
        self.select(column, minute)
        appointment = self.selected_appointment()
        if appointment is not None:
            self.appointment_activated.emit(appointment)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.column_count:
            return super().keyPressEvent(event)
        if self.selected is None and key in _MOVES:
            self.select(0, max(self.first_hour, 9) * 60)
            return None
        if key in _MOVES:
            column, minute = self.selected
            step_column, step_minute = _MOVES[key]
            self.select(column + step_column, minute + step_minute)
            return None
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate()
            return None
        shift_f10 = key == Qt.Key.Key_F10 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if shift_f10 or key == Qt.Key.Key_Menu:
            self.request_menu(None)
            return None
        return super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            position = event.pos()  # viewport coordinates, as for the mouse events
            column, minute = self.column_of(position.x()), self.minute_of(position.y())
            if column is None or minute is None:
                return
            self.select(column, minute)
            self.request_menu(event.globalPos())
            return
        self.request_menu(None)

    def request_menu(self, at: QPoint | None) -> None:
        """Ask for the selected appointment's status menu, at `at` or beside the selection."""
        appointment = self.selected_appointment()
        if appointment is None:
            return
        if at is None:
            column, minute = self.selected
            at = self.viewport().mapToGlobal(self.slot_point(column, minute))
        self.menu_requested.emit(appointment, at)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            position = event.pos()
            text = self.tooltip_at(position.x(), position.y())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, x: float, y: float) -> str:
        """What hovering says: the appointment, the time off, or who may book the slot."""
        column, minute = self.column_of(x), self.minute_of(y)
        if column is None or minute is None:
            return ""
        appointment = self.appointment_at(column, minute)
        if appointment is not None:
            start = appointment.starts_at.astimezone(self.zone)
            end = appointment.ends_at.astimezone(self.zone)
            lines = [
                appointment.client_name,
                f"{start:%a} {start.day} {start:%b}, {start:%H:%M}–{end:%H:%M}",
            ]
            if appointment.appointment_type:
                lines.append(appointment.appointment_type)
            if appointment.visit_status:
                lines.append(f"Status: {status_words(appointment.visit_status)}")
            if appointment.has_note:
                lines.append("Session note signed")
            lines.append(
                f"{appointment.pos_code} {appointment.pos_name} · {appointment.provider_name}"
            )
            if not appointment.is_busy:
                lines.append("Double-click for details; right-click (or Menu key) for status.")
            return "\n".join(lines)
        y_content = self._y_of_minutes(minute) + 0.01
        for start, end, label in self._contents.time_off[column]:
            if start <= y_content < end:
                return label
        _day, provider = self.column_info(column)
        if provider.refusal:
            return provider.refusal
        return f"Click to book with {provider.name} at {minute // 60:02d}:{minute % 60:02d}"


def _static(text: str) -> QStaticText:
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    return static


def _details(start: datetime, end: datetime, kind: str | None) -> tuple[str, ...]:
    times = f"{start:%H:%M}–{end:%H:%M}"
    return (f"{times} · {kind}", times, f"{start:%H:%M}") if kind else (times, f"{start:%H:%M}")


def _fitting(metrics: QFontMetrics, variants: tuple[str, ...], width: int) -> str:
    """The longest variant that fits in `width`, else the shortest one elided."""
    for text in variants:
        if metrics.horizontalAdvance(text) <= width:
            return text
    return metrics.elidedText(variants[-1], Qt.TextElideMode.ElideRight, width)


_MOVES = {
    Qt.Key.Key_Up: (0, -SLOT_MINUTES),
    Qt.Key.Key_Down: (0, SLOT_MINUTES),
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_PageUp: (0, -60),
    Qt.Key.Key_PageDown: (0, 60),
}
