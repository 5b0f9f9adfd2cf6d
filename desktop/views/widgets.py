"""Small widgets every screen uses: an eliding label, labelled fields, headers, empty states."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QRect, QSize, Qt, QTime
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QResizeEvent, QTextLayout
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import InvalidInput
from .messages import InlineMessage
from .style import ICON, svg_pixmap


class ElidedLabel(QLabel):
    """A label of at most `max_lines` lines that ends in "…" when the text does not fit; the
    full text is its tooltip. `text()` stays the full text, for screen readers and tests."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, max_lines: int = 1):
        super().__init__(text, parent)
        self._max_lines = max(1, max_lines)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def lines_for(self, width: int) -> list[str]:
        """The text as it is drawn at `width` pixels: wrapped at words, the last line elided."""
        metrics = self.fontMetrics()
        text = self.text()
        if self._max_lines == 1 or width <= 0:
            return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0))]
        layout = QTextLayout(text, self.font())
        layout.beginLayout()
        lines: list[str] = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            if len(lines) == self._max_lines - 1:
                rest = text[start:]
                lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
                break
            lines.append(text[start : start + length].rstrip())
        layout.endLayout()
        return lines or [""]

    def hasHeightForWidth(self) -> bool:
        return self._max_lines > 1

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = width - margins.left() - margins.right()
        count = len(self.lines_for(inner))
        metrics = self.fontMetrics()
        return (
            metrics.height()
            + (count - 1) * metrics.lineSpacing()
            + margins.top()
            + margins.bottom()
        )

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), 60), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        lines = self.lines_for(rect.width())
        if len(lines) == 1:
            line_rect = rect
        else:
            line_rect = QRect(rect.left(), rect.top(), rect.width(), metrics.height())
        for line in lines:
            self.style().drawItemText(
                painter,
                line_rect,
                int(self.alignment()),
                self.palette(),
                self.isEnabled(),
                line,
                self.foregroundRole(),
            )
            line_rect.translate(0, metrics.lineSpacing())


class TimeField(QTimeEdit):
    """A time of day ("HH:mm"). Typing over the whole time, selected, replaces it: "10:30" or
    "1030" gives 10:30 (a plain time edit would change only the minutes)."""

    def __init__(self, time: QTime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        if time is not None:
            self.setTime(time)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        line = self.findChild(QLineEdit)
        selected = line.selectedText() if line is not None else ""
        if event.text().isdigit() and ":" in selected:
            # More than one part is selected: start again from the hours.
            self.setCurrentSection(QDateTimeEdit.Section.HourSection)
            self.setSelectedSection(QDateTimeEdit.Section.HourSection)
        super().keyPressEvent(event)


def clear_button(edit: QLineEdit, name: str = "Clear search") -> QLineEdit:
    """Give a field the small clear button at its end, named for screen readers and tooltips."""
    edit.setClearButtonEnabled(True)
    for icon_button in edit.findChildren(QToolButton):
        icon_button.setAccessibleName(name)
        icon_button.setToolTip(name)
    return edit


def tool_label(text: str, editor: QWidget) -> QLabel:
    """A short label in front of a field on a tool row; screen readers read it with the field."""
    label = QLabel(text)
    label.setObjectName("toolLabel")
    label.setBuddy(editor)
    return label


def primary_button(text: str, accessible_name: str | None = None) -> QPushButton:
    """The teal button of a form or screen (one per place)."""
    button = QPushButton(text)
    button.setProperty("primary", True)
    button.setAccessibleName(accessible_name or text.replace("&", "").rstrip("…"))
    return button


def button(text: str, accessible_name: str | None = None) -> QPushButton:
    """A plain button whose accessible name is its text without mnemonic and ellipsis."""
    result = QPushButton(text)
    result.setAccessibleName(accessible_name or text.replace("&", "").rstrip("…"))
    return result


class Field(QWidget):
    """A label above its input, an optional grey hint, and a red message shown under it."""

    def __init__(
        self,
        label: str,
        editor: QWidget,
        *,
        hint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.label = QLabel(label)
        self.label.setObjectName("fieldLabel")
        # A compound editor (a search with its list) is labelled through the part that types.
        typed = editor.focusProxy() or editor
        self.label.setBuddy(typed)
        plain = label.replace("&", "")
        if not editor.accessibleName():
            editor.setAccessibleName(plain)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        self.hint: QLabel | None = None
        if hint:
            self.hint = QLabel(hint)
            self.hint.setObjectName("hint")
            self.hint.setWordWrap(True)
            layout.addWidget(self.hint)
        self.error = InlineMessage(f"{plain}: problem")
        layout.addWidget(self.error)

    def show_error(self, text: str) -> None:
        self.error.show_text(text)
        self.editor.setProperty("invalid", True)
        _repolish(self.editor)

    def clear_error(self) -> None:
        self.error.clear_text()
        if self.editor.property("invalid"):
            self.editor.setProperty("invalid", False)
            _repolish(self.editor)


def show_problems(fields: Mapping[str, Field], problems: Iterable[InvalidInput]) -> list[str]:
    """Show every problem under its field at once and put the keyboard in the first field at
    fault; returns the messages of problems no field of the form holds (to show elsewhere)."""
    for field in fields.values():
        field.clear_error()
    elsewhere: list[str] = []
    at_fault: set[str] = set()
    for problem in problems:
        field = fields.get(problem.field or "")
        if field is None:
            elsewhere.append(problem.message)
            continue
        if problem.field not in at_fault:
            field.show_error(problem.message)
            at_fault.add(problem.field or "")
    first = next((field for name, field in fields.items() if name in at_fault), None)
    if first is not None:
        first.editor.setFocus(Qt.FocusReason.OtherFocusReason)
    return elsewhere


class KeepsButtonsStill:
    """Mixed in before QDialog: when the shown dialog grows or shrinks (problems appear under
    fields, a section opens), its bottom-right corner stays where it was, so the buttons stay
    under the pointer and a second click lands where the person aims."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        old = event.oldSize()
        if self.isVisible() and old.isValid() and old != event.size():
            taller = event.size().height() - old.height()
            wider = event.size().width() - old.width()
            top = self.y() - taller
            screen = self.screen()
            if screen is not None:  # never above the top of the screen
                top = max(top, screen.availableGeometry().top())
            self.move(self.x() - wider, top)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


class ScreenHeader(QWidget):
    """A screen's title and one sentence under it."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("screenTitle")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("screenSubtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setVisible(bool(subtitle))
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)


class EmptyState(QWidget):
    """A calm, centred message for a screen with nothing to show (or nothing it may show)."""

    def __init__(self, icon: str, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = QLabel()
        self.icon.setPixmap(svg_pixmap(icon, 48, ICON))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.icon.setAccessibleName("")
        self.title = QLabel(title)
        self.title.setObjectName("emptyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.title.setWordWrap(True)
        self.text = QLabel(text)
        self.text.setObjectName("emptyText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card = QWidget()
        card.setMaximumWidth(440)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(10)
        inner.addWidget(self.icon)
        inner.addSpacing(4)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(row)
        layout.addStretch(3)


def divider() -> QFrame:
    line = QFrame()
    line.setObjectName("divider")
    line.setFrameShape(QFrame.Shape.NoFrame)
    line.setFixedHeight(1)
    return line
