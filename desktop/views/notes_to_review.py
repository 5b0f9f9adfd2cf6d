"""Notes to review (R16): the notes supervisees sent to the signed-in supervisor; read each,
approve it (co-sign in co-sign mode) or return it with a comment."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import note_reviews
from ..services.note_reviews import NoteToReview
from ..services.principal import Principal
from .messages import InlineMessage
from .widgets import ElidedLabel, EmptyState, ScreenHeader, button, primary_button


def _day(moment, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %Y")


class NotesToReviewScreen(QWidget):
    """The list on the left, the chosen note on the right, and what the supervisor decides."""

    #: the number of notes waiting changed (the navigation shows it).
    count_changed = Signal(int)
    #: asks the main window to open the client of the chosen note (the supervisee's chart).
    client_requested = Signal(int)

    def __init__(self, ctx: AppContext, principal: Principal, time_zone: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.zone = ZoneInfo(time_zone)
        self.notes: list[NoteToReview] = []
        self.setObjectName("screen")
        self.setAccessibleName("Notes to review")
        self.header = ScreenHeader(
            "Notes to review",
            "Progress notes your supervisees finished. Approve a note to sign it (in co-sign "
            "mode your signature is kept beside theirs), or return it with a comment.",
        )
        self.list = QListWidget()
        self.list.setAccessibleName("Notes waiting for your review")
        self.list.setMinimumWidth(260)
        self.list.setMaximumWidth(320)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._show)

        self.title = ElidedLabel("")
        self.title.setObjectName("groupTitle")
        self.title.setAccessibleName("Note title")
        self.meta = ElidedLabel("")
        self.meta.setObjectName("hint")
        self.meta.setAccessibleName("Client, author and session")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setAccessibleName("Note text")
        comment_label = QLabel("&Comment for the author (needed to return the note)")
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment for the author")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(84)
        comment_label.setBuddy(self.comment)
        self.message = InlineMessage("Review problem", kind="alert")
        self.done = InlineMessage("Review done", kind="notice")
        self.approve_button = primary_button("&Approve and sign")
        self.return_button = button("&Return with comment")
        self.chart_button = button("Open the &chart")
        self.chart_button.setToolTip("Read the supervisee's chart of this client")
        self.chart_button.clicked.connect(self._open_chart)
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.return_note)
        actions = QHBoxLayout()
        actions.addWidget(self.chart_button)
        actions.addStretch(1)
        actions.addWidget(self.return_button)
        actions.addWidget(self.approve_button)

        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(18, 14, 18, 14)
        inner.setSpacing(8)
        inner.addWidget(self.title)
        inner.addWidget(self.meta)
        inner.addWidget(self.text, 1)
        inner.addWidget(comment_label)
        inner.addWidget(self.comment)
        inner.addWidget(self.message)
        inner.addLayout(actions)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.list)
        body.addWidget(card, 1)
        content = QWidget()
        content.setLayout(body)
        self.empty = EmptyState(
            "review",
            "No notes are waiting for your review",
            "When a provider you supervise in approve or co-sign mode finishes a progress "
            "note, it appears here.",
        )
        self.pages = QStackedLayout()
        self.pages.addWidget(content)
        self.pages.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(self.header)
        layout.addWidget(self.done)
        layout.addLayout(self.pages, 1)
        self.refresh()

    def count(self) -> int:
        return len(self.notes)

    def refresh(self) -> None:
        chosen = self.selected()
        try:
            self.notes = note_reviews.notes_to_review(self.ctx.uow(), self.principal)
        except Exception as error:
            self.notes = []
            self.message.show_error(error)
        self.list.clear()
        for note in self.notes:
            session = _day(note.submitted_at, self.zone)
            item = QListWidgetItem(f"{note.client_name}\n{note.author_name} · sent {session}")
            item.setData(Qt.ItemDataRole.UserRole, note.note_id)
            self.list.addItem(item)
        self.pages.setCurrentIndex(0 if self.notes else 1)
        ids = [n.note_id for n in self.notes]
        self.list.setCurrentRow(
            ids.index(chosen.note_id) if chosen and chosen.note_id in ids else 0
        )
        self.count_changed.emit(len(self.notes))

    def selected(self) -> NoteToReview | None:
        row = self.list.currentRow()
        return self.notes[row] if 0 <= row < len(self.notes) else None

    def select_note(self, note_id: int) -> bool:
        for row, note in enumerate(self.notes):
            if note.note_id == note_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _show(self, _row: int) -> None:
        note = self.selected()
        self.message.clear_text()
        self.comment.clear()
        for control in (self.approve_button, self.return_button, self.chart_button):
            control.setEnabled(note is not None)
        if note is None:
            return
        self.title.setText(note.title or "Untitled note")
        session = (
            f"Session {note.session_date:%d %b %Y}" if note.session_date else "No session date"
        )
        self.meta.setText(f"{note.client_name} · by {note.author_name} · {session}")
        self.text.setText(note.body or "(This note has no text.)")
        cosign = note.mode == "cosign"
        self.approve_button.setText("&Co-sign" if cosign else "&Approve and sign")
        self.approve_button.setToolTip(
            "Sign the note; your signature is kept beside the author's"
            if cosign
            else "Sign the note as approved"
        )

    def _open_chart(self) -> None:
        note = self.selected()
        if note is not None:
            self.client_requested.emit(note.client_id)

    def approve(self) -> None:
        note = self.selected()
        if note is None:
            return
        try:
            state = note_reviews.approve_note(
                self.ctx.uow(), self.principal, note.note_id, note.version
            )
        except Exception as error:
            self.message.show_error(error)
            return
        verb = "co-signed" if state.cosigner_name else "approved and signed"
        self.done.show_text(f"{note.author_name}'s note for {note.client_name} is {verb}.")
        self.refresh()

    def return_note(self) -> None:
        note = self.selected()
        if note is None:
            return
        text = self.comment.toPlainText()
        if not text.strip():
            self.message.show_text("Write a comment for the author first: it says what to change.")
            self.comment.setFocus()
            return
        try:
            note_reviews.return_note(
                self.ctx.uow(), self.principal, note.note_id, text, note.version
            )
        except Exception as error:
            self.message.show_error(error)
            return
        self.done.show_text(f"The note went back to {note.author_name} with your comment.")
        self.refresh()
