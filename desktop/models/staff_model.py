"""The staff table: one row per StaffMember, deactivated people greyed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..services.staff import RECORDS_OWNER_LABELS, StaffMember
from .row_table import RowItemRole, RowTableModel

NAME, EMAIL, ROLES, RECORDS_OWNER, STATUS = range(5)
HEADERS = ("Name", "Email", "Roles", "Records owned by", "Status")

#: the StaffMember behind a row (any column).
MemberRole = RowItemRole

_INACTIVE = QColor("#98a2ad")


class StaffTableModel(RowTableModel[StaffMember]):
    """Presents list[StaffMember] as given (the service sorts them by name); read-only."""

    HEADERS = HEADERS

    def __init__(self, members: list[StaffMember] | None = None, parent=None) -> None:
        super().__init__(parent)
        self._rows = list(members or [])

    def set_members(self, members: list[StaffMember]) -> None:
        self.set_rows(members)

    def member(self, row: int) -> StaffMember | None:
        return self.row_item(row)

    def row_of(self, staff_id: int) -> int:
        """The row showing this staff member, or -1."""
        return self.row_with_id(staff_id)

    def text(self, member: StaffMember, column: int) -> str:
        return self._text(member, column)

    def extra(self, member: StaffMember, column: int, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and not member.active:
            return _INACTIVE
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
