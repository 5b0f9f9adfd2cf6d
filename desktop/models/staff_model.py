"""The staff table: one row per StaffMember, deactivated people greyed."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..services.staff import RECORDS_OWNER_LABELS, StaffMember

NAME, EMAIL, ROLES, RECORDS_OWNER, STATUS = range(5)
HEADERS = ("Name", "Email", "Roles", "Records owned by", "Status")

#: the StaffMember behind a row (any column).
MemberRole = Qt.ItemDataRole.UserRole + 1

_INACTIVE = QColor("#98a2ad")

Index = QModelIndex | QPersistentModelIndex


class StaffTableModel(QAbstractTableModel):
    """Presents list[StaffMember] as given (the service sorts them by name); read-only."""

    def __init__(self, members: list[StaffMember] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._members: list[StaffMember] = list(members or [])

    # -- contents ------------------------------------------------------------------------------

    def set_members(self, members: list[StaffMember]) -> None:
        self.beginResetModel()
        self._members = list(members)
        self.endResetModel()

    def member(self, row: int) -> StaffMember | None:
        return self._members[row] if 0 <= row < len(self._members) else None

    def row_of(self, staff_id: int) -> int:
        """The row showing this staff member, or -1."""
        for row, member in enumerate(self._members):
            if member.id == staff_id:
                return row
        return -1

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        member = self.member(index.row()) if index.isValid() else None
        if member is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(member, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(member, column) or "blank"
        if role == Qt.ItemDataRole.ForegroundRole and not member.active:
            return _INACTIVE
        if role == MemberRole:
            return member
        return None

    @staticmethod
    def _text(member: StaffMember, column: int) -> str:
        if column == NAME:
            return member.display_name
        if column == EMAIL:
            return member.email
        if column == ROLES:
            return member.roles_label
        if column == RECORDS_OWNER:
            return RECORDS_OWNER_LABELS.get(member.records_owner or "", "")
        if column == STATUS:
            return "Active" if member.active else "Deactivated"
        return ""
