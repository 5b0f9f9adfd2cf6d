"""Choosing a colleague of this practice (R15) by typing part of their name or login email."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ...services.staff import StaffMember


def colleague_label(member: StaffMember) -> str:
    return f"{member.display_name} — {member.email}"


class ColleagueChooser(QComboBox):
    """An editable list of colleagues; typing filters on name and login email alike (the
    completer matches anywhere in "Name — email"). `chosen_id()` is None until the text names
    exactly one colleague. `chosen_changed` follows every change of the choice."""

    chosen_changed = Signal()

    def __init__(
        self, members: list[StaffMember], accessible_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(accessible_name)
        self.view().setAccessibleName(f"{accessible_name}: colleagues")
        self.setMaxVisibleItems(12)
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.lineEdit().setPlaceholderText("Type a name or login email")
        self.lineEdit().setAccessibleName(accessible_name)
        self.members: list[StaffMember] = []
        self.set_members(members)
        self.currentTextChanged.connect(lambda _text: self.chosen_changed.emit())

    def set_members(self, members: list[StaffMember]) -> None:
        keep = self.chosen_id()
        self.blockSignals(True)
        self.clear()
        self.members = list(members)
        for member in self.members:
            self.addItem(colleague_label(member), member.id)
            self.setItemData(self.count() - 1, member.email, Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(-1)
        self.setEditText("")
        self.blockSignals(False)
        if keep is not None:
            self.choose(keep)
        self.chosen_changed.emit()

    def choose(self, staff_id: int) -> bool:
        index = self.findData(staff_id)
        if index >= 0:
            self.setCurrentIndex(index)
            self.setEditText(self.itemText(index))
        return index >= 0

    def chosen(self) -> StaffMember | None:
        text = self.currentText().strip().lower()
        if not text:
            return None
        for member in self.members:
            if text in (colleague_label(member).lower(), member.email.lower()):
                return member
            if text == member.display_name.lower():
                return member
        matches = [m for m in self.members if text in colleague_label(m).lower()]
        return matches[0] if len(matches) == 1 else None

    def chosen_id(self) -> int | None:
        member = self.chosen() if self.members else None
        return member.id if member else None
