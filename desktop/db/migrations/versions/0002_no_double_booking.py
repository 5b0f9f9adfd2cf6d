"""No double booking (R10): the database refuses two booked appointments of one provider that overlap.

Intervals are half-open, [starts_at, ends_at): an appointment ending at 10:50 and the next one
starting at 10:50 are back to back, not overlapping. Cancelled appointments free their slot.

- PostgreSQL: an exclusion constraint over (provider_id WITH =, tstzrange(...) WITH &&), limited
  to booked rows (btree_gist lets the integer take part in the GiST index).
- SQLite: triggers before INSERT and UPDATE. SQLite keeps the UTC times as text written by
  ``UTCDateTime`` in one fixed format, 'YYYY-MM-DD HH:MM:SS.ffffff'; the triggers refuse any
  other format, so comparing the text is comparing the moments, and the comparison can use the
  (provider_id, starts_at) index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: the name the service recognises when the database refuses an overlap (PostgreSQL).
EXCLUSION_NAME = "ex_appointments_no_double_booking"
#: the message the SQLite triggers raise; the service recognises it too.
SQLITE_MESSAGE = "double booking"

_CANONICAL = (
    "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] "
    "[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]'"
)

_SQLITE_BODY = f"""
BEGIN
  SELECT RAISE(ABORT, 'appointment times must be UTC text YYYY-MM-DD HH:MM:SS.ffffff')
  WHERE NEW.starts_at NOT GLOB {_CANONICAL} OR NEW.ends_at NOT GLOB {_CANONICAL};
  SELECT RAISE(ABORT, '{SQLITE_MESSAGE}')
  WHERE NEW.status = 'booked' AND (
    -- Booked appointments of one provider never overlap, so sorted by start they are sorted by
    -- end too: only the last one starting before NEW ends can overlap it. One index step.
    SELECT other.ends_at FROM appointments AS other
    WHERE other.provider_id = NEW.provider_id
      AND other.status = 'booked'
      AND other.id IS NOT NEW.id
      AND other.starts_at < NEW.ends_at
    ORDER BY other.starts_at DESC
    LIMIT 1
  ) > NEW.starts_at;
END"""

_SQLITE_TRIGGERS = {
    "appointments_no_double_booking_insert": "BEFORE INSERT ON appointments",
    "appointments_no_double_booking_update": (
        "BEFORE UPDATE OF provider_id, starts_at, ends_at, status ON appointments"
    ),
}


_OVERLAPS = """
SELECT a.provider_id, a.id, b.id FROM appointments AS a
JOIN appointments AS b
  ON b.provider_id = a.provider_id AND b.id > a.id
 AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at
WHERE a.status = 'booked' AND b.status = 'booked'
ORDER BY a.provider_id, a.id, b.id
LIMIT 5"""


def _refuse_existing_overlaps() -> None:
    """Appointments double-booked before this release are for people to sort out: the upgrade
    stops, changing nothing, and names them."""
    overlaps = op.get_bind().execute(sa.text(_OVERLAPS)).all()
    if overlaps:
        listed = "; ".join(f"provider {p}: appointments {a} and {b}" for p, a, b in overlaps)
        raise RuntimeError(
            "Some booked appointments overlap (" + listed + "). Cancel or move one of each "
            "pair with the previous release, then upgrade again; nothing was changed."
        )


def upgrade() -> None:
    _refuse_existing_overlaps()
    if op.get_bind().dialect.name == "sqlite":
        for name, timing in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {timing}{_SQLITE_BODY}")
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        f"ALTER TABLE appointments ADD CONSTRAINT {EXCLUSION_NAME} "
        "EXCLUDE USING gist (provider_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'booked')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute(f"ALTER TABLE appointments DROP CONSTRAINT IF EXISTS {EXCLUSION_NAME}")
    # btree_gist stays: other schemas in the database may use it, and it holds no data.
