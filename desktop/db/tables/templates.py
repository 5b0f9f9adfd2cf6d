"""Note templates: the sections a progress note is written in (SOAP, DAP, BIRP, ...)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime
from .base import Base


class NoteTemplate(Base):
    """A practice's note template: a name and its section headings, one per line, in order.
    The four built in (migration 0012) can be edited like the practice's own; none is deleted,
    a template no longer wanted is retired (`active` false)."""

    __tablename__ = "note_templates"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 80", name="name_length"),
        CheckConstraint("length(sections) BETWEEN 1 AND 2000", name="sections_length"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    sections: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
