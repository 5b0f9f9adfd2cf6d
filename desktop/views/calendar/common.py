"""What the calendar's screen and dialogs share: the providers they offer, the practice's time
zone, running a dialog, and a dialog frame with an inline problem message."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLineEdit,
    QWidget,
)

from ...app import AppContext
from ...services import practice, staff
from ...services.policy import Decision, ProviderFacts, may_book_for
from ...services.principal import Principal
from ..form_dialog import FormDialog
from ..messages import refusal_text
from .look import CALENDAR_STYLE


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
    members = staff.list_staff(ctx.uow(), principal, include_inactive=False, providers_only=True)
    return [
        ProviderChoice(ProviderFacts(m.id, m.display_name, m.active, m.records_owner or "group"))
        for m in members
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


class CalendarDialog(FormDialog):
    """A form dialog in the calendar's look."""

    def __init__(
        self,
        title: str,
        ok_text: str,
        parent: QWidget | None = None,
        *,
        width: int = 460,
        resizable: bool = False,
    ) -> None:
        super().__init__(title, ok_text, parent, width=width, resizable=resizable)
        self.setStyleSheet(CALENDAR_STYLE)
