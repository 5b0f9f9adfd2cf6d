"""The practice itself: is it set up, and setting it up on first run with its Owner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from ..db.tables import Practice, ProviderProfile, Staff, StaffRole
from ..db.uow import UnitOfWork
from . import audit, server_logins
from .boundary import checked
from .errors import Conflict, InvalidInput
from .passwords import Passwords, password_problem
from .principal import Principal, Role
from .validation import clean_email, clean_text, clean_time_zone


@dataclass(frozen=True)
class PracticeInfo:
    """The practice's name and time zone."""

    name: str
    time_zone: str


def practice_info(uow: UnitOfWork) -> PracticeInfo | None:
    """The practice, or None when this database has not been set up yet."""
    with uow:
        practice = uow.session.get(Practice, 1)
        return PracticeInfo(practice.name, practice.time_zone) if practice else None


@dataclass(frozen=True)
class PracticeSetup:
    """What the "Set up your practice" form collects."""

    practice_name: str
    time_zone: str
    owner_name: str
    owner_email: str
    password: str
    password_again: str
    owner_is_provider: bool = False


def _setup_checks(setup: PracticeSetup) -> tuple[Callable[[], object], ...]:
    """The set-up form's checks in the form's order; each returns its clean value or raises."""

    def password() -> None:
        problem = password_problem(setup.password)
        if problem:
            raise InvalidInput(problem, field="password")

    def password_again() -> None:
        if setup.password != setup.password_again:
            raise InvalidInput("The two passwords are not the same.", field="password_again")

    return (
        lambda: clean_text(
            setup.practice_name, "The practice name", max_length=200, field="practice_name"
        ),
        lambda: clean_time_zone(setup.time_zone),
        lambda: clean_text(setup.owner_name, "Your name", max_length=120, field="owner_name"),
        lambda: clean_email(setup.owner_email, field="owner_email"),
        password,
        password_again,
    )


def setup_problems(setup: PracticeSetup) -> list[InvalidInput]:
    """Every problem of the set-up form at once, in the form's order (shown beside their
    fields). Checks only; nothing is read or written."""
    problems: list[InvalidInput] = []
    for check in _setup_checks(setup):
        try:
            check()
        except InvalidInput as problem:
            problems.append(problem)
    return problems


def _create_practice(
    uow: UnitOfWork, passwords: Passwords, setup: PracticeSetup, workstation: str
) -> Principal:
    """The practice and its Owner, audited, in the caller's unit of work (not committed)."""
    name, zone, owner_name, email, _, _ = (check() for check in _setup_checks(setup))
    roles = {Role.OWNER} | ({Role.PROVIDER} if setup.owner_is_provider else set())
    session = uow.session
    if session.get(Practice, 1) is not None or session.scalar(select(Staff.id).limit(1)):
        raise Conflict("This database already holds a practice; sign in instead.")
    now = uow.now()
    session.add(Practice(id=1, name=name, time_zone=zone, created_at=now))
    owner = Staff(
        email=email,
        display_name=owner_name,
        password_hash=passwords.hash(setup.password),
        active=True,
        created_at=now,
        roles=[StaffRole(role=role.value) for role in roles],
    )
    session.add(owner)
    session.flush()
    if setup.owner_is_provider:
        session.add(ProviderProfile(staff_id=owner.id, records_owner="group"))
    server_logins.create_login(uow, owner.id, setup.password)
    principal = Principal(owner.id, email, owner_name, frozenset(roles), workstation)
    audit.record(
        uow,
        principal,
        audit.Action.PRACTICE_CREATED,
        subject="practice:1",
        details={"name": name, "time_zone": zone},
    )
    return principal


@checked
def set_up_practice(
    uow: UnitOfWork, passwords: Passwords, setup: PracticeSetup, workstation: str
) -> Principal:
    """Create the practice and its Owner on an empty database (the set-up form); returns the
    Owner, signed in."""
    with uow:
        principal = _create_practice(uow, passwords, setup, workstation)
        audit.record(uow, principal, audit.Action.SIGN_IN, subject=f"staff:{principal.staff_id}")
        uow.commit()
        return principal


@checked
def provision_practice(
    uow: UnitOfWork, passwords: Passwords, setup: PracticeSetup, workstation: str
) -> Principal:
    """IT's set-up of a practice on a server (`clinicdesk db provision`): the practice and its
    first Owner, whose own login signs in later. The trail says the practice was set up, and
    not that the Owner signed in: they did not."""
    with uow:
        principal = _create_practice(uow, passwords, setup, workstation)
        uow.commit()
        return principal
