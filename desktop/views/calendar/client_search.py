"""The booking form's client search (R7): the chosen provider's clients first; a toggle widens
the search to every client of the practice."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...services import scheduling
from ...services.principal import Principal
from ..messages import explain
from ..widgets import clear_button

WIDEN_TEXT = "Show &all clients of the practice"
#: the client behind a result row.
ClientRole = Qt.ItemDataRole.UserRole + 1


class _SearchLine(QLineEdit):
    """The search box: Down moves into the results, Enter takes the first one."""

    def __init__(self, results: QListWidget) -> None:
        super().__init__()
        self.results = results
        self.setMaxLength(200)  # the service reads the first 200 characters

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and self.results.count():
            self.results.setFocus(Qt.FocusReason.TabFocusReason)
            self.results.setCurrentRow(0)
            return
        super().keyPressEvent(event)


class ClientSearch(QWidget):
    """A search box, the "Show all clients of the practice" toggle and the matches. Starts
    filtered to the provider's clients (R7). `chosen` is (client id, name) or None; choosing
    emits `chosen_changed`."""

    chosen_changed = Signal()

    def __init__(self, ctx: AppContext, principal: Principal, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.provider_id: int | None = None
        self.provider_name = ""
        self.chosen: tuple[int, str] | None = None
        self.results = QListWidget()
        self.results.setObjectName("pickList")
        self.results.setAccessibleName("Matching clients")
        self.results.setFixedHeight(140)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.search = _SearchLine(self.results)
        self.search.setPlaceholderText("Type a first or last name…")
        self.search.setAccessibleName("Search clients")
        clear_button(self.search)
        self.setFocusProxy(self.search)  # a label or a tab into this widget reaches the search
        self.widen = QCheckBox(WIDEN_TEXT)
        self.widen.setAccessibleName("Show all clients of the practice")
        self.widen.setToolTip(
            "Off: only clients already on this provider's list. On: every client of the practice; "
            "booking one adds them to the provider's list (demographics only)."
        )
        self.scope_label = QLabel()
        self.scope_label.setObjectName("hint")
        self.scope_label.setWordWrap(True)
        self.chosen_label = QLabel("No client chosen yet")
        self.chosen_label.setObjectName("fieldLabel")
        self.chosen_label.setAccessibleName("Chosen client")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self._take_first)
        self.widen.toggled.connect(lambda _on: self.refresh())
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)
        self.results.currentItemChanged.connect(lambda item, _old: self._choose_item(item))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.widen)
        layout.addWidget(self.results)
        layout.addWidget(self.scope_label)
        layout.addWidget(self.chosen_label)

    @property
    def all_clients(self) -> bool:
        return self.widen.isChecked()

    def set_provider(self, provider_id: int | None, provider_name: str) -> None:
        self.provider_id, self.provider_name = provider_id, provider_name
        self.refresh()

    def set_client(self, client_id: int, name: str) -> None:
        self.chosen = (client_id, name)
        self.chosen_label.setText(f"Client: {name}")
        self.chosen_changed.emit()

    def names(self) -> list[str]:
        """The names the results show now (for tests and screen readers)."""
        return [
            self.results.item(row).data(ClientRole)[1]
            for row in range(self.results.count())
            if self.results.item(row).data(ClientRole)
        ]

    def refresh(self) -> None:
        """Search again with the current text, provider and toggle."""
        self._timer.stop()
        self.results.blockSignals(True)
        self.results.clear()
        self.results.blockSignals(False)
        if self.provider_id is None:
            self.scope_label.setText("Choose a provider first.")
            return
        try:
            choices = scheduling.search_clients_for_booking(
                self.ctx.uow(),
                self.principal,
                self.provider_id,
                self.search.text(),
                all_clients=self.all_clients,
            )
        except Exception as error:
            self.scope_label.setText(explain(error))
            return
        self.results.blockSignals(True)
        for choice in choices:
            item = QListWidgetItem(choice.display_name)
            if not choice.on_provider_list:
                item.setText(f"{choice.display_name}  · new")
                item.setToolTip(f"Not yet on {self.provider_name}'s client list")
            item.setData(ClientRole, (choice.id, _natural(choice.display_name)))
            self.results.addItem(item)
            if self.chosen and self.chosen[0] == choice.id:
                item.setSelected(True)
                self.results.setCurrentItem(item)
        self.results.blockSignals(False)
        if self.all_clients:
            scope = "Showing every client of the practice."
        else:
            scope = f"Showing {self.provider_name}'s clients."
        if not choices:
            scope = (
                f"No client of {self.provider_name} matches. Tick “Show all clients of the "
                "practice” to search everyone."
                if not self.all_clients
                else "No client of the practice matches."
            )
        self.scope_label.setText(scope)

    def _take_first(self) -> None:
        if self.results.count():
            self._choose_item(self.results.item(0))
            self.results.setCurrentRow(0)

    def _choose_item(self, item: QListWidgetItem | None) -> None:
        data = item.data(ClientRole) if item is not None else None
        if not data or (self.chosen and self.chosen[0] == data[0]):
            return
        self.set_client(*data)


def _natural(display_name: str) -> str:
    """ "Noah, Amelia" as people say it: "Amelia Noah"."""
    last, _sep, first = display_name.partition(", ")
    return f"{first} {last}".strip() if first else display_name
