"""The audit trail (R13): append-only, hash-chained events (B6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base


class AuditEvent(Base):
    """One recorded event. ``seq`` counts from 1 without gaps; ``hash`` chains each to the last.

    The database refuses UPDATE and DELETE on this table (triggers in the migrations).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint("seq >= 1", name="seq_positive"),
        Index("ix_audit_events_client", "client_id", "occurred_at"),
        Index("ix_audit_events_occurred", "occurred_at"),
        # the Audit screen's filters and sorts, each followed by seq for keyset paging
        Index("ix_audit_events_client_seq", "client_id", "seq"),
        Index("ix_audit_events_actor_seq", "actor_id", "seq"),
        Index("ix_audit_events_action_seq", "action", "seq"),
        Index("ix_audit_events_workstation_seq", "workstation", "seq"),
        Index("ix_audit_events_label_seq", "actor_label", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: the staff member who acted; empty for a failed sign-in with an unknown email.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    #: the name given at sign-in or the actor's email, kept as text so the entry reads alone.
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    #: what was acted on, e.g. "chart:12" or "staff:4".
    subject: Mapped[str | None] = mapped_column(String(200))
    #: canonical JSON with the details of the event.
    details: Mapped[str] = mapped_column(Text, default="{}")
    workstation: Mapped[str] = mapped_column(String(255))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's last entry, one row, locked by every writer so entries are appended in turn
    (on PostgreSQL only at commit, when a transaction's entries are chained)."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """The head of the chain at one moment, signed with the practice's audit key (B8).

    The key is kept outside the database, so whoever can write this table but lacks the key can
    neither forge a checkpoint nor rewrite the entries up to one unnoticed. Append-only too.
    """

    __tablename__ = "audit_checkpoints"
    __table_args__ = (
        CheckConstraint("seq >= 0", name="seq_not_negative"),
        Index("ix_audit_checkpoints_seq", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the last entry the signature covers (0: the empty trail).
    seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: SHA-256 of the raw public key, in hex: which key signed.
    key_id: Mapped[str] = mapped_column(String(64))
    #: the Ed25519 signature of the checkpoint's canonical text, in hex.
    signature: Mapped[str] = mapped_column(String(128))
    workstation: Mapped[str] = mapped_column(String(255))
