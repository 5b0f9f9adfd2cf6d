"""The Records tab: the chart notes of every chart the user may read, grouped by provider, and
the Chart Sharing section; a jump list on the right goes straight to either."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...models import notes_model
from ...models.notes_model import NotesModel
from ...services import access_report, charts
from ...services.charts import SIGNED_NEVER_CHANGES, ChartView, ClientRecords, NoteView
from ...services.policy import ProviderFacts, may_read_chart, may_write_chart
from ..messages import InlineMessage, confirm, explain, refusal_text
from ..widgets import button, divider, primary_button
from .chart_sharing_panel import ChartSharingPanel
from .facts import chart_of, chart_of_past_client, may_finish_note, may_write_own_chart
from .note_dialogs import AddendumDialog, NoteEditorDialog
from .note_reader import NoteReader, review_states_of
from .tables import read_only_tree

CHOOSE_NOTE = "Choose a note first."
DRAFTS_ONLY_AMENDED_LATER = "A draft can still be edited; addenda are for signed notes."
#: the jump list's anchors: (key, label).
ANCHORS = (("notes", "Chart notes"), ("sharing", "Chart Sharing"))
MAX_TREE_HEIGHT = 440


class RecordsTab(QWidget):
    """Reads the charts (audited, R13) when shown; the notes tree and reader above, Chart
    Sharing below. Writing controls follow the policy and say why when they are closed."""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.stale = True
        self.records: ClientRecords | None = None
        self.sections: list[access_report.ChartSharingSection] = []
        #: the dialog now open over this tab, if any (dialogs open window-modal, not blocking).
        self.current_dialog = None
        self.setObjectName("tabPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Records")

        # -- chart notes ---------------------------------------------------------------------
        self.notes_section = QWidget()
        notes_title = QLabel("Chart notes")
        notes_title.setObjectName("sectionTitle")
        self.notes_intro = QLabel(
            "Each provider writes only in their own chart. A signed note never changes; "
            "corrections are added as addenda."
        )
        self.notes_intro.setObjectName("screenSubtitle")
        self.notes_intro.setWordWrap(True)
        self.new_button = primary_button("&New note…")
        self.edit_button = button("&Edit draft…")
        self.sign_button = button("Si&gn note")
        self.addendum_button = button("Add addend&um…")
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for control in (self.new_button, self.edit_button, self.sign_button, self.addendum_button):
            actions.addWidget(control)
        actions.addStretch(1)
        self.message = InlineMessage("Problem with the records", kind="alert")
        self.closed_charts = InlineMessage("Charts you cannot read", kind="notice")
        self.closed_charts.setObjectName("sectionNote")
        self.model = NotesModel(self)
        self.tree = read_only_tree("Chart notes")
        self.tree.setModel(self.model)
        self.empty_notes = QLabel("There is no chart of this client that you may read.")
        self.empty_notes.setObjectName("emptyText")
        self.empty_notes.setWordWrap(True)
        self.reader = NoteReader()
        notes = QVBoxLayout(self.notes_section)
        notes.setContentsMargins(0, 0, 0, 0)
        notes.setSpacing(10)
        notes.addWidget(notes_title)
        notes.addWidget(self.notes_intro)
        notes.addLayout(actions)
        notes.addWidget(self.message)
        notes.addWidget(self.closed_charts)
        notes.addWidget(self.empty_notes)
        notes.addWidget(self.tree)
        notes.addWidget(self.reader)

        # -- chart sharing -------------------------------------------------------------------
        self.sharing = ChartSharingPanel(host)

        content = QWidget()
        content.setObjectName("scrollContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(24, 16, 24, 32)
        column.setSpacing(18)
        column.addWidget(self.notes_section)
        column.addWidget(divider())
        column.addWidget(self.sharing)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("tabScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(content)
        self.scroll.setAccessibleName("Records")

        self.jump_list = QListWidget()
        self.jump_list.setObjectName("jumpList")
        self.jump_list.setAccessibleName("Jump to")
        self.jump_list.setFixedWidth(168)
        for key, label in ANCHORS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"Go to {label}")
            self.jump_list.addItem(item)
        self.jump_list.itemClicked.connect(
            lambda item: self.jump_to(item.data(Qt.ItemDataRole.UserRole))
        )
        self.jump_list.itemActivated.connect(
            lambda item: self.jump_to(item.data(Qt.ItemDataRole.UserRole))
        )
        jump_title = QLabel("On this page")
        jump_title.setObjectName("hint")
        side = QVBoxLayout()
        side.setContentsMargins(8, 16, 8, 0)
        side.setSpacing(4)
        side.addWidget(jump_title)
        side.addWidget(self.jump_list, 1)
        self.side_panel = side_panel = QWidget()
        side_panel.setObjectName("jumpPanel")
        side_panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        side_panel.setLayout(side)
        side_panel.setFixedWidth(184)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(side_panel)

        order = [
            self.new_button,
            self.edit_button,
            self.sign_button,
            self.addendum_button,
            self.tree,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.new_button.clicked.connect(self.open_new_note)
        self.edit_button.clicked.connect(self.open_edit_draft)
        self.sign_button.clicked.connect(self.sign_selected)
        self.addendum_button.clicked.connect(self.open_addendum)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.tree.doubleClicked.connect(lambda _index: self._double_clicked())

    # -- loading -------------------------------------------------------------------------------

    def load(self, select_note: int | None = None) -> None:
        """Read the charts and the sharing state again (each read of a chart is audited)."""
        self.stale = False
        keep = select_note if select_note is not None else self._selected_note_id()
        self.message.clear_text()
        ctx, principal = self.host.ctx, self.host.principal
        try:
            records = charts.read_records(ctx.uow(), principal, self.host.client_id)
            # No sharing panel for a past client's own chart, nor under emergency access (R18).
            own_chart_only = self.host.profile is None or self.host.emergency_only
            sections = (
                []
                if own_chart_only
                else access_report.sharing_overview(ctx.uow(), principal, self.host.client_id)
            )
        except Exception as error:
            self.records, self.sections = None, []
            self.model.set_records(None, principal.staff_id, self.host.zone)
            self.sharing.set_sections([])
            self.message.show_text(explain(error))
            self._fit_tree()
            self._update_actions()
            return
        self.records, self.sections = records, sections
        self.reviews = review_states_of(ctx, principal, records)
        self.model.set_records(records, principal.staff_id, self.host.zone)
        for row, parent in self.model.spanned:
            self.tree.setFirstColumnSpanned(row, parent, True)
        self.tree.expandAll()
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(notes_model.TITLE, header.ResizeMode.Stretch)
        for column, width in (
            (notes_model.DATE, 170),
            (notes_model.KIND, 240),
            (notes_model.STATUS, 190),
        ):
            header.setSectionResizeMode(column, header.ResizeMode.Fixed)
            self.tree.setColumnWidth(column, width)
        self.empty_notes.setVisible(not records.charts)
        self.tree.setVisible(bool(records.charts))
        self.reader.setVisible(bool(records.charts))
        self._show_closed_charts(records, sections)
        self.sharing.set_sections(sections)
        self.sharing.setVisible(not own_chart_only)
        self.side_panel.setVisible(not own_chart_only)
        self._fit_tree()
        index = self.model.index_of_note(keep) if keep is not None else QModelIndex()
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        self._selection_changed()

    def _show_closed_charts(
        self, records: ClientRecords, sections: list[access_report.ChartSharingSection]
    ) -> None:
        """Name the charts the user may not read, each with the policy's reason (R3)."""
        readable = {chart.provider_id for chart in records.charts}
        profile = self.host.profile
        lines = []
        for section in sections:
            author: ProviderFacts = section.provider
            if author.staff_id in readable or profile is None:
                continue
            facts = chart_of(
                self.host.principal, profile, author.staff_id, author.name, author.records_owner
            )
            decision = may_read_chart(self.host.principal, facts)
            if not decision:
                lines.append(f"{author.name}'s chart: {refusal_text(decision)}")
        if lines:
            self.closed_charts.show_text("Not shown here:\n" + "\n".join(lines))
        else:
            self.closed_charts.clear_text()

    def _fit_tree(self) -> None:
        """As tall as its rows (up to a limit), so the page scrolls rather than the tree."""
        rows = 0
        index = self.model.index(0, 0) if self.model.rowCount() else QModelIndex()
        while index.isValid():
            rows += 1
            index = self.tree.indexBelow(index)
        row_height = self.tree.sizeHintForRow(0) if rows else 30
        height = self.tree.header().sizeHint().height() + rows * max(row_height, 24) + 4
        self.tree.setFixedHeight(min(max(height, 80), MAX_TREE_HEIGHT))

    def jump_to(self, key: str) -> None:
        """Scroll to "notes" or "sharing"."""
        target = self.sharing if key == "sharing" else self.notes_section
        self.scroll.verticalScrollBar().setValue(target.y() - 8)
        for row in range(self.jump_list.count()):
            item = self.jump_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                self.jump_list.setCurrentItem(item)
        if key == "sharing":
            self.sharing.setFocus()

    # -- the chosen note -----------------------------------------------------------------------

    def selected(self) -> tuple[NoteView | None, ChartView | None]:
        index = self.tree.currentIndex()
        if not index.isValid() or not self.tree.selectionModel().hasSelection():
            return None, None
        return self.model.note(index), self.model.chart(index)

    def _selected_note_id(self) -> int | None:
        note, _chart = self.selected()
        return note.id if note else None

    def select_note(self, note_id: int) -> bool:
        index = self.model.index_of_note(note_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        return index.isValid()

    def _selection_changed(self) -> None:
        note, chart = self.selected()
        review = getattr(self, "reviews", {}).get(note.id) if note else None
        self.reader.show_note(note, chart, self.host.zone, review=review)
        self._update_actions()

    def _update_actions(self) -> None:
        principal, profile, past = self.host.principal, self.host.profile, self.host.past
        if profile is None and past is not None:
            self._update_own_chart_actions(past)
            return
        write = may_write_own_chart(principal, profile) if profile else None
        is_writer = write is not None
        for control in (self.new_button, self.edit_button, self.sign_button, self.addendum_button):
            control.setVisible(is_writer)  # only providers have a chart of their own to write
        if not is_writer:
            return
        self._enable(self.new_button, None if write else refusal_text(write))
        note, chart = self.selected()
        if note is None or chart is None:
            for control in (self.edit_button, self.sign_button, self.addendum_button):
                self._enable(control, CHOOSE_NOTE)
            return
        finish = may_finish_note(principal, profile, chart.provider_id, chart.provider_name)
        not_author = None if finish else refusal_text(finish)
        signed = note.status == "signed"
        self._enable(self.edit_button, not_author or (SIGNED_NEVER_CHANGES if signed else None))
        self._enable(self.sign_button, not_author or (SIGNED_NEVER_CHANGES if signed else None))
        self._enable(
            self.addendum_button, not_author or (None if signed else DRAFTS_ONLY_AMENDED_LATER)
        )

    def _update_own_chart_actions(self, past) -> None:
        """The client left the principal's list: no new notes (R3), drafts may be finished."""
        principal = self.host.principal
        own = chart_of_past_client(
            principal, past.client_id, past.full_name, principal.staff_id, principal.display_name
        )
        for control in (self.new_button, self.edit_button, self.sign_button, self.addendum_button):
            control.setVisible(True)
        self._enable(self.new_button, refusal_text(may_write_chart(principal, own)))
        note, chart = self.selected()
        if note is None or chart is None:
            for control in (self.edit_button, self.sign_button, self.addendum_button):
                self._enable(control, CHOOSE_NOTE)
            return
        signed = note.status == "signed"
        self._enable(self.edit_button, SIGNED_NEVER_CHANGES if signed else None)
        self._enable(self.sign_button, SIGNED_NEVER_CHANGES if signed else None)
        self._enable(self.addendum_button, None if signed else DRAFTS_ONLY_AMENDED_LATER)

    @staticmethod
    def _enable(control, reason: str | None) -> None:
        control.setEnabled(reason is None)
        control.setToolTip(reason or "")

    def _double_clicked(self) -> None:
        if self.edit_button.isVisible() and self.edit_button.isEnabled():
            self.open_edit_draft()

    # -- writing -------------------------------------------------------------------------------

    def _open(self, dialog, done) -> None:
        self.message.clear_text()
        self.current_dialog = dialog
        dialog.accepted.connect(lambda: done(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog) -> None:
        if self.current_dialog is dialog:
            self.current_dialog = None
        dialog.deleteLater()

    def open_new_note(self) -> NoteEditorDialog | None:
        if not (self.new_button.isVisible() and self.new_button.isEnabled()):
            return None
        dialog = NoteEditorDialog(self.host, None, self)
        self._open(dialog, self._note_saved)
        return dialog

    def open_edit_draft(self) -> NoteEditorDialog | None:
        note, _chart = self.selected()
        if note is None or not self.edit_button.isEnabled():
            return None
        dialog = NoteEditorDialog(self.host, note, self)
        self._open(dialog, self._note_saved)
        return dialog

    def _note_saved(self, dialog: NoteEditorDialog) -> None:
        if dialog.saved is None:
            return
        text = "The note was signed." if dialog.signed else "The draft was saved. Only you see it."
        self.host.changed(text)
        self.select_note(dialog.saved.id)

    def sign_selected(self) -> None:
        note, _chart = self.selected()
        if note is None or not self.sign_button.isEnabled():
            return
        question = (
            f"Sign “{note.title or 'Untitled note'}”?\n\n"
            "A signed note never changes; later corrections are added as addenda."
        )
        if not confirm(self, "Sign note", question):
            return
        try:
            signed = charts.sign_note(
                self.host.ctx.uow(), self.host.principal, note.id, expected_version=note.version
            )
        except Exception as error:
            self.load()
            self.message.show_text(explain(error))
            return
        self.host.changed("The note was signed.")
        self.select_note(signed.id)

    def open_addendum(self) -> AddendumDialog | None:
        note, _chart = self.selected()
        if note is None or not self.addendum_button.isEnabled():
            return None
        dialog = AddendumDialog(self.host, note, self)
        self._open(dialog, self._addendum_added)
        return dialog

    def _addendum_added(self, dialog: AddendumDialog) -> None:
        self.host.changed("The addendum was added.")
        self.select_note(dialog.note.id)
