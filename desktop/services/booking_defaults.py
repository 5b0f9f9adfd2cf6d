"""Where the booking form starts when it opens from a client's profile: the provider's next
open slot in their working hours (issue: it started at the clock's current time)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..db.tables import Appointment
from ..db.uow import UnitOfWork
from .availability import find_availability
from .boundary import checked
from .calendar_export import practice_zone, require_calendar_access
from .policy import may_book_for
from .principal import Principal
from .record_facts import require_provider
from .supervision_facts import load_client_for
from .validation import require_id

#: a day without set working hours is offered from this time to that one (local).
USUAL_DAY = (time(9), time(17))


@checked
def suggested_start(
    uow: UnitOfWork,
    principal: Principal,
    provider_id: int,
    client_id: int,
    duration_minutes: int = 50,
) -> datetime:
    """Where the booking form starts: the provider's first open slot in their working hours in
    the next two weeks; for a provider without working hours, the next quarter hour of a
    usual working day (weekdays, 9:00 to 17:00)."""
    with uow:
        provider = require_provider(uow, require_id(provider_id, "provider"))
        client = load_client_for(uow, principal, require_id(client_id, "client"))
        require_calendar_access(uow, principal, may_book_for(principal, provider), client)
        zone = practice_zone(uow)
        now = uow.now().astimezone(zone)
    slots = find_availability(
        uow,
        principal,
        provider_ids=[provider.staff_id],
        client_id=client_id,
        start_date=now.date(),
        end_date=now.date() + timedelta(days=13),
        duration_minutes=duration_minutes,
    )
    if slots:
        return min(slot.starts_at for slot in slots).astimezone(zone)
    with uow:
        busy = uow.session.execute(
            select(Appointment.starts_at, Appointment.ends_at).where(
                Appointment.provider_id == provider.staff_id,
                Appointment.status == "booked",
                Appointment.ends_at > now,
                Appointment.starts_at < now + timedelta(days=14),
            )
        ).all()
    return _first_free_usual_time(now, duration_minutes, busy, zone)


def _first_free_usual_time(now: datetime, minutes: int, busy, zone) -> datetime:
    """The first quarter hour from `now` on a weekday between 9:00 and 17:00 that no booked
    appointment overlaps (`now` itself when nothing fits in two weeks)."""
    length = timedelta(minutes=minutes)
    start = (now + timedelta(minutes=15 - now.minute % 15)).replace(second=0, microsecond=0)
    for _ in range(14 * 24 * 4):
        day_start = datetime.combine(start.date(), USUAL_DAY[0], zone)
        day_end = datetime.combine(start.date(), USUAL_DAY[1], zone)
        if start.weekday() >= 5 or start + length > day_end:
            start = datetime.combine(start.date() + timedelta(days=1), USUAL_DAY[0], zone)
            continue
        if start < day_start:
            start = day_start
        if not any(s < start + length and e > start for s, e in busy):
            return start
        start += timedelta(minutes=15)
    return now
