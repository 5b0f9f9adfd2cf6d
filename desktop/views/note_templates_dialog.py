"""Note templates, kept by the Owner and Managers: the practice's templates on the left, the
chosen one's name and section headings (one per line) on the right; a retired template is no
longer offered for new notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import note_templates
from ..services.note_templates import TemplateView
from ..services.principal import Principal
from .form_dialog import FormDialog
from .messages import explain
from .widgets import Field, button

SECTIONS_HINT = "One heading a line, in the order the note is written."


class NoteTemplatesDialog(FormDialog):
    """Choose a template to change it, or "New template"; "Save" stores the one shown."""

    asks_to_save = False

    def __init__(self, ctx: AppContext, principal: Principal, parent: QWidget | None = None):
        super().__init__("Note templates", "&Save template", parent, width=720, resizable=True)
        self.ctx, self.principal = ctx, principal
        self.cancel_button.setText("&Close")
        self.intro(
            "Providers choose a template when they start a note; each section becomes a heading "
            "of the note. Notes already written keep their text."
        )
        self.list = QListWidget()
        self.list.setAccessibleName("Templates")
        self.list.setMaximumWidth(240)
        self.new_button = button("&New template")
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.sections = QPlainTextEdit()
        self.sections.setTabChangesFocus(True)
        self.sections.setPlaceholderText(SECTIONS_HINT)
        self.sections.setToolTip(SECTIONS_HINT)
        self.in_use = QCheckBox("&Offered for new notes")
        self.in_use.setChecked(True)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        right = QVBoxLayout()
        right.addWidget(Field("Na&me", self.name))
        right.addWidget(Field("Se&ctions", self.sections), 1)
        right.addWidget(self.in_use)
        row = QHBoxLayout()
        row.addLayout(left)
        row.addLayout(right, 1)
        self.body.addLayout(row, 1)
        self.shown: TemplateView | None = None
        self.list.currentRowChanged.connect(self._show_row)
        self.new_button.clicked.connect(self.start_new)
        self.load()

    def load(self, chosen_id: int | None = None) -> None:
        try:
            templates = note_templates.list_templates(
                self.ctx.uow(), self.principal, include_retired=True
            )
        except Exception as error:
            self.message.show_text(explain(error))
            return
        self.list.blockSignals(True)
        self.list.clear()
        for template in templates:
            label = template.name if template.active else f"{template.name} (retired)"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, template)
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [t.id for t in templates]
        self.list.setCurrentRow(ids.index(chosen_id) if chosen_id in ids else 0)
        self._show_row(self.list.currentRow())

    def _show_row(self, row: int) -> None:
        item = self.list.item(row)
        template = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.shown = template
        self.name.setText(template.name if template else "")
        self.sections.setPlainText("\n".join(template.sections) if template else "")
        self.in_use.setChecked(template.active if template else True)

    def start_new(self) -> None:
        self.list.clearSelection()
        self.shown = None
        self.name.clear()
        self.sections.clear()
        self.in_use.setChecked(True)
        self.name.setFocus()

    def submit(self) -> None:
        shown = self.shown
        saved = self.attempt(
            lambda: note_templates.save_template(
                self.ctx.uow(),
                self.principal,
                shown.id if shown else None,
                self.name.text(),
                self.sections.toPlainText().split("\n"),
                self.in_use.isChecked(),
                shown.version if shown else None,
            )
        )
        if saved is not None:
            self.message.clear_text()
            self.load(saved.id)
