"""The calendar: appointments, repeating series, weekly availability and time off."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base, one_of

APPOINTMENT_STATUSES = ("booked", "cancelled")
#: what became of a session (migration 0012): kept apart from `status`, which says only whether
#: the appointment holds its time (booked) or freed it (cancelled; a late cancel frees it too).
ATTENDANCE_STATES = ("scheduled", "arrived", "attended", "no_show", "late_cancel")


class AppointmentSeries(Base):
    """A repeating appointment: the rule (RFC 5545 RRULE) and the local time it repeats in."""

    __tablename__ = "appointment_series"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    rrule: Mapped[str] = mapped_column(String(500))
    first_start_local: Mapped[str] = mapped_column(String(32))
    time_zone: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Appointment(Base):
    """One booked session of a provider with a client, in UTC, with its place-of-service code.

    The database refuses two booked appointments of one provider that overlap, as half-open
    intervals (R10): an exclusion constraint on PostgreSQL, triggers on SQLite (migration 0002;
    not declared here, so `create_all` would not build it: use the migrations).
    """

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(one_of("status", APPOINTMENT_STATUSES), name="status_known"),
        CheckConstraint(one_of("attendance", ATTENDANCE_STATES), name="attendance_known"),
        CheckConstraint("length(pos_code) = 2", name="pos_code_two_digits"),
        Index("ix_appointments_provider_time", "provider_id", "starts_at"),
        Index("ix_appointments_client", "client_id", "starts_at"),
        # The booked ones in time order: the client list by next appointment reads them.
        Index(
            "ix_appointments_booked_time",
            "starts_at",
            "client_id",
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    appointment_type: Mapped[str] = mapped_column(String(80), default="Session")
    pos_code: Mapped[str] = mapped_column(String(2), default="11")
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="booked")
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    attendance: Mapped[str] = mapped_column(
        String(16), default="scheduled", server_default="scheduled"
    )
    series_id: Mapped[int | None] = mapped_column(ForeignKey("appointment_series.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ProviderAvailability(Base):
    """A provider's weekly working hours: one row per weekday span, in the practice's time zone."""

    __tablename__ = "provider_availability"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        Index("ix_provider_availability_provider", "provider_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    #: Monday is 0, as in Python's ``date.weekday()``.
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ProviderTimeOff(Base):
    """A span when a provider is not available (leave, training), in UTC."""

    __tablename__ = "provider_time_off"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(200))
