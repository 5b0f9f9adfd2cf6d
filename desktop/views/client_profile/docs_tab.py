"""The Docs & Forms tab: the client's documents the user may see, adding a file, opening one.

Docs & Forms (intake, insurance card, consent) follow the profile (R2); a clinical document goes
into the uploader's own chart (R3). An opened document is written to an owner-only folder and
handed to the system's viewer; the folder is removed when the profile window closes (and, after
a crash, at the next start).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...models import documents_model
from ...models.documents_model import DocumentsTableModel, size_text
from ...services import documents, staff
from ...services.documents import DocumentInfo
from ...services.errors import ServiceError
from ...viewing import new_viewing_folder, write_for_viewing
from ..form_dialog import FormDialog
from ..messages import InlineMessage, explain, refusal_text
from ..widgets import ElidedLabel, EmptyState, ScreenHeader, button, primary_button
from .facts import may_edit_profile, may_write_own_chart
from .tables import read_only_table, stretch_columns

CHOOSE_FIRST = "Choose a document first."


class AddDocumentDialog(FormDialog):
    """Asks where a chosen file belongs (Docs & Forms, or the user's own chart) and adds it.
    The clinical choice is disabled, with the policy's reason, where the user may not use it."""

    def __init__(self, host, path: Path, parent: QWidget | None = None) -> None:
        super().__init__("Add a document", "&Add document", parent)
        self.host = host
        self.path = Path(path)
        #: the document as saved, once the dialog is accepted.
        self.document: DocumentInfo | None = None
        try:
            size = size_text(self.path.stat().st_size)
        except OSError:
            size = "size unknown"
        self.file_label = ElidedLabel(f"{self.path.name} · {size}")
        self.file_label.setAccessibleName("Chosen file")
        self.body.addWidget(self.file_label)
        self.intro("Where does this file belong?")
        self.non_clinical = QRadioButton(
            "&Docs && Forms: intake paperwork, insurance, consent forms"
        )
        self.non_clinical.setAccessibleName("Docs and Forms (non-clinical)")
        self.clinical = QRadioButton("&Clinical document in my chart")
        self.clinical.setAccessibleName("Clinical document in my chart")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.non_clinical)
        self.choice.addButton(self.clinical)
        self.body.addWidget(self.non_clinical)
        self.body.addWidget(self.clinical)
        profile = host.profile
        edit = may_edit_profile(host.principal, profile)
        write = may_write_own_chart(host.principal, profile)
        self.non_clinical.setEnabled(bool(edit))
        self.non_clinical.setToolTip("" if edit else refusal_text(edit))
        if write is None:
            self.clinical.hide()  # not a provider: they have no chart of their own
        else:
            self.clinical.setEnabled(bool(write))
            self.clinical.setToolTip(
                "Only you and those who may read your chart will see it."
                if write
                else refusal_text(write)
            )
        if self.non_clinical.isEnabled():
            self.non_clinical.setChecked(True)
        elif self.clinical.isEnabled():
            self.clinical.setChecked(True)
        self.choice.buttonToggled.connect(lambda *_: self._update())
        self._update()

    def _update(self) -> None:
        if self.choice.checkedButton() is None:
            self.set_ok(False, "Choose where the file belongs.")
        else:
            self.set_ok(True)

    def category(self) -> str:
        return "clinical" if self.clinical.isChecked() else "non_clinical"

    def submit(self) -> None:
        if self.choice.checkedButton() is None:
            return
        try:
            content = self.path.read_bytes()
        except OSError as error:
            self.message.show_text(
                f"Clinic Desk could not read {self.path.name} ({error.strerror or error}). "
                "Check that the file is still there and that you may open it."
            )
            return
        document = self.attempt(
            lambda: documents.add_document(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                category=self.category(),
                file_name=self.path.name,
                media_type=None,
                content=content,
            )
        )
        if document is not None:
            self.document = document
            self.accept()


class DocsTab(QWidget):
    """The documents table with Add file… and Open; an empty list says so."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.stale = True
        self.current_dialog: AddDocumentDialog | None = None
        self._opened_dir: Path | None = None
        self.setObjectName("tabPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Docs and Forms")
        self.header = ScreenHeader(
            "Docs & Forms",
            "Intake paperwork, insurance cards and consent forms, and the clinical documents "
            "of the charts you may read.",
        )
        self.add_button = primary_button("Add &file…")
        self.open_button = button("&Open")
        actions = QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addWidget(self.open_button)
        actions.addStretch(1)
        self.message = InlineMessage("Problem with documents", kind="alert")
        self.notice = InlineMessage("Result of adding a document", kind="notice")
        self.model = DocumentsTableModel(host.zone, self)
        self.table = read_only_table("Documents")
        self.table.setModel(self.model)
        stretch_columns(
            self.table,
            {
                documents_model.NAME: None,
                documents_model.PLACE: None,
                documents_model.ADDED: None,
                documents_model.SIZE: 100,
            },
        )
        self.empty = EmptyState(
            "clients",
            "No documents yet",
            "Add intake paperwork, an insurance card or a signed consent form with Add file…",
        )
        self.problem = EmptyState("lock", "Documents cannot be shown", "")
        self.stack = QStackedWidget()
        for page in (self.table, self.empty, self.problem):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.notice)
        layout.addWidget(self.stack, 1)
        self.setTabOrder(self.add_button, self.open_button)
        self.setTabOrder(self.open_button, self.table)
        self.add_button.clicked.connect(self.choose_file)
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())

    # -- the list ------------------------------------------------------------------------------

    def load(self, select_id: int | None = None) -> None:
        self.stale = False
        ctx, principal = self.host.ctx, self.host.principal
        try:
            docs = documents.list_documents(ctx.uow(), principal, self.host.client_id)
            names = {m.id: m.display_name for m in staff.list_staff(ctx.uow(), principal)}
        except Exception as error:
            self.problem.text.setText(explain(error))
            self.stack.setCurrentWidget(self.problem)
            self._update()
            return
        self.model.set_documents(docs, names)
        self.stack.setCurrentWidget(self.table if docs else self.empty)
        row = self.model.row_of(select_id) if select_id is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        self._update()

    def selected_document(self) -> DocumentInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.document(rows[0].row()) if rows else None

    def _update(self) -> None:
        profile = self.host.profile
        edit = may_edit_profile(self.host.principal, profile) if profile else None
        write = may_write_own_chart(self.host.principal, profile) if profile else None
        can_add = bool(edit) or bool(write)
        self.add_button.setEnabled(can_add)
        self.add_button.setToolTip("" if can_add or edit is None else refusal_text(edit))
        chosen = self.selected_document() is not None
        self.open_button.setEnabled(chosen)
        self.open_button.setToolTip("" if chosen else CHOOSE_FIRST)

    # -- adding --------------------------------------------------------------------------------

    def choose_file(self) -> None:
        if not self.add_button.isEnabled():
            return
        path, _filter = QFileDialog.getOpenFileName(
            self, "Add a document", str(Path.home()), "All files (*)"
        )
        if path:
            self.open_add_dialog(Path(path))

    def open_add_dialog(self, path: Path) -> AddDocumentDialog:
        self.message.clear_text()
        self.notice.clear_text()
        dialog = AddDocumentDialog(self.host, path, self)
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: self._added(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        return dialog

    def _added(self, dialog: AddDocumentDialog) -> None:
        document = dialog.document
        if document is None:
            return
        self.load(select_id=document.id)
        where = "your chart" if document.category == "clinical" else "Docs & Forms"
        self.notice.show_text(f"{document.file_name} was added to {where}.")

    def _closed(self, dialog: AddDocumentDialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None
        dialog.deleteLater()

    # -- opening -------------------------------------------------------------------------------

    def open_selected(self) -> Path | None:
        """Open the chosen document with the system's viewer; returns the file written."""
        document = self.selected_document()
        if document is None:
            return None
        self.message.clear_text()
        try:
            opened = documents.open_document(self.host.ctx.uow(), self.host.principal, document.id)
        except ServiceError as error:
            self.message.show_text(explain(error))
            return None
        except Exception as error:
            self.message.show_text(explain(error))
            return None
        try:
            if self._opened_dir is None:
                self._opened_dir = new_viewing_folder(self.host.ctx.config.data_dir)
            path = write_for_viewing(
                self._opened_dir, document.id, opened.info.file_name, opened.content
            )
        except OSError as error:
            self.message.show_text(
                f"Clinic Desk could not prepare {document.file_name} for viewing "
                f"({error.strerror or error}). Nothing was changed."
            )
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message.show_text(
                f"No program on this computer opens {document.file_name}. "
                "Ask whoever looks after your computers to install a viewer for this kind of file."
            )
        return path

    def forget_opened_files(self) -> None:
        """Remove the temporary copies of opened documents (the window is closing)."""
        if self._opened_dir is not None:
            shutil.rmtree(self._opened_dir, ignore_errors=True)
            self._opened_dir = None
