"""Choosing a colleague of this practice (R15) by typing part of their name or login email."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ...services.staff import StaffMember


def colleague_label(member: StaffMember) -> str:
    return f"{member.display_name} — {member.email}"


class ColleagueChooser(QComboBox):
    """An editable list of colleagues; typing filters on name and login email alike (the
    completer matches anywhere in "Name — email"). `chosen_id()` is None until the text names
    exactly one colleague: a part such as "rosa@" is completed to the one colleague it matches
    when typing ends (Enter, Tab), and names no one while it matches several or none.
    `chosen_changed` follows every change of the choice. Escape in the list of suggestions
    closes only that list."""

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
        completer.popup().installEventFilter(self)
        self.lineEdit().installEventFilter(self)
        self.lineEdit().setPlaceholderText("Type a name or login email")
        self.lineEdit().setAccessibleName(accessible_name)
        self.members: list[StaffMember] = []
        self.set_members(members)
        self.currentTextChanged.connect(lambda _text: self.chosen_changed.emit())
        self.lineEdit().editingFinished.connect(self.complete_choice)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        popup = self.completer().popup() if self.completer() else None
        if (
            popup is not None
            and popup.isVisible()
            and watched in (popup, self.lineEdit())
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()  # the key is for the suggestions, never the dialog around them
            if event.type() == QEvent.Type.KeyPress:
                popup.hide()
            return True
        if (
            watched is self.lineEdit()
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.chosen() is None
            and len(self.matching()) == 1
        ):
            # Enter on a part completes it and stops there: the person sees whom they chose
            # before a second Enter confirms the dialog.
            if popup is not None:
                popup.hide()
            self.complete_choice()
            return True
        return super().eventFilter(watched, event)

    def matching(self) -> list[StaffMember]:
        """The colleagues whose "Name — email" holds the text typed."""
        text = self.currentText().strip().lower()
        return [m for m in self.members if text and text in colleague_label(m).lower()]

    def complete_choice(self) -> None:
        """Fill in the whole "Name — email" when the text typed matches one colleague only."""
        found = self.matching()
        exact = self.chosen()
        if exact is None and len(found) == 1:
            self.choose(found[0].id)

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
        return None

    def chosen_id(self) -> int | None:
        member = self.chosen() if self.members else None
        return member.id if member else None
