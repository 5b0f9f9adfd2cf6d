"""The booking form's warning that the client already has an appointment with another provider
at that time, with the choice to book anyway (family sessions exist)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QWidget

from .amber_alert import AmberAlert

BOOK_ANYWAY = "Boo&k anyway: both appointments are meant (for example, a family session)"


class ClientOverlapAlert(AmberAlert):
    """Amber, like the new-provider alert; names each overlapping appointment. Hidden while
    there is none. `book_anyway` is the person's choice, cleared whenever the overlaps change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "The client is already booked at this time", "Client already booked alert", parent
        )
        self.book_anyway = QCheckBox(BOOK_ANYWAY)
        self.book_anyway.setAccessibleName("Book anyway")
        self.text_column.addWidget(self.book_anyway)

    def show_overlaps(self, texts: list[str]) -> None:
        shown = "\n".join(texts[:3])
        if len(texts) > 3:
            shown += f"\n…and {len(texts) - 3} more dates."
        if shown != self.label.text():
            self.book_anyway.setChecked(False)
        self.label.setText(shown)
        self.setAccessibleDescription(shown)
        self.setVisible(bool(texts))

    def allowed(self) -> bool:
        """The person saw the overlap and chose to book anyway."""
        return not self.isHidden() and self.book_anyway.isChecked()
