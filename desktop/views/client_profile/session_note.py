"""Write note from a session: the provider's progress note of an attended appointment, opened
in the chart's note editor (a new draft with the session's facts, or the draft started before)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel, QWidget

from ...app import AppContext
from ...services import session_notes
from ...services.principal import Principal
from ..calendar import common
from ..messages import explain
from .note_dialogs import NoteEditorDialog

SESSION_NOTE_TITLE = "Session note"


@dataclass(frozen=True)
class NoteHost:
    """What the note editor needs of the screen it is opened from."""

    ctx: AppContext
    principal: Principal
    client_id: int
    zone: ZoneInfo


def session_note_dialog(
    ctx: AppContext,
    principal: Principal,
    appointment_id: int,
    client_id: int,
    client_name: str,
    zone: ZoneInfo,
    parent: QWidget | None = None,
) -> NoteEditorDialog:
    """The editor on the session's note (started now if there is none yet)."""
    note = session_notes.write_session_note(ctx.uow(), principal, appointment_id)
    dialog = NoteEditorDialog(NoteHost(ctx, principal, client_id, zone), note, parent)
    dialog.setWindowTitle(SESSION_NOTE_TITLE)
    dialog.heading.setText(SESSION_NOTE_TITLE)
    when = f"{note.session_date:%a %d %b %Y}" if note.session_date else "the session"
    intro = QLabel(
        f"{client_name}, {when}. Linked to the session: its times, length and place of service "
        "are in the title."
    )
    intro.setObjectName("dialogIntro")
    intro.setWordWrap(True)
    dialog.body.insertWidget(0, intro)
    dialog.title_edit.setCursorPosition(0)
    dialog.body_edit.setFocus()
    return dialog


def open_session_note(
    ctx: AppContext,
    principal: Principal,
    appointment_id: int,
    client_id: int,
    client_name: str,
    zone: ZoneInfo,
    parent: QWidget | None = None,
) -> tuple[str, bool]:
    """Open the session's note and say what came of it: (message, whether it failed)."""
    try:
        dialog = session_note_dialog(
            ctx, principal, appointment_id, client_id, client_name, zone, parent
        )
    except Exception as error:
        return explain(error), True
    if not common.run_modal(dialog) or dialog.saved is None:
        return "", False
    if dialog.signed:
        return "The session note was signed.", False
    return "The session note was saved as a draft.", False
