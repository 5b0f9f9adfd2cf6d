"""Billing (R11): the practice's fee schedule, a charge for each billable session, payments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base, one_of

#: what a fee-schedule entry is used for when a charge is made without typing a code.
FEE_USES = ("session", "no_show", "late_cancel")
#: what a charge is for: an attended session, or the practice's no-show or late-cancel fee.
CHARGE_KINDS = ("session", "no_show", "late_cancel")
CHARGE_STATUSES = ("open", "void")
PAYMENT_METHODS = ("card", "cash", "cheque", "insurance", "other")
PAYMENT_STATUSES = ("recorded", "void")


class FeeScheduleEntry(Base):
    """A service code the practice bills (CPT/HCPCS, or its own code for a no-show fee), its
    description and fee in cents. `use_for`, `appointment_type` and the minutes band say which
    sessions get this code by default; entries are retired (`active` false), never deleted."""

    __tablename__ = "fee_schedule"
    __table_args__ = (
        CheckConstraint("length(code) BETWEEN 1 AND 10", name="code_length"),
        CheckConstraint("length(description) BETWEEN 1 AND 200", name="description_length"),
        CheckConstraint("fee_cents BETWEEN 0 AND 100000000", name="fee_range"),
        CheckConstraint(one_of("use_for", FEE_USES), name="use_for_known"),
        CheckConstraint(
            "minutes_from IS NULL OR minutes_to IS NULL OR minutes_to >= minutes_from",
            name="minutes_order",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    fee_cents: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    use_for: Mapped[str] = mapped_column(String(16), default="session")
    #: sessions of this appointment type get this code (matched without regard to case).
    appointment_type: Mapped[str | None] = mapped_column(String(80))
    #: otherwise a session lasting this many minutes (a band; either end may be open).
    minutes_from: Mapped[int | None] = mapped_column(Integer)
    minutes_to: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Charge(Base):
    """What one session costs the client: one charge per appointment (a unique index), made
    when a biller's screen meets an attended, no-show or late-cancel session; voided, never
    deleted, when the session turns out not to be billable."""

    __tablename__ = "charges"
    __table_args__ = (
        CheckConstraint(one_of("kind", CHARGE_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", CHARGE_STATUSES), name="status_known"),
        CheckConstraint("fee_cents BETWEEN 0 AND 100000000", name="fee_range"),
        CheckConstraint("length(pos_code) = 2", name="pos_code_two_digits"),
        Index("ix_charges_client", "client_id", "service_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), unique=True)
    service_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(200))
    fee_cents: Mapped[int] = mapped_column(Integer)
    #: the ICD-10-CM codes this charge points to, in order, one a line.
    diagnosis_codes: Mapped[str | None] = mapped_column(String(400))
    pos_code: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default="open")
    void_reason: Mapped[str | None] = mapped_column(String(500))
    #: a person changed the code, fee, diagnoses or place: the session's status no longer
    #: re-prices it.
    adjusted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Payment(Base):
    """Money received from or for a client, in cents: for one charge, or on the client's
    account (then it pays the oldest charges first). Voided with a reason, never deleted."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents BETWEEN 1 AND 100000000", name="amount_range"),
        CheckConstraint(one_of("method", PAYMENT_METHODS), name="method_known"),
        CheckConstraint(one_of("status", PAYMENT_STATUSES), name="status_known"),
        Index("ix_payments_client", "client_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("charges.id"))
    received_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="recorded")
    void_reason: Mapped[str | None] = mapped_column(String(500))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
