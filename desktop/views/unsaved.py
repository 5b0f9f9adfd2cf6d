"""Leaving a form or window with changes not saved: ask to save, discard or keep editing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

SAVE, DISCARD, KEEP_EDITING = "save", "discard", "keep editing"
TITLE = "Unsaved changes"


def form_state(root: QWidget) -> tuple:
    """What the person can change under `root`: texts typed, choices made, boxes ticked."""
    values: list[object] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit):
            if not widget.isReadOnly() and not isinstance(widget.parent(), QAbstractSpinBox):
                values.append(widget.text())
        elif isinstance(widget, QPlainTextEdit | QTextEdit):
            if not widget.isReadOnly():
                values.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            values.append(widget.currentText() if widget.isEditable() else widget.currentIndex())
        elif isinstance(widget, QAbstractSpinBox):
            values.append(widget.text())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append(widget.isChecked())
    return tuple(values)


def ask_save_discard(parent: QWidget, what: str) -> str:
    """Ask what to do with changes not saved in `what` ("this form", "Kim Chen's profile"):
    SAVE, DISCARD or KEEP_EDITING (also the answer to Escape)."""
    answer = QMessageBox.question(
        parent,
        TITLE,
        f"The changes in {what} are not saved yet. Save them before closing?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return DISCARD
    return KEEP_EDITING


class UnsavedChanges:
    """Remembers a form's inputs as first shown (`mark_clean`) and, when the person closes it
    changed, asks: Save runs `save` and closes only if it then reports saved (`is_saved`);
    Discard closes; Cancel keeps the form open as it is."""

    def __init__(
        self,
        form: QWidget,
        save: Callable[[], None],
        is_saved: Callable[[], bool],
        what: str = "this form",
    ) -> None:
        self.form = form
        self.save = save
        self.is_saved = is_saved
        self.what = what
        self.baseline: tuple | None = None

    def mark_clean(self) -> None:
        self.baseline = form_state(self.form)

    def changed(self) -> bool:
        return self.baseline is not None and form_state(self.form) != self.baseline

    def may_close(self) -> bool:
        """True when the form may close now (nothing changed, saved, or discarded)."""
        if not self.changed():
            return True
        answer = ask_save_discard(self.form, self.what)
        if answer == DISCARD:
            return True
        if answer == SAVE:
            self.save()
            return self.is_saved()
        return False


class AsksBeforeClosing:
    """Mixed in before QDialog in a form whose `submit()` saves and accepts: Cancel, Escape or
    the close button on a form changed since it was shown asks to save, discard or keep
    editing. A dialog that only looks things up or confirms sets `asks_to_save = False`."""

    asks_to_save = True
    #: the form as it was first shown; None until then.
    unsaved: UnsavedChanges | None = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.unsaved is None:
            self.unsaved = UnsavedChanges(self, self.submit, self.saved_and_closed)
            self.unsaved.mark_clean()

    def saved_and_closed(self) -> bool:
        return self.result() == QDialog.DialogCode.Accepted and not self.isVisible()

    def reject(self) -> None:
        # Nobody typed into a form that was never on screen (a picture of it for the manual).
        offscreen = self.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        if self.asks_to_save and not offscreen and self.unsaved is not None:
            if not self.unsaved.may_close() or self.saved_and_closed():
                return
        super().reject()
