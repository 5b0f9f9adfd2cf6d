"""Find Availability over 4 weeks for 50 providers on an embedded SQLite file (target: <= 50 ms).

Baseline, measured in the same run on the same data: the same rows loaded the same way, then
every 15-minute step of every working day checked against each busy interval in Python.

    .venv/bin/python bench/find_availability_bench.py [--providers 50] [--weeks 4] [--runs 15]

The ratio (baseline / Find Availability) is printed last.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time as clock
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from desktop.clock import FixedClock  # noqa: E402
from desktop.db.engine import create_database_engine, sqlite_url  # noqa: E402
from desktop.db.migrate import upgrade  # noqa: E402
from desktop.db.tables import (  # noqa: E402
    Appointment,
    Client,
    ClientProviderLink,
    ProviderAvailability,
    ProviderTimeOff,
    Staff,
)
from desktop.db.uow import UnitOfWork  # noqa: E402
from desktop.services import practice, staff  # noqa: E402
from desktop.services.availability import find_availability, practice_zone, to_utc  # noqa: E402
from desktop.services.passwords import Passwords  # noqa: E402
from desktop.services.principal import Role  # noqa: E402

ZONE = "America/Toronto"
FIRST_DAY = date(2026, 3, 2)  # a Monday; the weeks include the DST change of 8 March
PASSWORD = "correct horse battery"
DURATION, STEP = 50, 15


def build(path: Path, providers: int, weeks: int, seed: int = 7) -> tuple:
    engine = create_database_engine(sqlite_url(path))
    upgrade(engine, backup_first=False)
    start_moment = datetime.combine(FIRST_DAY, time(), ZoneInfo(ZONE)).astimezone(UTC)
    make = lambda: UnitOfWork(engine, FixedClock(start_moment))  # noqa: E731
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    owner = practice.set_up_practice(
        make(),
        passwords,
        practice.PracticeSetup(
            "Bench Practice", ZONE, "Owner", "owner@bench.test", PASSWORD, PASSWORD
        ),
        workstation="bench",
    )
    ids = []
    for n in range(providers):
        member = staff.add_staff(
            make(),
            owner,
            passwords,
            staff.NewStaff(
                f"Provider {n:02d}",
                f"p{n}@bench.test",
                PASSWORD,
                frozenset({Role.PROVIDER}),
                "group",
            ),
        )
        ids.append(member.id)
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    with make() as uow:
        now = uow.now()
        client = Client(
            first_name="Bench",
            last_name="Client",
            sort_name="client bench",
            created_at=now,
            updated_at=now,
        )
        uow.session.add(client)
        uow.session.flush()
        hours, appointments, time_off = [], [], []
        for provider_id in ids:
            uow.session.add(
                ClientProviderLink(client_id=client.id, provider_id=provider_id, created_at=now)
            )
            for weekday in range(5):
                hours.append(
                    {
                        "provider_id": provider_id,
                        "weekday": weekday,
                        "start_time": time(9),
                        "end_time": time(17),
                        "version": 1,
                    }
                )
            for day in (FIRST_DAY + timedelta(days=d) for d in range(weeks * 7)):
                if day.weekday() >= 5:
                    continue
                for hour in sorted(rng.sample(range(9, 17), 5)):
                    start = to_utc(datetime.combine(day, time(hour, rng.choice((0, 10)))), zone)
                    appointments.append(
                        {
                            "provider_id": provider_id,
                            "client_id": client.id,
                            "starts_at": start,
                            "ends_at": start + timedelta(minutes=50),
                            "appointment_type": "Session",
                            "pos_code": "11",
                            "status": "booked",
                            "created_by": provider_id,
                            "created_at": now,
                            "version": 1,
                        }
                    )
            off_day = FIRST_DAY + timedelta(days=rng.randrange(weeks * 7))
            time_off.append(
                {
                    "provider_id": provider_id,
                    "starts_at": to_utc(datetime.combine(off_day, time(12)), zone),
                    "ends_at": to_utc(datetime.combine(off_day, time(17)), zone),
                }
            )
        uow.session.execute(insert(ProviderAvailability), hours)
        uow.session.execute(insert(Appointment), appointments)
        uow.session.execute(insert(ProviderTimeOff), time_off)
        uow.commit()
    return engine, make, owner, len(appointments)


def baseline(make, providers_total: int, start_date: date, end_date: date) -> list[tuple]:
    """The slow way: every 15-minute step of every working span, checked against every busy
    interval of the provider. Same rows, loaded the same way, as Find Availability."""
    with make() as uow:
        zone = practice_zone(uow)
        providers = uow.session.execute(select(Staff.id, Staff.display_name).order_by(Staff.id))
        providers = [p for p in providers if p[1].startswith("Provider")]
        window = (
            to_utc(datetime.combine(start_date, time()), zone),
            to_utc(datetime.combine(end_date + timedelta(days=1), time()), zone),
        )
        hours = defaultdict(list)
        for pid, weekday, start, end in uow.session.execute(
            select(
                ProviderAvailability.provider_id,
                ProviderAvailability.weekday,
                ProviderAvailability.start_time,
                ProviderAvailability.end_time,
            )
        ):
            hours[pid].append((weekday, start, end))
        busy = defaultdict(list)
        for table in (Appointment, ProviderTimeOff):
            query = select(table.provider_id, table.starts_at, table.ends_at).where(
                table.starts_at < window[1], table.ends_at > window[0]
            )
            if table is Appointment:
                query = query.where(Appointment.status == "booked")
            for pid, start, end in uow.session.execute(query):
                busy[pid].append((start, end))
        now = uow.now()
    length, step = timedelta(minutes=DURATION), timedelta(minutes=STEP)
    slots = []
    for pid, name in providers:
        day = start_date
        while day <= end_date:
            for weekday, start, end in hours[pid]:
                if weekday != day.weekday():
                    continue
                work_start = to_utc(datetime.combine(day, start), zone)
                work_end = to_utc(datetime.combine(day, end), zone)
                slot = work_start
                while slot + length <= work_end:
                    slot_end = slot + length
                    clash = any(b0 < slot_end and b1 > slot for b0, b1 in busy[pid])
                    if not clash and slot >= now:
                        slots.append((pid, name, slot, slot_end))
                    slot += step
            day += timedelta(days=1)
    return slots


def timed(function, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU milliseconds of `runs` calls (CPU time is what this process
    used: on a busy machine it is the fairer figure), and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = clock.perf_counter(), clock.process_time()
        result = function()
        cpus.append(clock.process_time() - cpu)
        walls.append(clock.perf_counter() - wall)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clinicdesk-bench-") as folder:
        engine, make, owner, booked = build(
            Path(folder) / "bench.sqlite", args.providers, args.weeks
        )
        try:
            last = FIRST_DAY + timedelta(days=args.weeks * 7 - 1)

            def fast():
                return find_availability(
                    make(),
                    owner,
                    provider_ids=None,
                    client_id=None,
                    start_date=FIRST_DAY,
                    end_date=last,
                    duration_minutes=DURATION,
                    step_minutes=STEP,
                )

            def slow():
                return baseline(make, args.providers, FIRST_DAY, last)

            fast()  # warm the caches of both once
            fast_ms, fast_cpu, found = timed(fast, args.runs)
            slow_ms, slow_cpu, expected = timed(slow, max(3, args.runs // 5))
            same = sorted((s.provider_id, s.starts_at) for s in found) == sorted(
                (s[0], s[2]) for s in expected
            )
            reference_ms, reference_cpu, _ = timed(lambda: sum(range(10**6)), 5)
            print(f"providers: {args.providers}, weeks: {args.weeks}, appointments: {booked}")
            print(
                f"this machine: sum(range(10**6)) takes {reference_ms:.1f} ms wall, "
                f"{reference_cpu:.1f} ms CPU (pure-Python speed, for scale)"
            )
            print(f"open slots found: {len(found)} (baseline agrees: {same})")
            print(
                f"Find Availability (interval sweep): {fast_ms:8.1f} ms wall {fast_cpu:8.1f} ms CPU"
                "  (target <= 50 ms)"
            )
            print(
                f"baseline (every 15-minute slot):    {slow_ms:8.1f} ms wall {slow_cpu:8.1f} ms CPU"
            )
            print(
                f"ratio baseline / Find Availability: {slow_cpu / fast_cpu:8.1f}x CPU "
                f"({slow_ms / fast_ms:.1f}x wall)"
            )
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
