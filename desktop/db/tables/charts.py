"""Charts: notes (progress and private), documents, chart shares and the notices they send."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base, one_of

NOTE_KINDS = ("progress", "private")
NOTE_STATUSES = ("draft", "signed")
DOCUMENT_CATEGORIES = ("clinical", "non_clinical")
SHARE_END_REASONS = ("manual", "expired", "recipient_deactivated", "link_ended")
#: the largest document a clinic may store, in bytes (25 MiB).
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024


class ChartNote(Base):
    """A note in one provider's chart of one client (R3); private psychotherapy notes are apart (R4).

    A signed note never changes; a correction is an addendum pointing at the note it amends.
    """

    __tablename__ = "chart_notes"
    __table_args__ = (
        CheckConstraint(one_of("kind", NOTE_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", NOTE_STATUSES), name="status_known"),
        CheckConstraint("(status = 'signed') = (signed_at IS NOT NULL)", name="signed_has_time"),
        CheckConstraint("addendum_to_id IS NULL OR addendum_to_id <> id", name="not_own_addendum"),
        CheckConstraint("length(body) <= 200000", name="body_length"),
        Index("ix_chart_notes_chart", "client_id", "author_id", "kind"),
        # R3: the clients in whose chart a provider wrote, read by the server's policies
        Index("ix_chart_notes_author", "author_id", "client_id"),
        Index(
            "uq_chart_notes_session",
            "appointment_id",
            unique=True,
            sqlite_where=text("appointment_id IS NOT NULL"),
            postgresql_where=text("appointment_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    #: the provider whose chart this note belongs to; only they write it.
    author_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    session_date: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    addendum_to_id: Mapped[int | None] = mapped_column(ForeignKey("chart_notes.id"))
    #: the session this progress note documents ("Write note" on an attended appointment).
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Document(Base):
    """A file kept with a client: non-clinical (Docs & Forms, R2) or clinical (a chart's, R3)."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(one_of("category", DOCUMENT_CATEGORIES), name="category_known"),
        CheckConstraint(
            "(category = 'clinical') = (owner_provider_id IS NOT NULL)",
            name="clinical_has_owner",
        ),
        CheckConstraint(f"size_bytes BETWEEN 0 AND {MAX_DOCUMENT_BYTES}", name="size_limit"),
        CheckConstraint("length(file_name) BETWEEN 1 AND 255", name="file_name_length"),
        Index("ix_documents_client", "client_id", "category", "owner_provider_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    category: Mapped[str] = mapped_column(String(16))
    owner_provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ChartShare(Base):
    """One-way access to provider A's chart of client C for provider B (R3, R4, R5, B2)."""

    __tablename__ = "chart_shares"
    __table_args__ = (
        CheckConstraint("from_provider_id <> to_provider_id", name="not_to_self"),
        CheckConstraint(
            "expires_at IS NULL OR expires_at > started_at", name="expires_after_start"
        ),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        CheckConstraint("(ended_at IS NULL) = (end_reason IS NULL)", name="end_reason_iff_ended"),
        CheckConstraint(
            "end_reason IS NULL OR " + one_of("end_reason", SHARE_END_REASONS),
            name="end_reason_known",
        ),
        Index(
            "uq_chart_shares_open",
            "client_id",
            "from_provider_id",
            "to_provider_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_chart_shares_recipient", "to_provider_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    from_provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    to_provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    include_private: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    end_reason: Mapped[str | None] = mapped_column(String(32))
    #: why the chart was shared or the client transferred, as typed (optional; B7).
    purpose: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Notification(Base):
    """A notice to one staff member in the app, such as "A shared C's chart with you" (B4)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient", "recipient_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CaseloadTransfer(Base):
    """A departing provider's whole caseload moved to a colleague (R9); resumable item by item."""

    __tablename__ = "caseload_transfers"
    __table_args__ = (
        CheckConstraint("from_provider_id <> to_provider_id", name="not_to_self"),
        CheckConstraint(
            one_of("status", ("running", "finished", "cancelled")), name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    to_provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    include_private: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the departing provider's future appointments with each client move to the colleague.
    move_appointments: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CaseloadTransferItem(Base):
    """One client of a caseload transfer; ``done_at`` is set when that client has moved."""

    __tablename__ = "caseload_transfer_items"

    transfer_id: Mapped[int] = mapped_column(ForeignKey("caseload_transfers.id"), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the departing provider's future appointments with the client moved, and left (clashes).
    appointments_moved: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    appointments_left: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
