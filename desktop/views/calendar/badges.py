"""The badge each appointment status wears: a letter or sign beside its word, so the calendar
reads in grey scale and to a screen reader, not by colour alone."""

from __future__ import annotations

#: status -> (badge sign, words on screen); scheduled wears no badge.
BADGES = {
    "scheduled": ("", "Scheduled"),
    "arrived": ("A", "Arrived"),
    "attended": ("✓", "Attended"),
    "no_show": ("N", "No-show"),
    "late_cancel": ("L", "Late cancel"),
    "cancelled": ("C", "Cancelled"),
}


def status_words(status: str) -> str:
    """ "No-show" for "no_show"; "" for a Busy appointment, whose status is not shown."""
    return BADGES.get(status, ("", ""))[1]


def badge_sign(status: str) -> str:
    return BADGES.get(status, ("", ""))[0]
