"""What the calendar's screen and dialogs share: the providers they offer, the practice's time
zone, running a dialog, and a dialog frame with an inline problem message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...services import practice, staff
from ...services.policy import Decision, ProviderFacts, may_book_for
from ...services.principal import Principal
from ..messages import InlineMessage, explain, refusal_text
from ..widgets import ElidedLabel, button, primary_button
from .look import CALENDAR_STYLE

T = TypeVar("T")


@dataclass(frozen=True)
class ProviderChoice:
    """An active provider as the calendar offers them, with the facts the policy needs."""

    facts: ProviderFacts

    @property
    def id(self) -> int:
        return self.facts.staff_id

    @property
    def name(self) -> str:
        return self.facts.name


def active_providers(ctx: AppContext, principal: Principal) -> list[ProviderChoice]:
    """Every active provider of the practice, by name."""
    members = staff.list_staff(ctx.uow(), principal, include_inactive=False)
    return [
        ProviderChoice(ProviderFacts(m.id, m.display_name, m.active, m.records_owner or "group"))
        for m in members
        if m.is_provider
    ]


def booking_decision(principal: Principal, provider: ProviderChoice) -> Decision:
    """R10, asked of the policy: may this principal book on this provider's calendar?"""
    return may_book_for(principal, provider.facts)


def why_not(decision: Decision) -> str:
    """The tooltip of a control the policy disabled ("" when allowed)."""
    return "" if decision else refusal_text(decision)


def practice_zone(ctx: AppContext) -> ZoneInfo:
    """The practice's time zone: every time on the calendar is shown in it."""
    info = practice.practice_info(ctx.uow())
    return ZoneInfo(info.time_zone if info else ctx.config.time_zone or "UTC")


def name_inner_parts(top: QWidget) -> None:
    """Name the parts Qt leaves unnamed that a screen reader lands on: the text box inside a
    spin box or date/time edit (its owner's name) and a combo box's list of choices."""
    for editor in top.findChildren(QLineEdit, "qt_spinbox_lineedit"):
        owner = editor.parentWidget()
        if not editor.accessibleName() and owner is not None:
            editor.setAccessibleName(owner.accessibleName() or "Value")
    for combo in top.findChildren(QComboBox):
        if not combo.view().accessibleName():
            combo.view().setAccessibleName(f"{combo.accessibleName() or 'Choices'}: choices")
        if combo.lineEdit() is not None and not combo.lineEdit().accessibleName():
            combo.lineEdit().setAccessibleName(combo.accessibleName())
    for control in top.findChildren(QAbstractButton):
        if not control.accessibleName() and control.text():
            control.setAccessibleName(control.text().replace("&", "").rstrip("…"))


def run_modal(dialog: QDialog) -> int:
    """Show a dialog and wait for it (tests replace this to drive the dialog instead)."""
    return dialog.exec()


class CalendarDialog(QDialog):
    """A modal dialog with a title line, a body the subclass fills, an inline problem message
    and Cancel / OK buttons. OK calls `submit()`; a subclass accepts when its action worked."""

    def __init__(
        self,
        title: str,
        ok_text: str,
        parent: QWidget | None = None,
        *,
        width: int = 460,
        resizable: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setStyleSheet(CALENDAR_STYLE)
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
        # A fixed-size dialog follows its contents (an alert shown, repeat options opened).
        layout.setSizeConstraint(
            QLayout.SizeConstraint.SetMinimumSize
            if resizable
            else QLayout.SizeConstraint.SetFixedSize
        )
        layout.addWidget(self.heading)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons)

    def set_ok(self, enabled: bool, reason: str = "") -> None:
        self.ok_button.setEnabled(enabled)
        self.ok_button.setToolTip("" if enabled else reason)

    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a service call; a refusal or failure is shown in the dialog in plain words."""
        self.message.clear_text()
        try:
            return action()
        except Exception as error:  # a ServiceError's own words, or a plain general sentence
            self.message.show_text(explain(error))
        return None

    def submit(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError
