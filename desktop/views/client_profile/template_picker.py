"""The note editor's template choice: free text, or the practice's templates. Choosing one
starts the note's text with the template's section headings, while the note has no text of
its own yet (text already written is never replaced)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from ...app import AppContext
from ...services import note_templates
from ...services.principal import Principal

FREE_TEXT = "Free text"
KEEPS_TEXT = "The note already has text: clear it first to start it in another template."


class TemplatePicker(QComboBox):
    """Free text and each active template; `problem(text)` is said when a choice is refused."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        editor: QPlainTextEdit,
        problem,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor, self.problem = editor, problem
        self.setAccessibleName("Template")
        self.view().setAccessibleName("Template: choices")
        self.addItem(FREE_TEXT, None)
        try:
            templates = note_templates.list_templates(ctx.uow(), principal)
        except Exception:  # the note is written in free text then
            templates = []
        for template in templates:
            self.addItem(template.name, template.sections)
        self._shown = 0
        self.activated.connect(self.choose)

    def _only_headings(self) -> bool:
        sections = note_templates.note_sections(self.editor.toPlainText())
        return all(not text for _heading, text in sections)

    def choose(self, index: int) -> None:
        if index == self._shown:
            return
        if not self._only_headings():
            self.problem(KEEPS_TEXT)
            self.setCurrentIndex(self._shown)
            return
        sections = self.itemData(index)
        self.editor.setPlainText(note_templates.skeleton(sections) if sections else "")
        self._shown = index
        self.editor.setFocus()
