"""Who is acting: the signed-in staff member, their roles and their workstation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The six roles of SPEC.md; the value is what the database stores."""

    OWNER = "owner"
    MANAGER = "manager"
    RECORD_CUSTODIAN = "record_custodian"
    PROVIDER = "provider"
    SCHEDULER = "scheduler"
    BILLER = "biller"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OWNER: "Owner",
    Role.MANAGER: "Manager",
    Role.RECORD_CUSTODIAN: "Record Custodian",
    Role.PROVIDER: "Provider",
    Role.SCHEDULER: "Scheduler",
    Role.BILLER: "Biller",
}

#: roles that see every client of the practice ("All Clients", R1).
GROUP_WIDE_ROLES = frozenset(
    {Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER, Role.BILLER}
)


def roles_label(roles: frozenset[Role] | set[Role]) -> str:
    """Roles in the order of SPEC.md, as the user reads them: "Owner, Provider"."""
    return ", ".join(role.label for role in Role if role in roles) or "No roles"


@dataclass(frozen=True)
class Principal:
    """The acting staff member as the services see them (never an ORM row)."""

    staff_id: int
    email: str
    display_name: str
    roles: frozenset[Role]
    workstation: str
    #: signed in with a temporary password: it must be replaced before anything else (R19).
    must_change_password: bool = False

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def roles_label(self) -> str:
        return roles_label(self.roles)
