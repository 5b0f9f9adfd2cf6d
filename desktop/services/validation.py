"""Checks of what people type, shared by every service; each returns the cleaned value or raises."""

from __future__ import annotations

import re
import zoneinfo

from .errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def clean_text(
    value: str | None,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    field: str | None = None,
) -> str:
    """Trimmed text of at most `max_length` characters; empty only when not required."""
    text = (value or "").strip()
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
