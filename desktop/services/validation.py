"""Checks of what people type, shared by every service; each returns the cleaned value or raises."""

from __future__ import annotations

import re
import zoneinfo

from .errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: the largest id a row can have (ids are INTEGER columns: signed 32-bit on PostgreSQL).
MAX_ID = 2**31 - 1


def require_id(value: object, what: str) -> int:
    """A row id as the user interface passes it: a whole number a database can hold."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise InvalidInput(f"That {what} cannot be found. Refresh the screen and try again.")
    return value


def require_text(value: object, label: str, *, field: str | None = None) -> str | None:
    """`value` when it is text (or None) that can be stored: no NUL byte, no lone surrogate
    (half of a character, which no database can store)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.", field=field)
    if "\x00" in value:
        raise InvalidInput(f"{label} cannot contain control characters.", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{label} contains a broken character; type it again.", field=field
        ) from None
    return value


def clean_text(
    value: str | None,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    field: str | None = None,
) -> str:
    """Trimmed text of at most `max_length` characters; empty only when not required."""
    text = (require_text(value, label, field=field) or "").strip()
    if required and not text:
        raise InvalidInput(f"{label} is required.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"{label} can have at most {max_length} characters (it has {len(text):,}).",
            field=field,
        )
    if any(ord(ch) < 32 for ch in text):
        raise InvalidInput(
            f"{label} cannot contain line breaks or control characters.", field=field
        )
    return text


#: what a phone number holds: digits, spaces, + ( ) - . / and an extension ("x12", "ext. 12").
PHONE_PATTERN = r"\+?[0-9 ()./-]*(?:\s*(?:x|ext\.?)\s*[0-9]+)?"
_PHONE = re.compile(PHONE_PATTERN, re.IGNORECASE)


def clean_phone(value: str | None, label: str, *, max_length: int, field: str) -> str:
    """A phone number, or empty: only what a phone number can hold, with at least 3 digits."""
    text = " ".join(
        clean_text(value, label, max_length=max_length, required=False, field=field).split()
    )
    if text and (not _PHONE.fullmatch(text) or sum(ch.isdigit() for ch in text) < 3):
        raise InvalidInput(
            f"{label} can hold digits, spaces, + ( ) - . and an extension such as x12.",
            field=field,
        )
    return text


def clean_email(value: str | None, *, field: str = "email") -> str:
    """A login email, lower-cased, in a plausible shape."""
    email = clean_text(value, "The email address", max_length=254, field=field).lower()
    if not _EMAIL.match(email):
        raise InvalidInput(f"'{email[:60]}' does not look like an email address.", field=field)
    return email


def clean_time_zone(value: str | None, *, field: str = "time_zone") -> str:
    """An IANA time zone name such as "America/Toronto"."""
    name = (value or "").strip()
    if not name:
        raise InvalidInput("Choose the practice's time zone.", field=field)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"'{name[:60]}' is not a time zone this computer knows.", field=field
        ) from None
    return name
