"""Calendar rules (R10): who books, moves and cancels on whose calendar; who keeps working hours."""

from __future__ import annotations

from ..principal import Principal, Role
from .decision import ALLOWED, Decision, refused
from .record_rules import ProviderFacts

#: roles that book for every provider (R10).
BOOKING_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER})
#: roles that keep every provider's working hours and time off.
AVAILABILITY_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.SCHEDULER})


def may_change_calendar(principal: Principal, provider: ProviderFacts) -> Decision:
    """R10: the Owner, Managers, Record Custodians and Schedulers book, move and cancel for every
    provider; a provider on their own calendar."""
    if principal.has(*BOOKING_ROLES):
        return ALLOWED
    if principal.has(Role.PROVIDER):
        if principal.staff_id == provider.staff_id:
            return ALLOWED
        return refused(
            "R10",
            f"You can book only on your own calendar. Ask the front desk to book with "
            f"{provider.name}.",
        )
    return refused(
        "R10",
        "Booking is for the Owner, Managers, Record Custodians, Schedulers, and providers on "
        "their own calendar.",
    )


def may_use_booking(principal: Principal) -> Decision:
    """R10: whether someone books at all (for everyone, or on their own calendar)."""
    if principal.has(*BOOKING_ROLES, Role.PROVIDER):
        return ALLOWED
    return refused(
        "R10",
        "Booking is for the Owner, Managers, Record Custodians, Schedulers, and providers on "
        "their own calendar.",
    )


def may_book_for(principal: Principal, provider: ProviderFacts) -> Decision:
    """R10 for a new or moved appointment: as above, and never for a deactivated provider."""
    if not provider.active:
        return refused("R10", f"{provider.name} is deactivated; choose an active provider.")
    return may_change_calendar(principal, provider)


def may_manage_availability(principal: Principal, provider: ProviderFacts) -> Decision:
    """R10: a provider keeps their own hours and time off; the Owner, Managers and Schedulers
    keep everyone's."""
    if principal.has(*AVAILABILITY_ROLES):
        return ALLOWED
    if principal.has(Role.PROVIDER) and principal.staff_id == provider.staff_id:
        return ALLOWED
    return refused(
        "R10",
        f"Only {provider.name}, the Owner, a Manager or a Scheduler can change "
        f"{provider.name}'s working hours and time off.",
    )


def may_record_attendance(principal: Principal, provider: ProviderFacts) -> Decision:
    """R10: who marks a session arrived, attended, no-show, late cancel or cancelled: the front
    desk (Owner, Managers, Record Custodians, Schedulers) for every provider, and the provider
    on their own calendar. Billers read the outcome; they do not record it."""
    if principal.has(*BOOKING_ROLES):
        return ALLOWED
    if principal.has(Role.PROVIDER) and principal.staff_id == provider.staff_id:
        return ALLOWED
    return refused(
        "R10",
        f"Only the front desk or {provider.name} can record what became of "
        f"{provider.name}'s sessions.",
    )


def may_see_notes_to_write(principal: Principal, provider: ProviderFacts) -> Decision:
    """Notes to write: a provider sees their own sessions waiting for a note; the Owner and
    Managers see every provider's, to follow up."""
    if principal.has(Role.OWNER, Role.MANAGER):
        return ALLOWED
    if principal.has(Role.PROVIDER) and principal.staff_id == provider.staff_id:
        return ALLOWED
    return refused(
        "R3",
        f"Only {provider.name}, the Owner or a Manager can see which of {provider.name}'s "
        "sessions still need a note.",
    )


def may_set_note_due_hours(principal: Principal) -> Decision:
    """How long a practice gives for a session's note is a practice setting: the Owner's."""
    if principal.has(Role.OWNER):
        return ALLOWED
    return refused("R12", "Only the Owner changes the practice's settings.")


def may_write_session_note(principal: Principal, provider: ProviderFacts) -> Decision:
    """R3: a session's note goes into the chart of the provider who held the session, and only
    they write it."""
    if principal.has(Role.PROVIDER) and principal.staff_id == provider.staff_id:
        return ALLOWED
    return refused(
        "R3", f"Only {provider.name} writes the note of {provider.name}'s session, in their chart."
    )
