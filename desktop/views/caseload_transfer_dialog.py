"""Transfer caseload (R9): every client of a departing provider to a colleague, in one action.
It shows the clients and asks first, offers to move the provider's future appointments, runs off
the GUI thread with progress, can be stopped, and resumed later where it stopped."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import caseload, staff
from ..services.caseload import CaseloadProgress
from ..services.policy import ProviderFacts, may_transfer_caseload
from ..services.principal import Principal
from ..services.staff import StaffMember
from .calendar.common import practice_zone
from .caseload_review import CaseloadReview, outcome_text, plural
from .caseload_worker import CaseloadWorker, progress_text
from .client_profile.colleague_chooser import ColleagueChooser
from .client_profile.look import PROFILE_STYLE
from .messages import InlineMessage, explain, refusal_text
from .widgets import ElidedLabel, Field, button, primary_button

log = logging.getLogger(__name__)

CHOOSE_BOTH = "Choose whose clients move and the colleague who takes them over."
STOPPING = "Stopping after the clients being moved now…"


def provider_facts_of(member: StaffMember) -> ProviderFacts:
    return ProviderFacts(
        member.id, member.display_name, member.active, member.records_owner or "group"
    )


class CaseloadTransferDialog(QDialog):
    """Choose a provider and a colleague, then Review: the count and names of the clients, and
    whether the provider's future appointments move; then Transfer: each client moves as a single
    transfer would (R8 each, one audit entry per client), in batches. Stop ends after the current
    batch; an unfinished transfer is offered for resuming whenever this dialog opens.
    `finished_transfer` carries the final progress of a run that reached the end."""

    finished_transfer = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        from_provider_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.worker: CaseloadWorker | None = None
        self.cancel = threading.Event()
        self.progress: CaseloadProgress | None = None
        self.preview: caseload.CaseloadPreview | None = None
        #: clients per transaction (and per step of the progress bar).
        self.batch_size = caseload.BATCH_SIZE
        self.zone = practice_zone(ctx)
        self.unfinished: list[CaseloadProgress] = []
        self.setWindowTitle("Transfer caseload")
        self.setModal(True)
        self.setStyleSheet(PROFILE_STYLE)

        self.heading = ElidedLabel("Transfer caseload")
        self.heading.setObjectName("dialogTitle")
        self.heading.setAccessibleName("Dialog title")
        self.heading.setMinimumWidth(500)
        intro = QLabel(
            "When a provider leaves, move every client on their list to a colleague at once. "
            "Each client is transferred as a single transfer would be: added to the colleague's "
            "list, the chart shared with them, and taken off the departing provider's list."
        )
        intro.setObjectName("dialogIntro")
        intro.setWordWrap(True)

        self.resume_note = InlineMessage("Unfinished caseload transfers", kind="notice")
        self.resume_combo = QComboBox()
        self.resume_combo.setAccessibleName("Unfinished transfer to resume")
        self.resume_combo.view().setAccessibleName("Unfinished transfers")
        self.resume_button = button("&Resume")
        self.resume_row = QWidget()
        resume = QHBoxLayout(self.resume_row)
        resume.setContentsMargins(0, 0, 0, 0)
        resume.addWidget(self.resume_combo, 1)
        resume.addWidget(self.resume_button)

        self.providers = staff.list_staff(ctx.uow(), principal, providers_only=True)
        self.from_combo = QComboBox()
        self.from_combo.setAccessibleName("Whose clients move")
        self.from_combo.view().setAccessibleName("Providers")
        for member in self.providers:
            suffix = "" if member.active else " (deactivated)"
            self.from_combo.addItem(member.display_name + suffix, member.id)
        if from_provider_id is not None:
            self.from_combo.setCurrentIndex(max(0, self.from_combo.findData(from_provider_id)))
        self.colleague = ColleagueChooser([], "Colleague who takes them over")
        self.private_check = QCheckBox("Include &private psychotherapy notes")
        self.private_check.setAccessibleName("Include private psychotherapy notes")
        self.fields = {
            "from": Field("&From provider", self.from_combo),
            "to": Field(
                "&To colleague",
                self.colleague,
                hint="An active provider of this practice; they take over every client.",
            ),
        }

        self.bar = QProgressBar()
        self.bar.setAccessibleName("Transfer progress")
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m")
        self.bar.hide()  # shown once a transfer runs
        self.status = QLabel("")
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Transfer status")
        self.message = InlineMessage("Caseload transfer: problem", kind="alert")

        self.review = CaseloadReview()
        self.review.hide()  # shown once the person asks to review the transfer
        self.review_button = primary_button("&Review transfer…")
        self.review_button.setDefault(True)
        self.back_button = button("&Back")
        self.back_button.setAutoDefault(False)
        self.back_button.hide()
        self.start_button = primary_button("&Transfer")
        self.start_button.setAccessibleName("Transfer the clients")
        self.start_button.hide()
        self.stop_button = button("St&op")
        self.stop_button.setAutoDefault(False)
        self.close_button = button("&Close")
        self.close_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.start_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 22, 26, 18)
        layout.setSpacing(12)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.resume_note)
        layout.addWidget(self.resume_row)
        layout.addWidget(self.fields["from"])
        layout.addWidget(self.fields["to"])
        layout.addWidget(self.private_check)
        layout.addWidget(self.review)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.from_combo.currentIndexChanged.connect(lambda _i: self._from_changed())
        self.colleague.chosen_changed.connect(self._update)
        self.review_button.clicked.connect(self.show_review)
        self.back_button.clicked.connect(self.back)
        self.start_button.clicked.connect(self.start)
        self.resume_button.clicked.connect(self.resume_selected)
        self.stop_button.clicked.connect(self.stop)
        self.close_button.clicked.connect(self.reject)
        self._from_changed()
        self.refresh_unfinished()

    # -- choosing ------------------------------------------------------------------------------

    def from_member(self) -> StaffMember | None:
        staff_id = self.from_combo.currentData()
        return next((m for m in self.providers if m.id == staff_id), None)

    def _from_changed(self) -> None:
        source = self.from_member()
        others = [m for m in self.providers if m.active and (source is None or m.id != source.id)]
        self.colleague.set_members(others)
        self.preview = None
        self._update()

    def refresh_unfinished(self) -> None:
        try:
            self.unfinished = caseload.unfinished_caseload_transfers(self.ctx.uow(), self.principal)
        except Exception as error:
            self.unfinished = []
            self.message.show_text(explain(error))
        self.resume_combo.clear()
        for progress in self.unfinished:
            self.resume_combo.addItem(progress_text(progress), progress.transfer_id)
        if self.unfinished:
            count = len(self.unfinished)
            self.resume_note.show_text(
                f"{count} caseload transfer{' was' if count == 1 else 's were'} stopped before "
                "the end. Resume it to move the remaining clients."
            )
        else:
            self.resume_note.clear_text()
        self.resume_row.setVisible(bool(self.unfinished))
        self._update()

    @property
    def running(self) -> bool:
        return self.worker is not None

    def _update(self) -> None:
        running = self.running
        source, colleague = self.from_member(), self.colleague.chosen()
        reason = None
        if source is None or colleague is None:
            reason = CHOOSE_BOTH
        else:
            decision = may_transfer_caseload(self.principal, provider_facts_of(source))
            if not decision:
                reason = refusal_text(decision)
        reviewing = self.preview is not None
        self.review_button.setVisible(not reviewing)
        self.review_button.setEnabled(not running and reason is None)
        self.review_button.setToolTip("" if running or reason is None else reason)
        self.start_button.setVisible(reviewing)
        self.start_button.setEnabled(not running and reviewing and reason is None)
        self.start_button.setToolTip("" if running or reason is None else reason)
        self.back_button.setVisible(reviewing)
        self.back_button.setEnabled(not running)
        for field in (self.fields["from"], self.fields["to"], self.private_check):
            field.setVisible(not reviewing)
        self.review.setVisible(reviewing)
        self.resume_button.setEnabled(not running and bool(self.unfinished))
        self.stop_button.setEnabled(running and not self.cancel.is_set())
        self.stop_button.setToolTip("" if running else "Nothing is being transferred now.")
        for control in (self.from_combo, self.colleague, self.private_check, self.resume_combo):
            control.setEnabled(not running)
        self.review.setEnabled(not running)

    # -- reviewing -----------------------------------------------------------------------------

    def show_review(self) -> None:
        """Read what the transfer would do and show it; nothing is changed yet."""
        source, colleague = self.from_member(), self.colleague.chosen()
        if self.running or source is None or colleague is None:
            return
        self.message.clear_text()
        try:
            preview = caseload.preview_caseload_transfer(
                self.ctx.uow(), self.principal, source.id, colleague.id
            )
        except Exception as error:
            self.message.show_text(explain(error))
            return
        if preview.total == 0:
            self.message.show_text(
                f"{preview.from_provider_name} has no clients on their list to transfer."
            )
            return
        self.preview = preview
        self.review.show_preview(preview, self.zone)
        self.start_button.setText(f"&Transfer {plural(preview.total, 'client')}")
        self.status.setText("Nothing has changed yet.")
        self._update()
        self.start_button.setFocus()

    def back(self) -> None:
        """Back to choosing, without changing anything."""
        if self.running:
            return
        self.preview = None
        self.status.setText("")
        self._update()

    # -- running -------------------------------------------------------------------------------

    def start(self) -> None:
        """Plan the transfer reviewed (or pick up an unfinished one to the same colleague) and
        run it."""
        source, colleague = self.from_member(), self.colleague.chosen()
        if self.running or source is None or colleague is None or self.preview is None:
            return
        self.message.clear_text()
        try:
            progress = caseload.start_caseload_transfer(
                self.ctx.uow(),
                self.principal,
                source.id,
                colleague.id,
                include_private=self.private_check.isChecked(),
                move_appointments=self.review.move_appointments(),
            )
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self._run(progress)

    def resume_selected(self) -> None:
        if self.running or not self.unfinished:
            return
        transfer_id = self.resume_combo.currentData()
        progress = next((p for p in self.unfinished if p.transfer_id == transfer_id), None)
        if progress is not None:
            self.message.clear_text()
            self._run(progress)

    def _run(self, progress: CaseloadProgress) -> None:
        self.cancel.clear()
        self._show_progress(progress)
        worker = CaseloadWorker(
            self.ctx, self.principal, progress.transfer_id, self.cancel, self.batch_size
        )
        worker.signals.progressed.connect(self._show_progress)
        worker.signals.done.connect(self._done)
        worker.signals.failed.connect(self._failed)
        self.worker = worker
        self.status.setText(progress_text(progress) + "…")
        self._update()
        self.pool.start(worker)

    def stop(self) -> None:
        """Stop after the client being moved now; what was moved stays moved."""
        if not self.running:
            return
        self.cancel.set()
        self.status.setText(STOPPING)
        self._update()

    def _show_progress(self, progress: CaseloadProgress) -> None:
        self.progress = progress
        self.bar.show()
        self.bar.setRange(0, max(progress.total, 1))
        self.bar.setValue(progress.done)
        if self.running and not self.cancel.is_set():
            self.status.setText(progress_text(progress) + "…")

    def _done(self, progress: CaseloadProgress) -> None:
        self.worker = None
        self.preview = None
        self._show_progress(progress)
        if progress.finished:
            self.status.setText(
                f"Done: all {progress.total} clients of {progress.from_provider_name} are now "
                f"with {progress.to_provider_name}. {outcome_text(progress)}"
            )
            self.finished_transfer.emit(progress)
        else:
            self.status.setText(
                f"Stopped: {progress_text(progress)}. The rest can be resumed any time from "
                "Transfer caseload…"
            )
        self.refresh_unfinished()

    def _failed(self, text: str) -> None:
        self.worker = None
        self.preview = None
        self.message.show_text(text)
        self.status.setText("Stopped. Clients already moved stay moved; you can resume later.")
        self.refresh_unfinished()

    # -- closing -------------------------------------------------------------------------------

    def wait_until_idle(self, msecs: int = 30_000) -> bool:
        """Block until the background work has returned (it stops after the current client)."""
        return self.pool.waitForDone(msecs)

    def reject(self) -> None:
        if self.running:
            self.stop()
            self.wait_until_idle()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self.stop()
            self.wait_until_idle()
        super().closeEvent(event)
