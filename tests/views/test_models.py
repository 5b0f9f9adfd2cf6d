"""The item models on their own, without widgets."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from desktop.models import audit_model, staff_model
from desktop.models.audit_model import AuditTableModel
from desktop.models.staff_model import MemberRole, StaffTableModel
from desktop.services.audit import Action, AuditEntry
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


def entry(action: str, **kwargs) -> AuditEntry:
    values = dict(
        seq=1,
        occurred_at=datetime(2025, 7, 1, 12, 30, 5, tzinfo=UTC),
        actor_id=1,
        actor_label="ana@x.example",
        action=action,
        client_id=None,
        subject=None,
        details={},
        workstation="WS",
    )
    values.update(kwargs)
    return AuditEntry(**values)


def test_audit_rows_in_plain_words_and_local_time():
    model = AuditTableModel("Europe/Lisbon")
    model.set_entries(
        [
            entry(
                Action.STAFF_ROLES_CHANGED,
                subject="staff:2",
                details={"before": ["scheduler"], "after": ["biller", "scheduler"]},
            ),
            entry("archive.sealed", actor_id=7, client_id=42, subject="chart:3"),
        ],
        {1: "Ana Silva", 2: "Ben Costa"},
    )
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[audit_model.TIME] == "2025-07-01 13:30:05"  # Lisbon summer time, UTC+1
    assert first[audit_model.WHO] == "Ana Silva"
    assert first[audit_model.ACTION] == "Roles changed"
    assert first[audit_model.DETAILS] == "Ben Costa: Scheduler → Scheduler, Biller"
    second = [model.index(1, c).data() for c in range(model.columnCount())]
    assert second[audit_model.WHO] == "ana@x.example"  # actor not in the staff list
    assert second[audit_model.ACTION] == "archive.sealed"  # unknown actions show as stored
    assert second[audit_model.CLIENT] == "Client #42"
