"""Emergency access (R18): who may use it, and every use with its reason and review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base


class EmergencySettings(Base):
    """The practice's emergency access settings (one row; none means the defaults): the roles
    allowed, as a comma-separated list of role names, and how long one access lasts."""

    __tablename__ = "emergency_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 1440", name="duration_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    allowed_roles: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class EmergencyAllowedStaff(Base):
    """A person the practice names as allowed to use emergency access, whatever their roles."""

    __tablename__ = "emergency_allowed_staff"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)


class EmergencyAccess(Base):
    """One use of emergency access: a person opened a client's records for a reason, until
    `expires_at` or until they ended it (`ended_at`); the Owner or a Record Custodian reviews it."""

    __tablename__ = "emergency_accesses"
    __table_args__ = (
        CheckConstraint("length(reason) BETWEEN 1 AND 1000", name="reason_length"),
        CheckConstraint("expires_at > opened_at", name="expires_after_opening"),
        Index("ix_emergency_accesses_staff_client", "staff_id", "client_id", "expires_at"),
        Index("ix_emergency_accesses_opened_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
