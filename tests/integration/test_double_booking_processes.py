"""No double booking (R10) across workstations: several OS processes, each with its own engine on
the same database, book at the same moment. Exactly one gets a slot; the others are told who
holds it. Back-to-back bookings made at the same moment all succeed."""

from __future__ import annotations

import importlib
import multiprocessing
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from desktop.db.tables import Appointment, Client, ClientProviderLink
from desktop.db.uow import UnitOfWork
from desktop.services import practice, staff
from desktop.services.errors import Conflict
from desktop.services.passwords import Passwords
from desktop.services.principal import Principal, Role
from desktop.services.scheduling import BookingRequest, book_appointment
from tests.sqlite_key import engine_for

TORONTO = ZoneInfo("America/Toronto")
PASSWORD = "correct horse battery"
WORKSTATIONS = 4
#: how long starting the workstations or one round of booking may take, in seconds.
TIMEOUT_S = 120
#: the round starts this long after it is handed out, so every workstation is waiting by then.
START_DELAY_S = 1.0


def _book_at(url: str, principal: Principal, request: BookingRequest, start_at: float):
    """One workstation: its own engine, connected first; at `start_at` (wall clock) it books."""
    engine = engine_for(url)
    try:
        with engine.connect():
            pass
        time.sleep(max(0.0, start_at - time.time()))
        try:
            book_appointment(UnitOfWork(engine), principal, request)
            return ("booked", request.starts_at.isoformat())
        except Conflict as conflict:
            return ("conflict", conflict.message)
        except Exception as error:  # reported to the test, which fails on it
            return ("error", f"{type(error).__name__}: {error}")
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def workstations():
    """Separate OS processes (spawned: nothing inherited), started once for this module."""
    context = multiprocessing.get_context("spawn")
    # Each process imports this module (and so Clinic Desk) as it starts, not when booking.
    with context.Pool(WORKSTATIONS, importlib.import_module, (__name__,)) as pool:
        pool.map(time.sleep, [0.2] * WORKSTATIONS, chunksize=1)  # every process is up
        yield pool


def _run_workstations(pool, url: str, principal: Principal, requests: list[BookingRequest]):
    start_at = time.time() + START_DELAY_S
    pending = [
        pool.apply_async(_book_at, (url, principal, request, start_at)) for request in requests
    ]
    return [result.get(timeout=TIMEOUT_S) for result in pending]


@pytest.fixture
def front_desk(database_url: str):
    """A practice with Ben Adeyemi (provider), a Scheduler, and Kim Chen, on nobody's list yet."""
    engine = engine_for(database_url)
    passwords = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        owner = practice.set_up_practice(
            UnitOfWork(engine),
            passwords,
            practice.PracticeSetup(
                "Harbour Therapy Group",
                "America/Toronto",
                "Dr. Maya Okafor",
                "owner@harbour.test",
                PASSWORD,
                PASSWORD,
            ),
            workstation="front-desk-1",
        )

        def add(name: str, email: str, role: Role, records_owner: str | None = None):
            member = staff.add_staff(
                UnitOfWork(engine),
                owner,
                passwords,
                staff.NewStaff(name, email, PASSWORD, frozenset({role}), records_owner),
            )
            return Principal(member.id, member.email, member.display_name, member.roles, "desk")

        ben = add("Ben Adeyemi", "ben@harbour.test", Role.PROVIDER, "group")
        scheduler = add("Sam Front Desk", "sam@harbour.test", Role.SCHEDULER)
        with UnitOfWork(engine) as uow:
            now = uow.now()
            kim = Client(
                first_name="Kim",
                last_name="Chen",
                sort_name="chen kim",
                created_at=now,
                updated_at=now,
            )
            uow.session.add(kim)
            uow.commit()
            kim_id = kim.id
        yield engine, scheduler, ben, kim_id
    finally:
        engine.dispose()


def _booked(engine) -> list[datetime]:
    with UnitOfWork(engine) as uow:
        return list(
            uow.session.scalars(
                select(Appointment.starts_at)
                .where(Appointment.status == "booked")
                .order_by(Appointment.starts_at)
            )
        )


def test_R10_one_slot_booked_from_several_workstations_at_once_goes_to_exactly_one(
    database_url, front_desk, workstations
):
    engine, scheduler, ben, kim = front_desk
    start = datetime(2026, 3, 3, 10, tzinfo=TORONTO)
    requests = [BookingRequest(ben.staff_id, kim, start) for _ in range(WORKSTATIONS)]

    outcomes = _run_workstations(workstations, database_url, scheduler, requests)

    assert sorted(kind for kind, _ in outcomes) == ["booked"] + ["conflict"] * (WORKSTATIONS - 1)
    for kind, message in outcomes:
        if kind == "conflict":
            assert message == (
                "Ben Adeyemi already has an appointment from 10:00 to 10:50 on Tue 3 Mar; "
                "nothing was booked."
            )
    assert _booked(engine) == [start]


def test_R10_back_to_back_slots_booked_at_once_all_succeed(database_url, front_desk, workstations):
    engine, scheduler, ben, lou = front_desk
    """Kim is new to Ben: every booking would add her to his list; she is added once (R7)."""
    engine, scheduler, ben, kim = front_desk
    starts = [
        datetime(2026, 3, 3, 9, 10, tzinfo=TORONTO),
        datetime(2026, 3, 3, 10, 0, tzinfo=TORONTO),
        datetime(2026, 3, 3, 10, 50, tzinfo=TORONTO),
    ]
    requests = [BookingRequest(ben.staff_id, kim, start) for start in starts]

    outcomes = _run_workstations(workstations, database_url, scheduler, requests)

    assert [kind for kind, _ in outcomes] == ["booked"] * len(starts), outcomes
    assert _booked(engine) == starts
    with UnitOfWork(engine) as uow:
        links = uow.session.scalars(
            select(ClientProviderLink.provider_id).where(ClientProviderLink.client_id == kim)
        ).all()
    assert links == [ben.staff_id]
