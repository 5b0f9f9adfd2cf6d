"""What a receptionist reads says the reason in plain words; the rule ID stays where IT looks."""

from __future__ import annotations

import logging
import re

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from desktop.services.errors import PermissionRefused
from desktop.services.principal import Role
from desktop.views.form_dialog import FormDialog
from desktop.views.messages import details, explain

from .test_main_window import open_window

RULE_CODE = re.compile(r"\((?:[RB]\d+)(?:, *[RB]\d+)*\)")


def shown_texts(root: QWidget) -> list[str]:
    """Every label text, button tooltip and accessible name under `root`."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QAbstractButton | QLabel):
            texts.append(widget.toolTip())
        texts.append(widget.accessibleName())
    return texts


def test_a_refusal_is_explained_by_its_reason_and_the_rule_goes_to_the_log(caplog):
    error = PermissionRefused("R12", "Only the Owner or a Manager can add staff.")
    with caplog.at_level(logging.INFO, logger="desktop.views.messages"):
        assert explain(error) == "Only the Owner or a Manager can add staff."
    assert "R12" in caplog.text
    assert details(error) == "Details: rule R12 of the practice's access rules."


def test_a_refused_form_shows_the_reason_and_keeps_the_rule_in_a_details_tooltip(qtbot):
    dialog = FormDialog("Add staff member", "Add")
    qtbot.addWidget(dialog)

    def refused():
        raise PermissionRefused("R12", "Only the Owner or a Manager can add staff.")

    dialog.attempt(refused)
    assert dialog.message.text() == "Only the Owner or a Manager can add staff."
    assert "R12" in dialog.message.toolTip()


def test_no_rule_code_shows_on_the_screens_of_a_scheduler(qtbot, ctx, owner, add_member):
    _member, scheduler = add_member("Sam Ortiz", Role.SCHEDULER)
    window = open_window(qtbot, ctx, scheduler)
    for key in ("clients", "calendar", "staff", "audit"):
        window.show_screen(key)
        coded = [text for text in shown_texts(window) if RULE_CODE.search(text)]
        assert coded == [], f"{key}: {coded}"
