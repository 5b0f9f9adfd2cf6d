"""Second factor (R19, RFC 6238): each person's authenticator secret, encrypted, and their
single-use recovery codes, hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base


class SecondFactor(Base):
    """One person's authenticator: the secret, encrypted; confirmed once a code was typed."""

    __tablename__ = "second_factors"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the 30-second step of the last code accepted: a code is never accepted twice.
    last_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(Base):
    """A single-use recovery code, kept as an argon2 hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
