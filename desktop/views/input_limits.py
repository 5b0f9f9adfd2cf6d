"""Limits on what a text field takes, so a person cannot type more than the service accepts,
and phone fields take only what a phone number can hold."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator, QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from ..services.validation import PHONE_PATTERN


def limit_phone(edit: QLineEdit, max_length: int) -> None:
    """Digits, spaces, + ( ) - . / and an extension ("x12"), at most `max_length` characters."""
    edit.setMaxLength(max_length)
    pattern = QRegularExpression(
        PHONE_PATTERN, QRegularExpression.PatternOption.CaseInsensitiveOption
    )
    edit.setValidator(QRegularExpressionValidator(pattern, edit))


def limit_plain_text(edit: QPlainTextEdit, max_length: int) -> None:
    """Text beyond `max_length` characters (typed or pasted) is not taken."""

    def trim() -> None:
        text = edit.toPlainText()
        if len(text) <= max_length:
            return
        cursor = edit.textCursor()
        position = min(cursor.position(), max_length)
        edit.blockSignals(True)
        edit.setPlainText(text[:max_length])
        edit.blockSignals(False)
        cursor = edit.textCursor()
        cursor.setPosition(position)
        edit.setTextCursor(cursor)
        edit.moveCursor(QTextCursor.MoveOperation.NoMove)

    edit.textChanged.connect(trim)
