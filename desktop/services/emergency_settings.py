"""The practice's emergency access settings (R18): which roles and which named people may use
it, and how long one access lasts. Read by the rule; changed by the Owner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select

from ..db.tables import EmergencyAllowedStaff, EmergencySettings, Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput
from .policy import (
    DEFAULT_EMERGENCY_MINUTES,
    DEFAULT_EMERGENCY_ROLES,
    may_change_emergency_settings,
    may_review_emergency_access,
)
from .principal import Principal, Role
from .validation import require_id

#: the shortest and longest emergency access a practice may choose, in minutes.
MIN_MINUTES, MAX_MINUTES = 5, 24 * 60


@dataclass(frozen=True)
class EmergencyRules:
    """Who may use emergency access and for how long, as the practice set it (or the defaults).
    `allowed_staff` holds (staff id, name) pairs, by name."""

    allowed_roles: frozenset[Role]
    allowed_staff: tuple[tuple[int, str], ...]
    duration_minutes: int

    @property
    def allowed_staff_ids(self) -> frozenset[int]:
        return frozenset(staff_id for staff_id, _name in self.allowed_staff)


def _roles(text: str) -> frozenset[Role]:
    return frozenset(Role(value) for value in text.split(",") if value in Role._value2member_map_)


def current_rules(uow: UnitOfWork) -> EmergencyRules:
    """The settings in force, in the caller's transaction (no permission check)."""
    row = uow.session.get(EmergencySettings, 1)
    people = uow.session.execute(
        select(Staff.id, Staff.display_name)
        .join(EmergencyAllowedStaff, EmergencyAllowedStaff.staff_id == Staff.id)
        .order_by(Staff.display_name, Staff.id)
    ).all()
    return EmergencyRules(
        allowed_roles=_roles(row.allowed_roles) if row else DEFAULT_EMERGENCY_ROLES,
        allowed_staff=tuple((r[0], r[1]) for r in people),
        duration_minutes=row.duration_minutes if row else DEFAULT_EMERGENCY_MINUTES,
    )


@checked
def emergency_rules(uow: UnitOfWork, principal: Principal) -> EmergencyRules:
    """The settings, for the Owner (who changes them) and Record Custodians (who review uses)."""
    if not principal.has(Role.OWNER):
        may_review_emergency_access(principal).require()
    with uow:
        return current_rules(uow)


def _clean_roles(roles: Iterable[str]) -> frozenset[Role]:
    cleaned = set()
    for value in roles:
        if value not in Role._value2member_map_:
            raise InvalidInput("Choose roles from the list.", field="allowed_roles")
        cleaned.add(Role(value))
    return frozenset(cleaned)


def _clean_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidInput("The duration must be a number of minutes.", field="duration_minutes")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"Emergency access lasts between {MIN_MINUTES} minutes and 24 hours.",
            field="duration_minutes",
        )
    return minutes


@checked
def update_emergency_rules(
    uow: UnitOfWork,
    principal: Principal,
    allowed_roles: list[str],
    allowed_staff_ids: list[int],
    duration_minutes: int,
) -> EmergencyRules:
    """The Owner sets who may use emergency access (roles and named people) and its duration."""
    may_change_emergency_settings(principal).require()
    roles = _clean_roles(allowed_roles)
    minutes = _clean_minutes(duration_minutes)
    people = {require_id(staff_id, "colleague") for staff_id in allowed_staff_ids}
    with uow:
        known = set(uow.session.scalars(select(Staff.id).where(Staff.id.in_(people))))
        if known != people:
            raise InvalidInput(
                "One of the people chosen is not on this practice's staff. Refresh the list.",
                field="allowed_staff_ids",
            )
        row = uow.session.get(EmergencySettings, 1)
        role_text = ",".join(role.value for role in Role if role in roles)
        if row is None:
            uow.session.add(
                EmergencySettings(id=1, allowed_roles=role_text, duration_minutes=minutes)
            )
        else:
            row.allowed_roles, row.duration_minutes = role_text, minutes
        uow.session.execute(delete(EmergencyAllowedStaff))
        uow.session.add_all(EmergencyAllowedStaff(staff_id=staff_id) for staff_id in sorted(people))
        uow.session.flush()
        audit.record(
            uow,
            principal,
            audit.Action.EMERGENCY_SETTINGS_CHANGED,
            subject="practice:1",
            details={
                "allowed_roles": role_text,
                "allowed_staff": sorted(people),
                "duration_minutes": minutes,
            },
        )
        rules = current_rules(uow)
        uow.commit()
        return rules
