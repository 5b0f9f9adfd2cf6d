"""The practice (the group) and its staff, roles and provider profiles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, FetchedValue, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..types import UTCDateTime
from .base import Base, one_of

ROLES = ("owner", "manager", "record_custodian", "provider", "scheduler", "biller")
RECORD_OWNERS = ("group", "provider")
#: who must sign in with a second factor (R19): nobody, the record-keeping roles, everyone.
SECOND_FACTOR_RULES = ("off", "record_keepers", "everyone")


class Practice(Base):
    """The one practice this database holds (SPEC: one database, one practice)."""

    __tablename__ = "practice"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_practice"),
        CheckConstraint("idle_minutes BETWEEN 1 AND 60", name="idle_minutes_range"),
        CheckConstraint(one_of("second_factor", SECOND_FACTOR_RULES), name="second_factor_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: minutes without input after which every window locks (R19).
    #: (defaults kept by the database only, so rows written without them suit older schemas)
    idle_minutes: Mapped[int] = mapped_column(Integer, server_default=text("15"))
    second_factor: Mapped[str] = mapped_column(String(16), server_default=text("'off'"))
    #: an attended session without a signed note is listed in "Notes to write" this many hours
    #: after it began (migration 0012).
    #: (no Python default: a practice row written without it leaves it to the database, so
    #: tools writing to an older schema still work)
    note_due_hours: Mapped[int] = mapped_column(Integer, server_default="24")
    #: the practice's postal address, printed on superbills (migration 0014). Left to the
    #: database when unset (NULL), so rows written without it suit older schemas.
    address: Mapped[str | None] = mapped_column(String(300), server_default=FetchedValue())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version, "eager_defaults": False}


class Staff(Base):
    """A person who signs in. Deactivated, never deleted (R12)."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("length(email) BETWEEN 3 AND 254", name="email_length"),
        CheckConstraint("length(display_name) BETWEEN 1 AND 120", name="display_name_length"),
        CheckConstraint("failed_sign_ins >= 0", name="failed_sign_ins_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    #: deferred: never read with the row (staff logins on a server may not read it at all).
    password_hash: Mapped[str] = mapped_column(String(255), deferred=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: set by an administrator's password (new colleague, reset): replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    roles: Mapped[list[StaffRole]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", lazy="selectin"
    )
    provider_profile: Mapped[ProviderProfile | None] = relationship(
        back_populates="staff", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version, "eager_defaults": False}


class StaffRole(Base):
    """One role held by one staff member."""

    __tablename__ = "staff_roles"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role_known"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)

    staff: Mapped[Staff] = relationship(back_populates="roles")


class ProviderProfile(Base):
    """A clinician's practice settings; `records_owner` answers who owns the records they write."""

    __tablename__ = "provider_profiles"
    __table_args__ = (
        CheckConstraint(one_of("records_owner", RECORD_OWNERS), name="records_owner_known"),
    )

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    records_owner: Mapped[str] = mapped_column(String(16))
    discipline: Mapped[str | None] = mapped_column(String(120))
    credentials: Mapped[str | None] = mapped_column(String(120))
    #: the clinician's licence (and NPI) as insurers ask for it on a superbill (migration 0014).
    licence_number: Mapped[str | None] = mapped_column(String(60), server_default=FetchedValue())
    version: Mapped[int] = mapped_column(Integer, default=1)

    staff: Mapped[Staff] = relationship(back_populates="provider_profile")

    __mapper_args__ = {"version_id_col": version, "eager_defaults": False}
