"""The table of the Clients screen: its columns, widths and the linked-profile mark."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from ..models import client_cells as columns
from ..models.client_list_model import ClientListModel, LinkedProfilesRole
from .client_profile.tables import read_only_table
from .style import ACCENT

#: columns as wide as their longest text (dates): (the longest text, the header).
FIXED_WIDTHS = {
    columns.DATE_OF_BIRTH: ("30 Sep 2000", columns.HEADERS[columns.DATE_OF_BIRTH]),
    columns.NEXT_APPOINTMENT: ("Wed 30 Sep 2026, 22:00", columns.HEADERS[columns.NEXT_APPOINTMENT]),
}
#: columns sharing the width left: (share, fewest pixels).
SHARED_WIDTHS = {
    columns.NAME: (0.45, 170),
    columns.STATUS: (0.2, 110),
    columns.PROVIDERS: (0.35, 130),
}
LINKED_MARK_SIZE = 16


def linked_profile_icon(color: str = ACCENT) -> QIcon:
    """Two linked rings: the mark of a client with a linked profile (R14)."""
    pixmap = QPixmap(LINKED_MARK_SIZE * 2, LINKED_MARK_SIZE * 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(color), 3.2))
    painter.drawRoundedRect(QRectF(3, 10, 17, 12), 6, 6)
    painter.drawRoundedRect(QRectF(12, 10, 17, 12), 6, 6)
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    return QIcon(pixmap)


class NameDelegate(QStyledItemDelegate):
    """The name cell: the name, and the linked-profile mark after it (names stay aligned)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = linked_profile_icon()

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(LinkedProfilesRole):
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
            option.icon = self.icon
            option.decorationSize = QSize(LINKED_MARK_SIZE, LINKED_MARK_SIZE)
            option.decorationPosition = QStyleOptionViewItem.Position.Right


def client_table(model: ClientListModel) -> QTableView:
    """The table of the Clients screen: one line per row, sorted by clicking a header (by the
    database), the linked-profile mark after names."""
    table = read_only_table("Clients")
    table.setModel(model)
    table.setItemDelegateForColumn(columns.NAME, NameDelegate(table))
    table.setCornerButtonEnabled(False)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    # Every row is as high as the first: the view never measures 200,000 rows.
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(38)
    header = table.horizontalHeader()
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(model.sort_column(), model.sort_order())
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(90)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def fit_columns(table: QTableView) -> None:
    """Dates keep their width; name, status and providers share the rest (long text ends in
    "…", its tooltip has it all). For when the table changes size."""
    text = table.fontMetrics()
    bold = QFont(table.font())
    bold.setBold(True)
    heading = QFontMetrics(bold)
    fixed = {
        column: max(text.horizontalAdvance(sample) + 28, heading.horizontalAdvance(title) + 44)
        for column, (sample, title) in FIXED_WIDTHS.items()
    }
    rest = max(0, table.viewport().width() - sum(fixed.values()))
    for column, width in fixed.items():
        table.setColumnWidth(column, width)
    for column, (share, least) in SHARED_WIDTHS.items():
        table.setColumnWidth(column, max(least, int(rest * share)))
