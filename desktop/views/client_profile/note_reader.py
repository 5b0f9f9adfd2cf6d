"""The chosen chart note in full, under the notes tree: private notes and drafts marked."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...services import note_reviews
from ...services.charts import ChartView, ClientRecords, NoteView
from ...services.note_reviews import ReviewState
from ...services.note_templates import note_sections
from ..widgets import ElidedLabel
from .look import PRIVATE_LABEL, PROGRESS_LABEL, day


class NoteReader(QFrame):
    """The chosen note in full: title, kind (private notes marked), status, text, addenda."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setAccessibleName("Chosen note")
        self.title = ElidedLabel("")
        self.title.setObjectName("groupTitle")
        self.title.setAccessibleName("Note title")
        self.private_badge = QLabel(PRIVATE_LABEL)
        self.private_badge.setObjectName("privateBadge")
        self.progress_badge = QLabel(PROGRESS_LABEL)
        self.progress_badge.setObjectName("kindBadge")
        self.draft_badge = QLabel("Draft")
        self.draft_badge.setObjectName("draftBadge")
        self.signed_badge = QLabel("Signed")
        self.signed_badge.setObjectName("signedBadge")
        #: R16: "Awaiting review by …", "Returned by …", "Co-signed by …".
        self.review_badge = QLabel("")
        self.review_badge.setObjectName("signedBadge")
        self.review_badge.setAccessibleName("Supervisor's review")
        self.review_comment = QLabel("")
        self.review_comment.setObjectName("alert")
        self.review_comment.setWordWrap(True)
        self.review_comment.setTextFormat(Qt.TextFormat.PlainText)
        self.review_comment.setAccessibleName("Supervisor's comment")
        for badge, name in (
            (self.private_badge, "Kind of note"),
            (self.progress_badge, "Kind of note"),
            (self.draft_badge, "Note status"),
            (self.signed_badge, "Note status"),
        ):
            badge.setAccessibleName(name)
        self.meta = ElidedLabel("")
        self.meta.setObjectName("hint")
        self.meta.setAccessibleName("Session and chart")
        badges = QHBoxLayout()
        badges.setSpacing(8)
        for badge in (
            self.private_badge,
            self.progress_badge,
            self.draft_badge,
            self.signed_badge,
            self.review_badge,
        ):
            badges.addWidget(badge)
        badges.addWidget(self.meta, 1)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)  # section headings; text escaped
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Note text")
        self.addenda = QLabel()
        self.addenda.setWordWrap(True)
        self.addenda.setTextFormat(Qt.TextFormat.PlainText)
        self.addenda.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addenda.setAccessibleName("Addenda")
        self.placeholder = QLabel("Choose a note above to read it here.")
        self.placeholder.setObjectName("emptyText")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.title)
        layout.addLayout(badges)
        layout.addWidget(self.review_comment)
        layout.addWidget(self.text)
        layout.addWidget(self.addenda)
        self.show_note(None, None)

    def show_note(
        self,
        note: NoteView | None,
        chart: ChartView | None,
        zone=None,
        *,
        review: ReviewState | None = None,
    ) -> None:
        shown = note is not None
        self.review_badge.setVisible(shown and review is not None)
        self.review_badge.setText(review.label if review else "")
        returned = review is not None and review.state == "returned" and bool(review.comment)
        self.review_comment.setVisible(shown and returned)
        self.review_comment.setText(f"Comment: {review.comment}" if returned else "")
        self.placeholder.setVisible(not shown)
        for widget in (self.title, self.meta, self.text):
            widget.setVisible(shown)
        private = shown and note.kind == "private"
        signed = shown and note.status == "signed"
        self.private_badge.setVisible(private)
        self.progress_badge.setVisible(shown and not private)
        self.signed_badge.setVisible(signed)
        self.draft_badge.setVisible(shown and not signed)
        self.addenda.setVisible(shown and bool(note.addenda))
        if note is None:
            return
        self.title.setText(note.title or "Untitled note")
        if signed:
            self.signed_badge.setText(f"Signed {day(note.signed_at, zone)}")
        session = f"Session {day(note.session_date)}" if note.session_date else "No session date"
        whose = f"{chart.provider_name}'s chart" if chart else ""
        self.meta.setText(" · ".join(part for part in (session, whose) if part))
        self.text.setText(sections_html(note.body) or "(This note has no text yet.)")
        self.addenda.setText(
            "\n\n".join(
                f"Addendum, signed {day(a.signed_at, zone)}:\n{a.body}" for a in note.addenda
            )
        )


def review_states_of(ctx, principal, records: ClientRecords) -> dict[int, ReviewState]:
    """R16: the review of each note shown (awaiting, returned with a comment, co-signed)."""
    ids = [n.id for chart in records.charts for n in chart.notes]
    if not ids:
        return {}
    try:
        return note_reviews.review_states(ctx.uow(), principal, ids)
    except Exception:  # the notes still show; only the review line is missing
        return {}


def sections_html(body: str) -> str:
    """A note's text for reading: each template section under its heading in bold; every
    character of the text itself escaped, line breaks kept."""
    blocks = []
    for heading, text in note_sections(body or ""):
        lines = [f"<b>{html.escape(heading)}</b>"] if heading is not None else []
        if text:
            lines.append(html.escape(text).replace("\n", "<br>"))
        blocks.append("<br>".join(lines))
    return "<br><br>".join(blocks)
