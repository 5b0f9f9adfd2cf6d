"""A signed-in person's standing, read again from the database at every unit of work (R19):
deactivation or a change of roles takes effect at their next action in every open window."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..db.tables import Staff, StaffRole
from .errors import RolesChanged, SessionEnded
from .principal import Principal, Role, roles_label

DEACTIVATED = (
    "Your account has been deactivated, so Clinic Desk has signed you out. Nothing more was "
    "saved. Ask the Owner or a Manager if you need access."
)


#: built once: it runs at the start of every unit of work while someone is signed in.
_STANDING = (
    select(Staff.__table__.c.active, StaffRole.__table__.c.role)
    .select_from(
        Staff.__table__.outerjoin(
            StaffRole.__table__, StaffRole.__table__.c.staff_id == Staff.__table__.c.id
        )
    )
    .where(Staff.__table__.c.id == bindparam("staff_id"))
)


def read_standing(session: Session, staff_id: int) -> tuple[bool, frozenset[Role]]:
    """(active, roles) of one person, in one query (plain SQL on the session's connection)."""
    rows = session.connection().execute(_STANDING, {"staff_id": staff_id}).all()
    if not rows:
        return False, frozenset()
    return bool(rows[0][0]), frozenset(Role(role) for _active, role in rows if role)


def check_standing(session: Session, principal: Principal) -> None:
    """Raise SessionEnded when `principal` is no longer active, RolesChanged when the roles the
    database holds for them are not the ones they signed in with; nothing when all is as it was."""
    active, roles = read_standing(session, principal.staff_id)
    if not active:
        raise SessionEnded(DEACTIVATED)
    if roles != principal.roles:
        raise RolesChanged(roles_changed_text(roles))


def roles_changed_text(roles: frozenset[Role]) -> str:
    return (
        f"Your roles in the practice were changed: you now hold {roles_label(roles)}. Clinic "
        "Desk now shows the screens these roles allow; nothing more was saved."
    )


def refreshed(session: Session, principal: Principal) -> Principal | None:
    """`principal` with the roles the database holds now, or None when deactivated."""
    active, roles = read_standing(session, principal.staff_id)
    return replace(principal, roles=roles) if active else None
