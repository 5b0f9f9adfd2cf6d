"""Telling a signed-in person that their account or roles changed (R19), with any text they had
typed and not saved offered back to copy, then closing their windows without asking to save."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit, QTextEdit, QWidget

TITLE = "Your access has changed"


def unsaved_texts() -> list[str]:
    """Text typed in the open windows and dialogs that is not yet saved (note editors, addenda)."""
    texts: list[str] = []
    seen: set[int] = set()
    for window in QApplication.topLevelWidgets():
        if not window.isVisible():
            continue
        for editor in window.findChildren(QPlainTextEdit) + window.findChildren(QTextEdit):
            if editor.isReadOnly() or not editor.isVisible() or id(editor) in seen:
                continue
            seen.add(id(editor))
            text = editor.toPlainText().strip()
            if text:
                texts.append(text)
    return texts


def show_standing_notice(parent: QWidget | None, text: str, kept: list[str]) -> None:
    """The change in plain words; text not saved is shown under "Show Details" to copy."""
    box = QMessageBox(QMessageBox.Icon.Information, TITLE, text, QMessageBox.StandardButton.Ok)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    if kept:
        box.setInformativeText(
            "Text you had typed and not saved is under Show Details: copy it before pressing OK."
        )
        box.setDetailedText("\n\n---\n\n".join(kept))
    box.exec()


def close_without_asking(main_window) -> None:
    """Close the client windows and then the main window, without asking to save: the person
    can no longer save there (they were told, and offered their text, first)."""
    for client_id, window in list(main_window.profile_windows.items()):
        main_window.profile_windows.pop(client_id, None)
        forget = getattr(getattr(window, "docs_tab", None), "forget_opened_files", None)
        if callable(forget):
            forget()
        window.hide()
        window.deleteLater()
    main_window.close()
