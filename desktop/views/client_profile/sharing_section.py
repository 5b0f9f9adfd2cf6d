"""One provider's chart in the Chart Sharing panel (R5): a header that opens and closes it, and
the colleagues as a view over a model, built when the section is first opened."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...models.share_rows_model import (
    ACTION,
    COLLEAGUE,
    STATE,
    ActionEnabledRole,
    ShareRowRole,
    ShareRowsModel,
)
from ...services.access_report import ChartSharingSection, ShareRow
from ..messages import refusal_text
from .look import day
from .tables import read_only_table

NO_COLLEAGUES = "There is no other active provider in the practice to share this chart with."
#: rows of colleagues shown before the list scrolls; past this many a search box filters them.
VISIBLE_ROWS = 8
ROW_HEIGHT = 44


def share_state(row: ShareRow, zone=None) -> str:
    """ "Not shared" or "Shared since 04 Mar 2025 by Dana Whitfield · …", in plain words."""
    share = row.share
    if share is None:
        if row.on_list:
            return "Not shared · has this client on their list (profile only)"
        return "Not shared"
    parts = [f"Shared since {day(share.started_at, zone)} by {share.started_by_name}"]
    parts.append(
        "private notes included" if share.include_private else "private notes not included"
    )
    if share.expires_at is not None:
        parts.append(f"ends on {day(share.expires_at, zone)}")
    return " · ".join(parts)


def section_title(section: ChartSharingSection) -> str:
    return f"{section.provider.name}'s records"


def ownership_text(section: ChartSharingSection) -> str:
    if section.provider.records_owner == "group":
        return "Records owned by the group"
    return f"Records owned by {section.provider.name}"


class ActionDelegate(QStyledItemDelegate):
    """Paints the row's Share or End Sharing as a button, greyed when the section is closed."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, QModelIndex())  # the row's background only
        button_option = QStyleOptionButton()
        button_option.rect = button_rect(option.rect)
        button_option.text = index.data()
        button_option.palette = option.palette
        enabled = bool(index.data(ActionEnabledRole))
        button_option.state = QStyle.StateFlag.State_Raised | (
            QStyle.StateFlag.State_Enabled if enabled else QStyle.StateFlag.State_None
        )
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(
                QStyle.ControlElement.CE_PushButton, button_option, painter, option.widget
            )


def button_rect(cell: QRect) -> QRect:
    return cell.adjusted(6, 6, -6, -6)


class SharingSection(QFrame):
    """One provider's chart: a header that opens and closes it, then the colleagues, each with
    the state of sharing to them and a Share or End Sharing action. The colleagues are a view
    over a model, built the first time the section is opened: a closed section holds no rows."""

    def __init__(self, section: ChartSharingSection, panel, *, expanded: bool) -> None:
        super().__init__()
        self.section = section
        self.panel = panel
        self.setObjectName("card")
        self.toggle = QToolButton()
        self.toggle.setObjectName("sectionToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setText(section_title(section))
        self.toggle.setAccessibleName(f"{section_title(section)}: show or hide sharing")
        self.toggle.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.toggle.toggled.connect(self.set_expanded)
        self.own_badge = QLabel("Your chart")
        self.own_badge.setObjectName("ownBadge")
        self.own_badge.setVisible(section.is_viewers_own)
        self.owner_label = QLabel(ownership_text(section))
        self.owner_label.setObjectName("hint")
        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.toggle, 1)
        head.addWidget(self.own_badge)
        head.addWidget(self.owner_label)

        self.refusal = QLabel()
        self.refusal.setObjectName("sectionNote")
        self.refusal.setWordWrap(True)
        self.refusal.setAccessibleName("Why sharing is closed")
        if not section.can_share:
            self.refusal.setText(refusal_text(section.can_share))
        self.refusal.setVisible(False)
        #: built on first opening: the body, the colleagues' model and its view.
        self.body: QWidget | None = None
        self.model: ShareRowsModel | None = None
        self.rows_view: QTableView | None = None
        self.search: QLineEdit | None = None

        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(14, 8, 14, 10)
        self.column.setSpacing(6)
        self.column.addLayout(head)
        self.column.addWidget(self.refusal)
        self.toggle.setChecked(expanded)
        self.set_expanded(expanded)

    def _build_body(self) -> None:
        section = self.section
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(22, 0, 0, 0)
        body.setSpacing(6)
        if not section.rows:
            empty = QLabel(NO_COLLEAGUES)
            empty.setObjectName("emptyText")
            empty.setWordWrap(True)
            body.addWidget(empty)
            self.column.addWidget(self.body)
            return
        zone = self.panel.host.zone
        refusal = None if section.can_share else refusal_text(section.can_share)
        self.model = ShareRowsModel(
            section.rows, section.provider.name, lambda r: share_state(r, zone), refusal, self
        )
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setFilterKeyColumn(COLLEAGUE)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        if len(section.rows) > VISIBLE_ROWS:
            self.search = QLineEdit()
            self.search.setPlaceholderText("Find a colleague by name")
            self.search.setAccessibleName(f"Find a colleague to share {section_title(section)}")
            self.search.setClearButtonEnabled(True)
            self.search.textChanged.connect(proxy.setFilterFixedString)
            body.addWidget(self.search)
        view = read_only_table(f"Colleagues and the sharing of {section_title(section)}")
        view.setModel(proxy)
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.horizontalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLLEAGUE, header.ResizeMode.Stretch)
        header.setSectionResizeMode(STATE, header.ResizeMode.Stretch)
        header.setSectionResizeMode(ACTION, header.ResizeMode.Fixed)
        view.setColumnWidth(ACTION, 140)
        view.setItemDelegateForColumn(ACTION, ActionDelegate(view))
        view.setFixedHeight(min(len(section.rows), VISIBLE_ROWS) * ROW_HEIGHT + 2)
        view.clicked.connect(self._clicked)
        view.activated.connect(lambda index: self.take_action(index.data(ShareRowRole)))
        self.rows_view = view
        body.addWidget(view)
        self.column.addWidget(self.body)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == ACTION:
            self.take_action(index.data(ShareRowRole))

    def take_action(self, row: ShareRow | None) -> None:
        """Share (through the review screen) or end sharing (after asking), when allowed."""
        if row is None or not self.section.can_share:
            return
        if row.share is None:
            self.panel.open_share_review(self.section, row)
        else:
            self.panel.end_sharing(self.section, row)

    def row_for(self, provider_id: int) -> ShareRow | None:
        return next((r for r in self.section.rows if r.provider_id == provider_id), None)

    def action_rect(self, provider_id: int) -> QRect:
        """Where the colleague's Share or End Sharing is drawn, in the view's viewport."""
        assert self.rows_view is not None and self.model is not None
        proxy = self.rows_view.model()
        row = self.model.row_of(provider_id)
        index = proxy.mapFromSource(self.model.index(row, ACTION))
        self.rows_view.scrollTo(index)
        return button_rect(self.rows_view.visualRect(index))

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        if expanded and self.body is None:
            self._build_body()
        if self.body is not None:
            self.body.setVisible(expanded)
        self.refusal.setVisible(expanded and not self.section.can_share)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()
