"""Choosing a provider's ICD-10-CM codes for a client: search by code or words, add with Enter
or a double-click, order them (the first is the primary), remove; the code set's release is
named, and a diagnosis written as free text before is shown to be coded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import diagnoses, icd10
from ...services.clients import ProviderSetting
from ..form_dialog import FormDialog
from ..widgets import Field, button

PRIMARY = " (primary)"


def codes_text(codes: tuple[str, ...]) -> str:
    """ "F41.1 Generalized anxiety disorder (primary); F43.22 ..." for the profile."""
    if not codes:
        return "No codes yet."
    shown = [f"{d.code} {d.description}" for d in diagnoses.coded(codes)]
    shown[0] += PRIMARY
    return "; ".join(shown)


class DiagnosisPickerDialog(FormDialog):
    """Accepted once the codes are saved; `saved` holds them (primary first)."""

    def __init__(self, host, setting: ProviderSetting, parent: QWidget | None = None) -> None:
        super().__init__("Diagnosis codes", "&Save codes", parent, width=760, resizable=True)
        self.host, self.setting = host, setting
        self.saved: list | None = None
        client = host.profile.full_name if host.profile else "The client"
        self.intro(f"{client} with {setting.provider_name}. {icd10.CODE_SET}.")
        if setting.diagnosis:
            written = QLabel(f"Written before as free text: “{setting.diagnosis}”")
            written.setObjectName("hint")
            written.setWordWrap(True)
            self.body.addWidget(written)
        icd10.load()
        self.search = QLineEdit()
        self.search.setPlaceholderText("A code (F41.1) or words (generalized anxiety)")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Codes found")
        self.chosen = QListWidget()
        self.chosen.setAccessibleName("Chosen codes, primary first")
        self.add_button = button("&Add")
        self.primary_button = button("Make &primary")
        self.up_button = button("&Up")
        self.down_button = button("Do&wn")
        self.remove_button = button("&Remove")
        left = QVBoxLayout()
        left.addWidget(Field("Sea&rch the code set", self.search))
        left.addWidget(self.results, 1)
        left.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        moves = QHBoxLayout()
        for control in (self.primary_button, self.up_button, self.down_button, self.remove_button):
            moves.addWidget(control)
        moves.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(Field("C&hosen, primary first", self.chosen), 1)
        right.addLayout(moves)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.body.addLayout(row, 1)
        for diagnosis in diagnoses.coded(setting.diagnosis_codes):
            self._add_chosen(diagnosis)
        self._relabel()
        self.search.textChanged.connect(self.find)
        self.search.returnPressed.connect(self.add_selected)
        self.results.itemActivated.connect(lambda _item: self.add_selected())
        self.add_button.clicked.connect(self.add_selected)
        self.primary_button.clicked.connect(lambda: self.move(-len(self.codes())))
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.remove_button.clicked.connect(self.remove)
        self.search.setFocus()

    def find(self, text: str) -> None:
        self.results.clear()
        for diagnosis in icd10.search(text):
            item = QListWidgetItem(f"{diagnosis.code}  {diagnosis.description}")
            item.setData(Qt.ItemDataRole.UserRole, diagnosis)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def codes(self) -> list[str]:
        return [
            self.chosen.item(n).data(Qt.ItemDataRole.UserRole).code
            for n in range(self.chosen.count())
        ]

    def _add_chosen(self, diagnosis) -> None:
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, diagnosis)
        self.chosen.addItem(item)

    def _relabel(self) -> None:
        for n in range(self.chosen.count()):
            item = self.chosen.item(n)
            diagnosis = item.data(Qt.ItemDataRole.UserRole)
            item.setText(f"{diagnosis.code}  {diagnosis.description}" + (PRIMARY if n == 0 else ""))

    def add_selected(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        diagnosis = item.data(Qt.ItemDataRole.UserRole)
        if diagnosis.code not in self.codes():
            self._add_chosen(diagnosis)
            self._relabel()
        self.chosen.setCurrentRow(self.codes().index(diagnosis.code))

    def move(self, by: int) -> None:
        row = self.chosen.currentRow()
        if row < 0:
            return
        target = min(max(row + by, 0), self.chosen.count() - 1)
        item = self.chosen.takeItem(row)
        self.chosen.insertItem(target, item)
        self.chosen.setCurrentRow(target)
        self._relabel()

    def remove(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self._relabel()

    def submit(self) -> None:
        saved = self.attempt(
            lambda: diagnoses.set_diagnosis_codes(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                self.setting.provider_id,
                self.codes(),
                self.setting.version,
            )
        )
        if saved is not None:
            self.saved = saved
            self.accept()
