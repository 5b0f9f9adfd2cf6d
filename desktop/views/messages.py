"""Telling the user what happened, in words: inline or in a message box, never a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..models.rule_text import details_text, plain_reason, rule_codes
from ..services.errors import PermissionRefused, ServiceError

if TYPE_CHECKING:  # the rules load when a screen needs them, not for the sign-in dialog
    from ..services.policy import Decision

log = logging.getLogger(__name__)

#: said when something fails that no service explained (a database that went away, a bug).
UNEXPECTED = (
    "Clinic Desk could not finish this because something unexpected happened ({detail}). "
    "Nothing was changed. If it happens again, tell whoever looks after your computers."
)


def explain(error: BaseException) -> str:
    """The sentence to show for an error: a service's own message, or a plain general one.
    A refusal is said by its reason; the rule that decided it goes to the log (and `details`)."""
    if isinstance(error, PermissionRefused):
        log.info("refused by rule %s: %s", error.rule or "?", error.reason)
        return plain_reason(error.reason)
    if isinstance(error, ServiceError):
        return plain_reason(error.message)
    log.error("unexpected error shown to the user", exc_info=error)
    detail = (
        str(error).strip().splitlines()[0][:160] if str(error).strip() else type(error).__name__
    )
    return UNEXPECTED.format(detail=detail)


def refusal_text(decision: Decision) -> str:
    """A policy refusal as one plain sentence: "Only the Owner … staff."; the rule ID is
    left to `details` (tooltips) and the log, where IT looks."""
    reason = plain_reason(decision.reason or "This is not allowed.").rstrip(". ")
    return f"{reason}."


def details(subject: Decision | BaseException | str | None) -> str:
    """ "Details: rule R12 of the practice's access rules." for a refusal, a refused error or a
    reason ending in rule codes; "" when there is no rule to name."""
    from ..services.policy import Decision

    if isinstance(subject, Decision):
        return details_text([subject.rule or ""]) if not subject else ""
    if isinstance(subject, PermissionRefused):
        return details_text([subject.rule])
    if isinstance(subject, ServiceError):
        return details_text(rule_codes(subject.message))
    if isinstance(subject, str):
        return details_text(rule_codes(subject))
    return ""


def show_error(parent: QWidget | None, error: BaseException, title: str = "Not done") -> None:
    """A warning box with the error explained in plain words."""
    QMessageBox.warning(parent, title, explain(error))


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask before something that cannot simply be undone; Cancel is the default answer."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class InlineMessage(QLabel):
    """A message shown in place (red for problems, teal for done); hidden while empty.

    kind is "error" (object name inlineError), "notice" or "alert" (boxed).
    """

    _OBJECT_NAMES = {"error": "inlineError", "notice": "notice", "alert": "alert"}

    def __init__(self, accessible_name: str, kind: str = "error", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(self._OBJECT_NAMES[kind])
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(accessible_name)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def show_error(self, error: BaseException) -> None:
        self.show_text(explain(error))
        self.setToolTip(details(error))

    def clear_text(self) -> None:
        self.setText("")
        self.setToolTip("")
        self.setAccessibleDescription("")
        self.hide()
