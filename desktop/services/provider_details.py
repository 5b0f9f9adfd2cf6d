"""A provider's credentials and licence (R12: the Owner), as the superbill prints them under the
provider's name ("LCSW", "LCSW 482913 · NPI 1245319870")."""

from __future__ import annotations

from dataclasses import dataclass

from ..db.tables import ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .policy import may_keep_provider_details
from .principal import Principal
from .validation import clean_text, require_id

MAX_CREDENTIALS, MAX_LICENCE = 120, 60


@dataclass(frozen=True)
class ProviderDetails:
    """What the Provider details form shows and saves."""

    staff_id: int
    display_name: str
    credentials: str
    licence_number: str
    #: the staff row's version, for a save that someone else's change must not overwrite.
    version: int


def _profile(uow: UnitOfWork, staff_id: int) -> tuple[Staff, ProviderProfile]:
    staff = uow.session.get(Staff, require_id(staff_id, "staff member"))
    if staff is None:
        raise NotFound("That staff member no longer exists. Refresh the Staff screen.")
    if staff.provider_profile is None or not any(r.role == "provider" for r in staff.roles):
        raise InvalidInput(f"{staff.display_name} is not a provider.")
    return staff, staff.provider_profile


def _details(staff: Staff, profile: ProviderProfile) -> ProviderDetails:
    return ProviderDetails(
        staff.id,
        staff.display_name,
        profile.credentials or "",
        profile.licence_number or "",
        staff.version,
    )


@checked
def provider_details(uow: UnitOfWork, principal: Principal, staff_id: int) -> ProviderDetails:
    """A provider's credentials and licence, for the Owner's form."""
    may_keep_provider_details(principal).require()
    with uow:
        return _details(*_profile(uow, staff_id))


def details_problems(credentials: str, licence_number: str) -> list[InvalidInput]:
    """Every problem of the form at once."""
    problems: list[InvalidInput] = []
    for value, label, most, field in (
        (credentials, "The credentials", MAX_CREDENTIALS, "credentials"),
        (licence_number, "The licence", MAX_LICENCE, "licence_number"),
    ):
        try:
            clean_text(value, label, max_length=most, required=False, field=field)
        except InvalidInput as problem:
            problems.append(problem)
    return problems


@checked
def set_provider_details(
    uow: UnitOfWork,
    principal: Principal,
    staff_id: int,
    credentials: str,
    licence_number: str,
    expected_version: int,
) -> ProviderDetails:
    """Save a provider's credentials and licence (R12: the Owner); audited with what changed."""
    may_keep_provider_details(principal).require()
    problems = details_problems(credentials, licence_number)
    if problems:
        raise problems[0]
    wanted = {
        "credentials": clean_text(credentials, "", max_length=MAX_CREDENTIALS, required=False),
        "licence_number": clean_text(licence_number, "", max_length=MAX_LICENCE, required=False),
    }
    with uow:
        staff, profile = _profile(uow, staff_id)
        if staff.version != expected_version:
            raise Conflict(
                "Someone else changed this staff member a moment ago; nothing was saved."
            )
        changed = {
            key: {"before": getattr(profile, key) or "", "after": value}
            for key, value in wanted.items()
            if (getattr(profile, key) or "") != value
        }
        if changed:
            for key, value in wanted.items():
                setattr(profile, key, value or None)
            audit.record(
                uow,
                principal,
                audit.Action.PROVIDER_DETAILS_CHANGED,
                subject=f"staff:{staff.id}",
                details=changed,
            )
            uow.commit()
            uow.session.refresh(staff)
        return _details(staff, profile)
