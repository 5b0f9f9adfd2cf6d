"""Clinical supervision (R16) and restricted clients (R17)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base, one_of

SUPERVISION_MODES = ("read", "approve", "cosign")
REVIEW_STATES = ("awaiting", "returned", "approved")


class Supervision(Base):
    """Provider B supervises provider A (R16): for all of A's clients, or for one client when
    `client_id` is set (that choice wins over A's default). Ended, never deleted."""

    __tablename__ = "supervisions"
    __table_args__ = (
        CheckConstraint("supervisee_id <> supervisor_id", name="not_self"),
        CheckConstraint(one_of("mode", SUPERVISION_MODES), name="mode_known"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        Index("ix_supervisions_supervisee", "supervisee_id", "client_id", "ended_at"),
        Index("ix_supervisions_supervisor", "supervisor_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supervisee_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    #: "read", "approve" or "cosign".
    mode: Mapped[str] = mapped_column(String(16))
    #: None for the supervisee's default; a client for that client's override.
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class NoteReview(Base):
    """A supervisee's progress note sent to their supervisor (R16, approve and co-sign modes).

    While `state` is "awaiting" the note is a draft that only its author and `supervisor_id`
    read and nobody changes; "returned" gives it back to the author with `comment`; "approved"
    signed it, and in co-sign mode `cosigner_id` keeps the supervisor's signature beside the
    author's."""

    __tablename__ = "note_reviews"
    __table_args__ = (
        CheckConstraint(one_of("state", REVIEW_STATES), name="state_known"),
        CheckConstraint(one_of("mode", SUPERVISION_MODES[1:]), name="mode_known"),
        CheckConstraint("(cosigner_id IS NULL) = (cosigned_at IS NULL)", name="cosign_has_time"),
        CheckConstraint("length(comment) <= 4000", name="comment_length"),
        Index("ix_note_reviews_supervisor", "supervisor_id", "state"),
        Index("ix_note_reviews_author", "author_id", "state"),
    )

    note_id: Mapped[int] = mapped_column(ForeignKey("chart_notes.id"), primary_key=True)
    #: the note's author and client, kept here so whoever moves a review when supervision
    #: changes finds it without reading the draft itself.
    author_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    #: "approve" or "cosign": the supervision's mode when the note was sent.
    mode: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cosigner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ClientRestriction(Base):
    """Client C is hidden from staff member S (R17): for S the client does not exist. Lifted,
    never deleted."""

    __tablename__ = "client_restrictions"
    __table_args__ = (
        CheckConstraint("length(reason) BETWEEN 1 AND 500", name="reason_length"),
        CheckConstraint("lifted_at IS NULL OR lifted_at >= started_at", name="lifts_after_start"),
        Index(
            "uq_client_restrictions_open",
            "staff_id",
            "client_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
        Index("ix_client_restrictions_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str] = mapped_column(String(500))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
