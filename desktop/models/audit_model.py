"""The audit table: the newest entries first, times in the practice's time zone, plain words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..services.audit import Action, AuditEntry
from ..services.principal import Role, roles_label
from ..services.staff import RECORDS_OWNER_LABELS

TIME, WHO, ACTION, DETAILS, CLIENT, WORKSTATION = range(6)
HEADERS = ("Time", "Who", "Action", "Details", "Client", "Workstation")

#: the AuditEntry behind a row (any column).
EntryRole = Qt.ItemDataRole.UserRole + 1

#: how an action reads in the table; an action not listed shows as stored.
ACTION_LABELS = {
    Action.PRACTICE_CREATED: "Practice set up",
    Action.SIGN_IN: "Signed in",
    Action.SIGN_IN_FAILED: "Sign-in refused",
    Action.SIGN_OUT: "Signed out",
    Action.STAFF_ADDED: "Staff added",
    Action.STAFF_ROLES_CHANGED: "Roles changed",
    Action.STAFF_DEACTIVATED: "Staff deactivated",
    Action.STAFF_REACTIVATED: "Staff reactivated",
    Action.RECORDS_OWNER_CHANGED: "Record ownership changed",
    Action.PASSWORD_CHANGED: "Password changed",
    Action.AUDIT_EXPORTED: "Audit trail exported",
    Action.DATABASE_BACKED_UP: "Database backed up",
    Action.CLIENT_CREATED: "Client added",
    Action.CLIENT_UPDATED: "Client details changed",
    Action.CLIENT_PROVIDER_SETTINGS_UPDATED: "Booking defaults changed",
    Action.PROFILES_LINKED: "Profiles linked",
    Action.CHART_READ: "Chart opened",
    Action.PRIVATE_NOTES_READ: "Private notes opened",
    Action.NOTE_CREATED: "Note started",
    Action.NOTE_UPDATED: "Note changed",
    Action.NOTE_SIGNED: "Note signed",
    Action.ADDENDUM_ADDED: "Addendum added",
    Action.DOCUMENT_ADDED: "Document added",
    Action.DOCUMENT_READ: "Document opened",
    Action.SHARE_STARTED: "Chart share started",
    Action.SHARE_ENDED: "Chart share ended",
    Action.LINK_ADDED: "Added to a provider's list",
    Action.LINK_ENDED: "Removed from a provider's list",
    Action.CLIENT_TRANSFERRED: "Client transferred",
    Action.CASELOAD_TRANSFER_STARTED: "Caseload transfer started",
    Action.CASELOAD_TRANSFER_FINISHED: "Caseload transfer finished",
    Action.BILLING_VIEWED: "Billing viewed",
    Action.BILLING_UPDATED: "Billing changed",
    Action.EMERGENCY_OPENED: "Emergency access opened",
    Action.EMERGENCY_READ: "Read under emergency access",
    Action.EMERGENCY_ENDED: "Emergency access ended",
    Action.EMERGENCY_REVIEWED: "Emergency access reviewed",
    Action.EMERGENCY_SETTINGS_CHANGED: "Emergency access settings changed",
}

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Index = QModelIndex | QPersistentModelIndex


def _roles(values: object) -> str:
    """Stored role values as the user reads them, in the order of SPEC.md."""
    if not isinstance(values, list):
        return ""
    known = {role.value: role for role in Role}
    roles = frozenset(known[value] for value in values if value in known)
    unknown = [str(value) for value in values if value not in known]
    return ", ".join([roles_label(roles)] + unknown) if roles else ", ".join(unknown) or "no roles"


class AuditTableModel(QAbstractTableModel):
    """Presents list[AuditEntry]; `staff_names` turns staff ids into names where known."""

    def __init__(self, time_zone: str, parent=None) -> None:
        super().__init__(parent)
        self._zone = ZoneInfo(time_zone)
        self.time_zone = time_zone
        self._entries: list[AuditEntry] = []
        self._staff_names: dict[int, str] = {}

    def set_entries(
        self, entries: list[AuditEntry], staff_names: dict[int, str] | None = None
    ) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self._staff_names = dict(staff_names or {})
        self.endResetModel()

    def entry(self, row: int) -> AuditEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def local_time(self, moment: datetime) -> str:
        return moment.astimezone(self._zone).strftime(TIME_FORMAT)

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == TIME:
            return f"Times are in the practice's time zone, {self.time_zone}."
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(entry, index.column())
        if role == EntryRole:
            return entry
        return None

    # -- words ---------------------------------------------------------------------------------

    def text(self, entry: AuditEntry, column: int) -> str:
        if column == TIME:
            return self.local_time(entry.occurred_at)
        if column == WHO:
            if entry.actor_id is not None and entry.actor_id in self._staff_names:
                return self._staff_names[entry.actor_id]
            return entry.actor_label
        if column == ACTION:
            return ACTION_LABELS.get(entry.action, entry.action)
        if column == DETAILS:
            return self.details(entry)
        if column == CLIENT:
            return f"Client #{entry.client_id}" if entry.client_id is not None else ""
        if column == WORKSTATION:
            return entry.workstation
        return ""

    def _subject(self, entry: AuditEntry) -> str:
        kind, _, key = (entry.subject or "").partition(":")
        if kind == "staff" and key.isdigit():
            return self._staff_names.get(int(key), f"staff member #{key}")
        _, _, provider = key.partition(":")
        if kind == "chart" and provider.isdigit():
            name = self._staff_names.get(int(provider))
            return f"{name}'s chart" if name else f"chart of staff member #{provider}"
        return entry.subject or ""

    def details(self, entry: AuditEntry) -> str:
        """One line saying what the entry was about."""
        details = entry.details or {}
        action = entry.action
        if action == Action.PRACTICE_CREATED:
            zone = details.get("time_zone")
            return f"{details.get('name', '')} ({zone})" if zone else str(details.get("name", ""))
        if action == Action.SIGN_IN_FAILED:
            return str(details.get("reason", "")).capitalize()
        if action == Action.STAFF_ADDED:
            text = f"{self._subject(entry)}: {_roles(details.get('roles'))}"
            owner = details.get("records_owner")
            if owner in RECORDS_OWNER_LABELS:
                text += f"; records owned by {RECORDS_OWNER_LABELS[owner].lower()}"
            return text
        if action == Action.STAFF_ROLES_CHANGED:
            before, after = _roles(details.get("before")), _roles(details.get("after"))
            return f"{self._subject(entry)}: {before} → {after}"
        if action == Action.RECORDS_OWNER_CHANGED:
            before = RECORDS_OWNER_LABELS.get(details.get("before"), "?").lower()
            after = RECORDS_OWNER_LABELS.get(details.get("after"), "?").lower()
            return f"{self._subject(entry)}: {before} → {after}"
        if action == Action.STAFF_DEACTIVATED:
            ended = int(details.get("shares_ended") or 0)
            shares = f"{ended} chart share{'s' if ended != 1 else ''} ended"
            return f"{self._subject(entry)}; {shares}" if ended else self._subject(entry)
        if action == Action.AUDIT_EXPORTED:
            return f"{details.get('entries', 0)} entries"
        if action in (Action.SIGN_IN, Action.SIGN_OUT):
            return ""
        return self._subject(entry)
