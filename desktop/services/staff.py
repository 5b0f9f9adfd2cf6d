"""Staff administration (R12): add staff, set roles and record ownership, deactivate, never delete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import flag_modified

from ..db.tables import ChartShare, ProviderProfile, Staff, StaffRole
from ..db.uow import UnitOfWork
from . import audit, server_logins
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .passwords import Passwords, password_problem
from .policy import may_administer_staff, may_change_records_owner, may_grant_roles
from .principal import Principal, Role, roles_label
from .sharing import end_expired_shares
from .supervision import end_supervisions_by_in_transaction
from .validation import clean_email, clean_text

RECORDS_OWNER_LABELS = {"group": "The group", "provider": "The provider"}


@dataclass(frozen=True)
class StaffMember:
    """One staff member as lists and forms show them."""

    id: int
    email: str
    display_name: str
    roles: frozenset[Role]
    active: bool
    #: "group" or "provider" for providers; None for everyone else.
    records_owner: str | None
    version: int
    #: whether an ownership answer was ever given (a former provider keeps theirs).
    has_provider_profile: bool = False

    @property
    def roles_label(self) -> str:
        return roles_label(self.roles)

    @property
    def is_provider(self) -> bool:
        return Role.PROVIDER in self.roles


def _member(staff: Staff) -> StaffMember:
    profile = staff.provider_profile
    return StaffMember(
        id=staff.id,
        email=staff.email,
        display_name=staff.display_name,
        roles=frozenset(Role(r.role) for r in staff.roles),
        active=staff.active,
        records_owner=profile.records_owner
        if profile and any(r.role == "provider" for r in staff.roles)
        else None,
        version=staff.version,
        has_provider_profile=staff.provider_profile is not None,
    )


@checked
def list_staff(
    uow: UnitOfWork,
    principal: Principal,
    *,
    include_inactive: bool = True,
    providers_only: bool = False,
) -> list[StaffMember]:
    """Everyone on the practice's staff (or only its providers), by name. Every signed-in
    person may see who works here: colleagues are chosen by name or email (R15)."""
    with uow:
        query = select(Staff).order_by(Staff.display_name, Staff.id)
        if not include_inactive:
            query = query.where(Staff.active.is_(True))
        if providers_only:
            query = query.where(
                Staff.id.in_(
                    select(StaffRole.staff_id).where(StaffRole.role == Role.PROVIDER.value)
                )
            )
        return [_member(s) for s in uow.session.scalars(query)]


def _clean_roles(roles: set[Role] | frozenset[Role]) -> frozenset[Role]:
    roles = frozenset(Role(r) for r in roles)
    if not roles:
        raise InvalidInput("Choose at least one role.", field="roles")
    return roles


def _clean_records_owner(value: str | None) -> str:
    if value not in RECORDS_OWNER_LABELS:
        raise InvalidInput(
            "Answer who owns the records this provider produces: the group or the provider.",
            field="records_owner",
        )
    return value


@dataclass(frozen=True)
class NewStaff:
    """What the "Add staff" form collects."""

    display_name: str
    email: str
    password: str
    roles: frozenset[Role]
    #: required when roles include Provider: "group" or "provider".
    records_owner: str | None = None


def new_staff_problems(new: NewStaff) -> list[InvalidInput]:
    """Every problem of an Add staff form at once, one per field at fault, in the form's order
    (a form shows them all beside their fields). Checks only; nothing is read or written."""
    checks = (
        lambda: clean_text(new.display_name, "The name", max_length=120, field="display_name"),
        lambda: clean_email(new.email),
        lambda: _refuse_weak_password(new.password),
        lambda: _clean_roles(new.roles),
    )
    problems: list[InvalidInput] = []
    for check in checks:
        try:
            check()
        except InvalidInput as problem:
            problems.append(problem)
    return problems


def _refuse_weak_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise InvalidInput(problem, field="password")


@checked
def add_staff(
    uow: UnitOfWork, principal: Principal, passwords: Passwords, new: NewStaff
) -> StaffMember:
    """Add a staff member (R12); a new provider's record-ownership policy is set here."""
    roles = _clean_roles(new.roles)
    may_grant_roles(principal, roles).require()
    name = clean_text(new.display_name, "The name", max_length=120, field="display_name")
    email = clean_email(new.email)
    _refuse_weak_password(new.password)
    records_owner = _clean_records_owner(new.records_owner) if Role.PROVIDER in roles else None
    with uow:
        session = uow.session
        if session.scalar(select(Staff.id).where(Staff.email == email)) is not None:
            raise InvalidInput(f"Someone on the staff already signs in as {email}.", field="email")
        staff = Staff(
            email=email,
            display_name=name,
            password_hash=passwords.hash(new.password),
            active=True,
            must_change_password=True,  # the administrator knows it (R19)
            created_at=uow.now(),
            roles=[StaffRole(role=r.value) for r in roles],
        )
        session.add(staff)
        session.flush()
        if records_owner:
            session.add(ProviderProfile(staff_id=staff.id, records_owner=records_owner))
        server_logins.create_login(uow, staff.id, new.password)
        audit.record(
            uow,
            principal,
            audit.Action.STAFF_ADDED,
            subject=f"staff:{staff.id}",
            details={
                "email": email,
                "roles": sorted(r.value for r in roles),
                "records_owner": records_owner,
            },
        )
        uow.commit()
        session.refresh(staff)
        return _member(staff)


def _load(uow: UnitOfWork, staff_id: int, expected_version: int | None) -> Staff:
    staff = uow.session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("That staff member no longer exists.")
    if expected_version is not None and staff.version != expected_version:
        raise Conflict(
            f"{staff.display_name}'s details were changed by someone else a moment ago. "
            "Look at them again, then repeat your change."
        )
    return staff


def _touch(staff: Staff) -> None:
    """Make the staff row itself update, so its version moves with changes to its roles."""
    flag_modified(staff, "display_name")


def _active_owner_count(uow: UnitOfWork, excluding: int) -> int:
    query = (
        select(Staff.id)
        .join(StaffRole)
        .where(StaffRole.role == Role.OWNER.value, Staff.active.is_(True), Staff.id != excluding)
    )
    return len(uow.session.scalars(query).all())


@checked
def set_roles(
    uow: UnitOfWork,
    principal: Principal,
    staff_id: int,
    roles: set[Role] | frozenset[Role],
    *,
    expected_version: int | None = None,
    records_owner: str | None = None,
) -> StaffMember:
    """Change a staff member's roles (R12). Making someone a provider for the first time needs
    their record-ownership answer; the practice always keeps at least one active Owner."""
    roles = _clean_roles(roles)
    with uow:
        staff = _load(uow, staff_id, expected_version)
        before = frozenset(Role(r.role) for r in staff.roles)
        may_grant_roles(principal, roles - before).require()
        may_administer_staff(principal).require()
        if Role.OWNER in before and Role.OWNER not in roles:
            if not principal.has(Role.OWNER):
                may_grant_roles(principal, frozenset({Role.OWNER})).require()
            if _active_owner_count(uow, staff.id) == 0:
                raise InvalidInput(
                    "The practice needs at least one active Owner: make someone else Owner first.",
                    field="roles",
                )
        if Role.PROVIDER in roles and staff.provider_profile is None:
            owner = _clean_records_owner(records_owner)
            uow.session.add(ProviderProfile(staff_id=staff.id, records_owner=owner))
        staff.roles = [StaffRole(role=r.value) for r in roles]
        _touch(staff)
        audit.record(
            uow,
            principal,
            audit.Action.STAFF_ROLES_CHANGED,
            subject=f"staff:{staff.id}",
            details={
                "before": sorted(r.value for r in before),
                "after": sorted(r.value for r in roles),
            },
        )
        uow.commit()
        uow.session.refresh(staff)
        return _member(staff)


@checked
def change_records_owner(
    uow: UnitOfWork,
    principal: Principal,
    provider_id: int,
    records_owner: str,
    *,
    expected_version: int | None = None,
) -> StaffMember:
    """Change who owns an existing provider's records (R12: the Owner only)."""
    may_change_records_owner(principal).require()
    owner = _clean_records_owner(records_owner)
    with uow:
        staff = _load(uow, provider_id, expected_version)
        profile = staff.provider_profile
        if profile is None or Role.PROVIDER not in {Role(r.role) for r in staff.roles}:
            raise InvalidInput(f"{staff.display_name} is not a provider.", field="records_owner")
        before = profile.records_owner
        if before != owner:
            profile.records_owner = owner
            _touch(staff)
            audit.record(
                uow,
                principal,
                audit.Action.RECORDS_OWNER_CHANGED,
                subject=f"staff:{staff.id}",
                details={"before": before, "after": owner},
            )
            uow.commit()
            uow.session.refresh(staff)
        return _member(staff)


@checked
def deactivate_staff(
    uow: UnitOfWork, principal: Principal, staff_id: int, *, expected_version: int | None = None
) -> StaffMember:
    """Deactivate a staff member (R12): they can no longer sign in, and every chart share made to
    them ends. Their records, links and history stay; nobody is ever deleted."""
    may_administer_staff(principal).require()
    if staff_id == principal.staff_id:
        raise InvalidInput("You cannot deactivate your own account; ask another Owner or Manager.")
    with uow:
        staff = _load(uow, staff_id, expected_version)
        if not staff.active:
            return _member(staff)
        roles = {Role(r.role) for r in staff.roles}
        if Role.OWNER in roles:
            if not principal.has(Role.OWNER):
                may_grant_roles(principal, frozenset({Role.OWNER})).require()
            if _active_owner_count(uow, staff.id) == 0:
                raise InvalidInput(
                    "The practice needs at least one active Owner: this is the last one."
                )
        now = uow.now()
        end_expired_shares(uow)  # a share already past its end date ended then, not now (B2)
        staff.active = False
        staff.deactivated_at = now
        ended = uow.session.execute(
            update(ChartShare)
            .where(ChartShare.to_provider_id == staff.id, ChartShare.ended_at.is_(None))
            .values(
                ended_at=now,
                ended_by=principal.staff_id,
                end_reason="recipient_deactivated",
                version=ChartShare.version + 1,
            )
            .returning(ChartShare.id, ChartShare.client_id, ChartShare.from_provider_id)
        ).all()
        for share_id, client_id, from_id in ended:
            audit.record(
                uow,
                principal,
                audit.Action.SHARE_ENDED,
                client_id=client_id,
                subject=f"share:{share_id}",
                details={"from": from_id, "to": staff.id, "reason": "recipient_deactivated"},
            )
        supervisions = end_supervisions_by_in_transaction(uow, principal, staff.id)
        audit.record(
            uow,
            principal,
            audit.Action.STAFF_DEACTIVATED,
            subject=f"staff:{staff.id}",
            details={"shares_ended": len(ended), "supervisions_ended": supervisions},
        )
        server_logins.disable_login(uow, staff.id)
        uow.commit()
        uow.session.refresh(staff)
        return _member(staff)


@checked
def reactivate_staff(
    uow: UnitOfWork, principal: Principal, staff_id: int, *, expected_version: int | None = None
) -> StaffMember:
    """Let a deactivated staff member sign in again; ended chart shares stay ended."""
    may_administer_staff(principal).require()
    with uow:
        staff = _load(uow, staff_id, expected_version)
        if staff.active:
            return _member(staff)
        staff.active = True
        staff.deactivated_at = None
        staff.failed_sign_ins = 0
        staff.locked_until = None
        audit.record(uow, principal, audit.Action.STAFF_REACTIVATED, subject=f"staff:{staff.id}")
        server_logins.enable_login(uow, staff.id)
        uow.commit()
        uow.session.refresh(staff)
        return _member(staff)
