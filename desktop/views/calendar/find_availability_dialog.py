"""Find Availability: open slots for a client and the therapists chosen, over a date range;
choosing one opens the booking form prefilled with that therapist, time and client."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...app import AppContext
from ...models.calendar_models import OpenSlotsTreeModel
from ...services import client_list, scheduling
from ...services.policy import may_see_all_clients
from ...services.principal import Principal
from ..messages import explain
from ..widgets import EmptyState, Field, clear_button, primary_button
from . import common
from .booking_dialog import BookingDialog
from .common import (
    CalendarDialog,
    ProviderChoice,
    active_providers,
    booking_decision,
    practice_zone,
    why_not,
)

NO_SLOTS = "No open slots in this period"
NO_SLOTS_TEXT = (
    "Try a longer period, another therapist or a shorter session. A therapist has open slots "
    "only inside the working hours kept for them (Calendar ▸ Working hours…)."
)
CHOOSE_SLOT = "Choose an open slot first."
#: the client behind a row of the client filter.
ClientRole = Qt.ItemDataRole.UserRole + 1


class ClientFilter(QWidget):
    """A client chosen by name from the clients the principal may see (R1, R2)."""

    def __init__(self, ctx: AppContext, principal: Principal, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.principal = ctx, principal
        self.chosen: tuple[int, str] | None = None
        self.search = QLineEdit()
        self.search.setMaxLength(200)
        self.search.setPlaceholderText("Any client — type a name")
        self.search.setAccessibleName("Client")
        clear_button(self.search)
        self.setFocusProxy(self.search)  # a label or a tab into this widget reaches the search
        self.matches = QListWidget()
        self.matches.setObjectName("pickList")
        self.matches.setAccessibleName("Matching clients")
        self.matches.setFixedHeight(96)
        # Its room stays when it hides (a client chosen), so nothing below moves under the pointer.
        keep_room = self.matches.sizePolicy()
        keep_room.setRetainSizeWhenHidden(True)
        self.matches.setSizePolicy(keep_room)
        self.matches.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        self.search.textEdited.connect(self._edited)
        self.matches.itemClicked.connect(self._choose)
        self.matches.itemActivated.connect(self._choose)
        self.search.returnPressed.connect(self._take_first)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.matches)

    def set_client(self, client_id: int, name: str) -> None:
        self.chosen = (client_id, name)
        self.search.setText(name)
        self.matches.hide()

    def _edited(self, text: str) -> None:
        self.chosen = None
        if text.strip():
            self._timer.start()
        else:
            self.matches.hide()

    def refresh(self) -> None:
        self._timer.stop()
        scope = "all" if may_see_all_clients(self.principal) else "mine"
        self.matches.clear()
        try:
            page = client_list.list_clients(
                self.ctx.uow(), self.principal, scope=scope, search=self.search.text(), limit=12
            )
        except Exception as error:
            self.matches.addItem(explain(error))
            self.matches.show()
            return
        for row in page.rows:
            item = QListWidgetItem(row.display_name)
            item.setData(ClientRole, (row.id, f"{row.first_name} {row.last_name}"))
            self.matches.addItem(item)
        if not page.rows:
            self.matches.addItem("No client matches.")
        self.matches.show()

    def _take_first(self) -> None:
        if self.matches.isVisible() and self.matches.count():
            self._choose(self.matches.item(0))

    def _choose(self, item: QListWidgetItem) -> None:
        data = item.data(ClientRole)
        if data:
            self.set_client(*data)


class FindAvailabilityDialog(CalendarDialog):
    """Client filter, therapist filter (none ticked: the client's therapists, or everyone),
    date range and duration → open slots. "Book this slot…" (or Enter, or a double-click)
    opens the booking form prefilled; `result` is the BookingResult once booked."""

    asks_to_save = False  # it looks things up or confirms; nothing typed is lost

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        *,
        providers: list[ProviderChoice] | None = None,
        zone: ZoneInfo | None = None,
        client: tuple[int, str] | None = None,
        provider_ids: list[int] | None = None,
        first_day: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Find Availability", "&Book this slot…", parent, width=860, resizable=True)
        self.ctx, self.principal = ctx, principal
        self.zone = zone or practice_zone(ctx)
        self.providers = providers if providers is not None else active_providers(ctx, principal)
        self.booking: scheduling.BookingResult | None = None
        self.cancel_button.setText("Close")
        self.cancel_button.setAccessibleName("Close")
        today = first_day or ctx.clock.now().astimezone(self.zone).date()

        self.client_filter = ClientFilter(ctx, principal)
        if client is not None:
            self.client_filter.set_client(*client)
        self.therapists = QListWidget()
        self.therapists.setObjectName("pickList")
        self.therapists.setAccessibleName("Therapists")
        for choice in self.providers:
            item = QListWidgetItem(choice.name)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = provider_ids is not None and choice.id in provider_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.therapists.addItem(item)
        self.therapists.setMinimumHeight(120)
        self.therapists.setSpacing(2)
        self.first = QDateEdit(QDate(today.year, today.month, today.day))
        self.last = QDateEdit(QDate(today.year, today.month, today.day).addDays(13))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.duration = QSpinBox()
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(" min")
        self.duration.setValue(50)
        self.search_button = primary_button("&Search")
        self.search_button.setDefault(False)
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        filters = QVBoxLayout()
        filters.setSpacing(10)
        filters.addWidget(Field("C&lient", self.client_filter))
        filters.addWidget(
            Field(
                "&Therapists",
                self.therapists,
                hint="None ticked: the client's therapists, or everyone's.",
            )
        )
        dates = QHBoxLayout()
        dates.addWidget(Field("&From", self.first))
        dates.addWidget(Field("T&o", self.last))
        filters.addLayout(dates)
        filters.addWidget(Field("D&uration", self.duration))
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        side = QWidget()
        side.setLayout(filters)
        side.setFixedWidth(320)

        self.model = OpenSlotsTreeModel(self.zone, self)
        self.slot_tree = QTreeView()
        self.slot_tree.setModel(self.model)
        self.slot_tree.setObjectName("openSlots")
        self.slot_tree.setAccessibleName("Open slots by day and therapist")
        self.slot_tree.setHeaderHidden(True)
        self.slot_tree.setUniformRowHeights(True)
        self.slot_tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.slot_tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.slot_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.slot_tree.doubleClicked.connect(self._double_clicked)
        self.slot_tree.selectionModel().currentChanged.connect(lambda *_: self._update_ok())
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.empty = EmptyState("calendar", NO_SLOTS, NO_SLOTS_TEXT)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.slot_tree)
        self.stack.addWidget(self.empty)
        results = QVBoxLayout()
        results.addWidget(self.stack, 1)
        results.addWidget(self.count_label)
        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addLayout(results, 1)
        columns.addWidget(side)
        self.body.addLayout(columns, 1)
        self.resize(1000, 680)
        common.name_inner_parts(self)
        self.search()

    def chosen_provider_ids(self) -> list[int] | None:
        ids = [
            self.therapists.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.therapists.count())
            if self.therapists.item(row).checkState() == Qt.CheckState.Checked
        ]
        return ids or None

    def search(self) -> None:
        """Ask Find Availability with the filters as they are."""
        client = self.client_filter.chosen
        slots = self.attempt(
            lambda: scheduling.find_availability(
                self.ctx.uow(),
                self.principal,
                provider_ids=self.chosen_provider_ids(),
                client_id=client[0] if client else None,
                start_date=self.first.date().toPython(),
                end_date=self.last.date().toPython(),
                duration_minutes=self.duration.value(),
                # one after another at the appointment's length, not overlapping every 15 minutes
                step_minutes=max(5, min(self.duration.value(), 240)),
            )
        )
        self.model.set_slots(slots or [])
        self.slot_tree.expandAll()
        self.stack.setCurrentWidget(self.slot_tree if slots else self.empty)
        count, days = len(slots or []), self.model.rowCount()
        self.count_label.setText(
            f"{count:,} open slot{'s' if count != 1 else ''} of "
            f"{self.duration.value()} minutes, in {days} group{'s' if days != 1 else ''}"
            if slots
            else ""
        )
        if slots:
            self.choose_row(0)
        self._update_ok()

    def current_slot(self):
        return self.model.slot_at(self.slot_tree.currentIndex())

    def _double_clicked(self, index: QModelIndex) -> None:
        if self.model.slot_at(index) is not None:
            self.submit()

    def _update_ok(self) -> None:
        slot = self.current_slot()
        if slot is None:
            self.set_ok(False, CHOOSE_SLOT)
            return
        provider = next((p for p in self.providers if p.id == slot.provider_id), None)
        decision = booking_decision(self.principal, provider) if provider else None
        if decision is None:
            self.set_ok(False, "This therapist is no longer active.")
        else:
            self.set_ok(bool(decision), why_not(decision))

    def booking_dialog_for(self, slot) -> BookingDialog:
        """The booking form prefilled with the slot's therapist and time, and the client."""
        minutes = int((slot.ends_at - slot.starts_at).total_seconds() // 60)
        return BookingDialog(
            self.ctx,
            self.principal,
            providers=self.providers,
            zone=self.zone,
            provider_id=slot.provider_id,
            starts_at=slot.starts_at,
            duration_minutes=minutes,
            client=self.client_filter.chosen,
            parent=self,
        )

    def choose_row(self, number: int) -> None:
        """Make the `number`-th slot shown (counted over every group) the chosen one."""
        index = self.model.slot_index(number)
        self.slot_tree.setCurrentIndex(index)
        self.slot_tree.scrollTo(index)

    def submit(self) -> None:
        slot = self.current_slot()
        if slot is None or not self.ok_button.isEnabled():
            return
        dialog = self.booking_dialog_for(slot)
        if common.run_modal(dialog) and dialog.booking is not None:
            self.booking = dialog.booking
            self.accept()
