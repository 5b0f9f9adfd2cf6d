"""Clients (one record per person at group level), their links to providers and linked profiles."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base, one_of

LINK_STATUSES = ("active", "inactive", "discharged")


class Client(Base):
    """A client's profile: demographics, contacts and emergency contact (R2)."""

    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint("length(first_name) BETWEEN 1 AND 100", name="first_name_length"),
        CheckConstraint("length(last_name) BETWEEN 1 AND 100", name="last_name_length"),
        Index("ix_clients_sort_name", "sort_name", "id"),
        Index("ix_clients_date_of_birth", "date_of_birth", "sort_name", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    #: lower-cased "last first" kept by the service layer, for sorting and prefix search.
    sort_name: Mapped[str] = mapped_column(String(201))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(40))
    gender_identity: Mapped[str | None] = mapped_column(String(80))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    phone_mobile: Mapped[str | None] = mapped_column(String(40))
    phone_home: Mapped[str | None] = mapped_column(String(40))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(200))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    emergency_contact_relationship: Mapped[str | None] = mapped_column(String(80))
    billing_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


#: the columns of a word's first letters, and how many letters each holds.
FIRST_LETTERS = (("first_letter", 1), ("first_two", 2))

#: name words compare by code point on every database (PostgreSQL's "C" collation), so a
#: prefix's range of words is exactly the words that start with it.
_WORD = String(100).with_variant(String(100, collation="C"), "postgresql")


class ClientNameWord(Base):
    """One word of a client's name, for search as you type; kept by `db/name_index.py`.

    On SQLite the table is its primary key's index (WITHOUT ROWID), so a search reads it alone.
    """

    __tablename__ = "client_name_words"
    __table_args__ = (
        CheckConstraint("length(word) BETWEEN 1 AND 100", name="word_length"),
        CheckConstraint("shared >= 0 AND shared < 100", name="shared_length"),
        Index("ix_client_name_words_client_id", "client_id"),
        # each client once per first letter(s) (`shared` below their length), in list order
        *(
            Index(
                f"ix_client_name_words_{column}",
                column,
                "sort_name",
                "client_id",
                sqlite_where=text(f"shared < {letters}"),
                postgresql_where=text(f"shared < {letters}"),
            )
            for column, letters in FIRST_LETTERS
        ),
        {"sqlite_with_rowid": False},
    )

    word: Mapped[str] = mapped_column(_WORD, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    #: how many leading characters the word shares with the client's previous word (sorted).
    shared: Mapped[int] = mapped_column(SmallInteger)
    #: the client's sort_name, so a search sorts by name without reading `clients`.
    sort_name: Mapped[str] = mapped_column(String(201))
    #: the word's first letter and first two, kept by the database: the first keystrokes of a
    #: search compare them for equality (a comparison row-level security lets through to the
    #: index, where a function of the word would be held back until after the policy), so their
    #: first page is read from an index in list order and stops after it. Stored (an upgraded
    #: SQLite file computes them when read: a column added there may not be stored).
    first_letter: Mapped[str] = mapped_column(
        String(1), Computed("substr(word, 1, 1)", persisted=True)
    )
    first_two: Mapped[str] = mapped_column(
        String(2), Computed("substr(word, 1, 2)", persisted=True)
    )


class ClientProviderLink(Base):
    """Puts a client on a provider's list, with that provider's settings (R1, R2, R6).

    A link is ended (``ended_at``), never deleted, so the history of who treated whom stays.
    """

    __tablename__ = "client_provider_links"
    __table_args__ = (
        CheckConstraint(one_of("status", LINK_STATUSES), name="status_known"),
        CheckConstraint("ended_at IS NULL OR ended_at >= created_at", name="ends_after_start"),
        Index(
            "uq_client_provider_links_open",
            "client_id",
            "provider_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_client_provider_links_provider", "provider_id", "client_id"),
        # A provider's list read from the index alone (every policy on PostgreSQL asks it).
        Index(
            "ix_client_provider_links_open_by_provider",
            "provider_id",
            "client_id",
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider_profiles.staff_id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    diagnosis: Mapped[str | None] = mapped_column(String(500))
    #: ICD-10-CM codes for the client with this provider, primary first, one a line (0012).
    diagnosis_codes: Mapped[str | None] = mapped_column(String(400))
    start_date: Mapped[date | None] = mapped_column(Date)
    #: true for the provider treating the client after a transfer (R8); informational.
    is_treating: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LinkedProfile(Base):
    """Two profiles of the same person, linked as "Self" (R14). Stored once per pair."""

    __tablename__ = "linked_profiles"
    __table_args__ = (
        CheckConstraint("client_id < other_client_id", name="ordered_pair"),
        UniqueConstraint("client_id", "other_client_id"),
        # A client's pairs from the other side too (the client list asks for every line).
        Index("ix_linked_profiles_other", "other_client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    other_client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    relationship: Mapped[str] = mapped_column(String(40), default="Self")
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
