"""The frame the app's form dialogs share: title, intro, body, a message, Cancel and OK."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from .messages import InlineMessage
from .unsaved import AsksBeforeClosing
from .widgets import ElidedLabel, KeepsButtonsStill, button, primary_button

T = TypeVar("T")


class FormDialog(AsksBeforeClosing, KeepsButtonsStill, QDialog):
    """A modal dialog with a title line, a body the subclass fills, an inline problem message
    and Cancel / OK buttons. OK calls `submit()`; a subclass accepts when its action worked.
    Cancel, Escape or the window's close button on a form changed since it opened asks to save,
    discard or keep editing; a dialog that only looks things up sets `asks_to_save = False`."""

    def __init__(
        self,
        title: str,
        ok_text: str,
        parent: QWidget | None = None,
        *,
        width: int = 480,
        resizable: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.heading = ElidedLabel(title)
        self.heading.setObjectName("dialogTitle")
        self.heading.setAccessibleName("Dialog title")
        self.heading.setMinimumWidth(width)
        self.message = InlineMessage(f"{title}: problem", kind="alert")
        self.ok_button = primary_button(ok_text)
        self.ok_button.setDefault(True)
        self.cancel_button = button("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.cancel_button)
        self.buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 22, 26, 18)
        layout.setSpacing(14)
        # A fixed-size dialog follows its contents (an alert shown, more options opened).
        layout.setSizeConstraint(
            QLayout.SizeConstraint.SetMinimumSize
            if resizable
            else QLayout.SizeConstraint.SetFixedSize
        )
        layout.addWidget(self.heading)
        layout.addLayout(self.body, 1 if resizable else 0)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Lists take their styled row height once the dialog is polished: lay them out now,
        # not on the first click, when the rows would jump under the pointer.
        for view in self.findChildren(QAbstractItemView):
            view.doItemsLayout()

    def intro(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("dialogIntro")
        label.setWordWrap(True)
        self.body.addWidget(label)
        return label

    def set_ok(self, enabled: bool, why_not: str = "") -> None:
        self.ok_button.setEnabled(enabled)
        self.ok_button.setToolTip("" if enabled else why_not)

    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a service call; a refusal or failure is shown in the dialog in plain words."""
        self.message.clear_text()
        try:
            return action()
        except Exception as error:  # a refusal, or a database gone away: words, never a traceback
            self.message.show_error(error)
        return None

    def submit(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError
