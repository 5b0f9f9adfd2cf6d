"""The item models on their own, without widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models import staff_model
from desktop.models.staff_model import MemberRole, StaffTableModel
from desktop.services.principal import Role
from desktop.services.staff import StaffMember


def member(id_: int, name: str, roles: set[Role], active=True, owner=None) -> StaffMember:
    return StaffMember(id_, f"{id_}@x.example", name, frozenset(roles), active, owner, 1)


def test_staff_rows_read_as_the_screen_shows_them():
    model = StaffTableModel(
        [
            member(1, "Ana", {Role.PROVIDER, Role.OWNER}, owner="provider"),
            member(2, "Ben", {Role.BILLER}, active=False),
        ]
    )
    assert model.rowCount() == 2 and model.columnCount() == 5
    assert model.rowCount(model.index(0, 0)) == 0
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Name", "Email", "Roles", "Records owned by", "Status"]
    assert model.index(0, staff_model.ROLES).data() == "Owner, Provider"
    assert model.index(0, staff_model.RECORDS_OWNER).data() == "The provider"
    assert model.index(1, staff_model.RECORDS_OWNER).data() == ""
    assert model.index(1, staff_model.STATUS).data() == "Deactivated"
    assert model.index(0, staff_model.NAME).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, staff_model.NAME).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, staff_model.EMAIL).data(MemberRole).display_name == "Ben"
    assert model.row_of(2) == 1 and model.row_of(99) == -1
