"""The review screen before a chart share starts (R5, B2, B3): what the colleague will gain,
"Include private psychotherapy notes" (off by default) and an optional end date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from ...services import sharing
from ...services.policy import ProviderFacts
from ...services.sharing import SharePreview, ShareView
from ..form_dialog import FormDialog
from ..messages import explain
from ..widgets import Field
from .purpose_field import purpose_field

INCLUDE_PRIVATE = "Include private psychotherapy notes"
PRIVATE_HINT = (
    "Off unless you tick it. Private notes are kept apart from the chart; "
    "share them only when the colleague needs them."
)
DEFAULT_SHARE_DAYS = 30


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class ShareReviewDialog(FormDialog):
    """Review and start a share of `author`'s chart of the client with one colleague.
    The summary is recomputed by the service (preview_share) whenever the private-notes choice
    changes; nothing is shared until "Share chart" is pressed."""

    asks_to_save = False  # it looks things up or confirms; nothing typed is lost

    def __init__(
        self,
        host,
        author: ProviderFacts,
        colleague_id: int,
        colleague_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Share {author.name}'s chart", "&Share chart", parent, width=520)
        self.ok_button.setAccessibleName("Confirm: share chart")
        self.host = host
        self.author = author
        self.colleague_id = colleague_id
        self.colleague_name = colleague_name
        #: the share as started, once the dialog is accepted.
        self.share: ShareView | None = None
        self.preview: SharePreview | None = None
        client = host.profile.full_name if host.profile else "this client"
        self.intro(
            f"{colleague_name} will be able to read {author.name}'s chart of {client}. "
            f"Sharing is one way: {author.name} gains nothing of {colleague_name}'s chart."
        )
        gains_title = QLabel(f"What {colleague_name} will gain")
        gains_title.setObjectName("fieldLabel")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("notice")
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("What the colleague will gain")
        self.list_label = QLabel()
        self.list_label.setObjectName("hint")
        self.list_label.setWordWrap(True)
        self.body.addWidget(gains_title)
        self.body.addWidget(self.summary_label)
        self.body.addWidget(self.list_label)

        self.private_check = QCheckBox("Include &private psychotherapy notes")
        self.private_check.setAccessibleName(INCLUDE_PRIVATE)
        self.private_check.setChecked(False)
        private_hint = QLabel(PRIVATE_HINT)
        private_hint.setObjectName("hint")
        private_hint.setWordWrap(True)
        self.body.addWidget(self.private_check)
        self.body.addWidget(private_hint)

        today = host.ctx.clock.now().astimezone(host.zone).date()
        self.until_check = QCheckBox("&End sharing automatically on")
        self.until_check.setAccessibleName("End sharing automatically")
        self.until_edit = QDateEdit()
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDisplayFormat("dd MMM yyyy")
        self.until_edit.setFixedWidth(170)
        self.until_edit.setMinimumDate(_qdate(today + timedelta(days=1)))
        self.until_edit.setDate(_qdate(today + timedelta(days=DEFAULT_SHARE_DAYS)))
        self.until_edit.setEnabled(False)
        self.until_edit.setAccessibleName("Date sharing ends")
        self.until_edit.findChild(QLineEdit).setAccessibleName("Date sharing ends")
        until_row = QWidget()
        row = QHBoxLayout(until_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.until_check)
        row.addWidget(self.until_edit)
        row.addStretch(1)
        self.until_field = Field(
            "Covering for a while?",
            until_row,
            hint="The share ends by itself at the start of that day, and the end is recorded.",
        )
        self.body.addWidget(self.until_field)
        self.purpose_edit, self.purpose_field = purpose_field("Why the chart is shared")
        self.body.addWidget(self.purpose_field)

        order = [self.private_check, self.until_check, self.until_edit, self.purpose_edit]
        order += [self.cancel_button, self.ok_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.private_check.toggled.connect(lambda _checked: self.refresh_preview())
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        self.refresh_preview()
        self.cancel_button.setFocus()

    # -- the preview ---------------------------------------------------------------------------

    def refresh_preview(self) -> SharePreview | None:
        """Ask the service again what the colleague would gain with the current choice."""
        self.message.clear_text()
        try:
            preview = sharing.preview_share(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                self.author.staff_id,
                self.colleague_id,
                include_private=self.private_check.isChecked(),
            )
        except Exception as error:
            self.preview = None
            self.summary_label.setText("")
            self.summary_label.hide()
            self.message.show_text(explain(error))
            self.set_ok(False, explain(error))
            return None
        self.preview = preview
        self.summary_label.setText(preview.summary)
        self.summary_label.show()
        if preview.already_shared:
            self.list_label.setText(
                f"This chart is already shared with {preview.to_provider_name}. "
                "End that share first to change what it includes."
            )
            self.set_ok(False, self.list_label.text())
        else:
            self.list_label.setText(
                f"{preview.client_name} will also be added to {preview.to_provider_name}'s "
                "client list."
                if preview.adds_to_list
                else f"{preview.client_name} is already on {preview.to_provider_name}'s list."
            )
            self.set_ok(True)
        return preview

    def until(self) -> datetime | None:
        """The chosen end: the start of that day where the practice is; None for no end."""
        if not self.until_check.isChecked():
            return None
        chosen = self.until_edit.date()
        return datetime.combine(
            date(chosen.year(), chosen.month(), chosen.day()), time(0, 0), self.host.zone
        )

    # -- sharing -------------------------------------------------------------------------------

    def submit(self) -> None:
        if not self.ok_button.isEnabled():
            return
        until = self.until()
        if until is not None and until <= self.host.ctx.clock.now():
            self.until_field.show_error("Choose an end date in the future.")
            return
        self.until_field.clear_error()
        share = self.attempt(
            lambda: sharing.start_chart_share(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                self.author.staff_id,
                self.colleague_id,
                include_private=self.private_check.isChecked(),
                until=until,
                purpose=self.purpose_edit.text(),
            )
        )
        if share is not None:
            self.share = share
            self.accept()
