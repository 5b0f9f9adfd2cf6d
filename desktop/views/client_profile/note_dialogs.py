"""Writing in one's own chart (R3): a new note or a draft, and an addendum to a signed note."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from ...services import charts
from ...services.charts import NoteView
from ...services.errors import InvalidInput
from ..form_dialog import FormDialog
from ..input_limits import limit_plain_text
from ..messages import explain
from ..widgets import Field, button
from .look import PRIVATE_LABEL, PROGRESS_LABEL, day
from .template_picker import TemplatePicker

PRIVATE_HINT = (
    "Kept apart from the chart notes. Only you can read it, and a colleague only when you "
    "include private notes in a chart share with them."
)


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class NoteEditorDialog(FormDialog):
    """A new note in the principal's own chart, or a draft of theirs to change. "Save draft"
    keeps it private to its author; "Save and sign" signs it, after which it never changes."""

    def __init__(self, host, note: NoteView | None = None, parent: QWidget | None = None) -> None:
        title = "Edit draft note" if note else "New chart note"
        super().__init__(title, "Save and &sign", parent, width=560)
        self.host = host
        self.note = note
        #: the note as saved (and signed, when chosen), once the dialog is accepted.
        self.saved: NoteView | None = None
        self.signed = False
        today = host.ctx.clock.now().astimezone(host.zone).date()

        self.progress_radio = QRadioButton(f"&{PROGRESS_LABEL}")
        self.private_radio = QRadioButton("P&rivate psychotherapy note")
        self.progress_radio.setAccessibleName(PROGRESS_LABEL)
        self.private_radio.setAccessibleName(PRIVATE_LABEL)
        self.private_radio.setToolTip(PRIVATE_HINT)
        self.kinds = QButtonGroup(self)
        self.kinds.addButton(self.progress_radio)
        self.kinds.addButton(self.private_radio)
        private = note is not None and note.kind == "private"
        (self.private_radio if private else self.progress_radio).setChecked(True)
        if note is not None:  # a note's kind is fixed when it is started
            self.progress_radio.setEnabled(False)
            self.private_radio.setEnabled(False)
        self.private_hint = QLabel(PRIVATE_HINT)
        self.private_hint.setObjectName("hint")
        self.private_hint.setWordWrap(True)
        kind_label = QLabel("Kind of note")
        kind_label.setObjectName("fieldLabel")
        self.body.addWidget(kind_label)
        self.body.addWidget(self.progress_radio)
        self.body.addWidget(self.private_radio)
        self.body.addWidget(self.private_hint)

        self.session_date = QDateEdit()
        self.session_date.setCalendarPopup(True)
        self.session_date.setDisplayFormat("dd MMM yyyy")
        self.session_date.setFixedWidth(170)
        self.session_date.setAccessibleName("Session date")
        self.session_date.findChild(QLineEdit).setAccessibleName("Session date")
        self.session_date.setMaximumDate(_qdate(today + timedelta(days=1)))
        self.session_date.setDate(
            _qdate(note.session_date if note and note.session_date else today)
        )
        self.title_edit = QLineEdit(note.title if note else "")
        self.title_edit.setMaxLength(charts.MAX_TITLE)
        self.title_edit.setPlaceholderText("e.g. Session 6: exposure hierarchy")
        self.body_edit = QPlainTextEdit(note.body if note else "")
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(220)
        self.template = TemplatePicker(
            host.ctx, host.principal, self.body_edit, self.message.show_text
        )
        self.fields = {
            "session_date": Field("Session &date", self.session_date),
            "title": Field("&Title", self.title_edit),
            "template": Field("Te&mplate", self.template),
            "body": Field("&Note", self.body_edit),
        }
        for field in self.fields.values():
            self.body.addWidget(field)
        self.draft_button = button("Save dra&ft")
        self.draft_button.setAutoDefault(False)
        self.buttons.insertWidget(2, self.draft_button)
        self.draft_button.clicked.connect(lambda: self.save(sign=False))
        order = [
            self.progress_radio,
            self.private_radio,
            self.session_date,
            self.title_edit,
            self.template,
            self.body_edit,
            self.cancel_button,
            self.draft_button,
            self.ok_button,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.title_edit.setFocus()

    def kind(self) -> str:
        return "private" if self.private_radio.isChecked() else "progress"

    def submit(self) -> None:
        self.save(sign=True)

    def save(self, *, sign: bool) -> None:
        for field in self.fields.values():
            field.clear_error()
        self.message.clear_text()
        ctx, principal = self.host.ctx, self.host.principal
        when = _date(self.session_date.date())
        try:
            if self.note is None:
                saved = charts.create_note(
                    ctx.uow(),
                    principal,
                    self.host.client_id,
                    kind=self.kind(),
                    title=self.title_edit.text(),
                    body=self.body_edit.toPlainText(),
                    session_date=when,
                )
            else:
                saved = charts.update_draft(
                    ctx.uow(),
                    principal,
                    self.note.id,
                    self.title_edit.text(),
                    self.body_edit.toPlainText(),
                    when,
                    expected_version=self.note.version,
                )
            # From here on the draft exists: a failed signing leaves it saved as a draft.
            self.note, self.saved = saved, saved
            if sign:
                self.saved = charts.sign_note(
                    ctx.uow(), principal, saved.id, expected_version=saved.version
                )
                self.signed = True
        except InvalidInput as error:
            field = self.fields.get(error.field or "")
            if field is not None:
                field.show_error(error.message)
            self.message.show_text(
                error.message
                if self.saved is None
                else f"The draft was saved but not signed: {error.message}"
            )
            return
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.accept()


class AddendumDialog(FormDialog):
    """A correction to a signed note, added as a signed addendum (the note never changes)."""

    def __init__(self, host, note: NoteView, parent: QWidget | None = None) -> None:
        super().__init__("Add an addendum", "&Add addendum", parent, width=520)
        self.host = host
        self.note = note
        self.saved: NoteView | None = None
        when = day(note.session_date) if note.session_date else "no session date"
        kind = PRIVATE_LABEL if note.kind == "private" else PROGRESS_LABEL
        self.intro(
            f"To “{note.title or 'Untitled note'}” ({kind.lower()}, {when}). The note itself "
            "never changes; the addendum is signed and shown under it."
        )
        self.body_edit = QPlainTextEdit()
        limit_plain_text(self.body_edit, charts.MAX_BODY)
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(160)
        self.field = Field("Addendum &text", self.body_edit)
        self.body.addWidget(self.field)
        self.body_edit.setFocus()

    def submit(self) -> None:
        self.field.clear_error()
        saved = self.attempt(
            lambda: charts.add_addendum(
                self.host.ctx.uow(), self.host.principal, self.note.id, self.body_edit.toPlainText()
            )
        )
        if saved is not None:
            self.saved = saved
            self.accept()
