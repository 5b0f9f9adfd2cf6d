"""Booking (R10, R7, R6): who books for whom, the new-provider alert and link, the booking form's
client search, place of service, and no double booking (checked by the service and enforced by
the database)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from sqlalchemy import Engine, column, func, select, table, text, update
from sqlalchemy.exc import IntegrityError

from desktop.db import migrate
from desktop.db.tables import Appointment, AuditEvent
from desktop.db.types import UTCDateTime
from desktop.services import audit, scheduling, staff
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.principal import Principal, Role
from desktop.services.scheduling import BookingRequest

from .conftest import snapshot
from .factories import linked_provider_ids, make_client, make_note, readable_note_ids

TORONTO = ZoneInfo("America/Toronto")


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A wall-clock time at the practice (America/Toronto)."""
    return datetime(year, month, day, hour, minute, tzinfo=TORONTO)


@dataclass
class Practice:
    """The staff and clients the calendar tests share."""

    owner: Principal
    manager: Principal
    custodian: Principal
    scheduler: Principal
    biller: Principal
    ben: Principal
    ana: Principal
    #: Kim Chen is Ana's client; Lou Park is Ben's; Kimberly Wong is nobody's yet.
    kim: int
    lou: int
    wong: int


def set_up_calendar(uow, owner, add_member) -> Practice:
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="provider")
    return Practice(
        owner=owner,
        manager=add_member("Mo Manager", Role.MANAGER),
        custodian=add_member("Rae Custodian", Role.RECORD_CUSTODIAN),
        scheduler=add_member("Sam Front Desk", Role.SCHEDULER),
        biller=add_member("Bea Biller", Role.BILLER),
        ben=ben,
        ana=ana,
        kim=make_client(uow(), "Kim", "Chen", ana.staff_id),
        lou=make_client(uow(), "Lou", "Park", ben.staff_id),
        wong=make_client(uow(), "Kimberly", "Wong"),
    )


@pytest.fixture
def cal(uow, owner, add_member) -> Practice:
    return set_up_calendar(uow, owner, add_member)


def request(provider: Principal, client: int, start: datetime, **changes) -> BookingRequest:
    return BookingRequest(provider.staff_id, client, start, **changes)


def actions(uow) -> list[tuple[str, int | None, dict]]:
    with uow() as work:
        rows = work.session.execute(
            select(AuditEvent.action, AuditEvent.client_id, AuditEvent.details).order_by(
                AuditEvent.seq
            )
        ).all()
    return [(action, client, json.loads(details)) for action, client, details in rows]


# -- place of service ---------------------------------------------------------------------------


def test_R10_place_of_service_codes_are_the_cms_list():
    codes = {pos.code: pos.name for pos in scheduling.place_of_service_codes()}
    assert codes["02"] == "Telehealth Provided Other than in Patient's Home"
    assert codes["10"] == "Telehealth Provided in Patient's Home"
    assert codes["11"] == "Office"
    assert codes["12"] == "Home"
    assert codes["99"] == "Other Place of Service"
    assert len(codes) >= 50
    assert all(len(code) == 2 and code.isdigit() for code in codes)
    assert list(codes) == sorted(codes)


def test_R10_an_appointment_keeps_its_place_of_service(uow, cal):
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10), pos_code="10")
    )
    (view,) = result.appointments
    assert (view.pos_code, view.pos_name) == ("10", "Telehealth Provided in Patient's Home")


# -- who books for whom (R10) -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "manager", "custodian", "scheduler"])
def test_R10_group_roles_book_for_any_provider(uow, cal, role):
    booker = getattr(cal, role)
    result = scheduling.book_appointment(uow(), booker, request(cal.ben, cal.lou, at(3, 3, 10)))
    (view,) = result.appointments
    assert (view.provider_name, view.client_name) == ("Ben Adeyemi", "Lou Park")
    assert view.starts_at == at(3, 3, 10) and view.ends_at == at(3, 3, 10, 50)
    assert result.new_link_provider_name is None


def test_R10_a_provider_books_on_their_own_calendar(uow, cal):
    result = scheduling.book_appointment(uow(), cal.ben, request(cal.ben, cal.lou, at(3, 3, 10)))
    assert result.appointments[0].provider_id == cal.ben.staff_id


def test_R10_a_provider_cannot_book_on_a_colleagues_calendar(uow, cal, engine):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        scheduling.book_appointment(uow(), cal.ana, request(cal.ben, cal.kim, at(3, 3, 10)))
    assert refused.value.rule == "R10"
    assert refused.value.reason == (
        "You can book only on your own calendar. Ask the front desk to book with Ben Adeyemi."
    )
    assert snapshot(engine) == before


def test_R10_a_biller_does_not_book(uow, cal, engine):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        scheduling.book_appointment(uow(), cal.biller, request(cal.ben, cal.lou, at(3, 3, 10)))
    assert refused.value.rule == "R10"
    assert snapshot(engine) == before


def test_R10_nobody_books_for_a_deactivated_provider(uow, cal, owner):
    staff.deactivate_staff(uow(), owner, cal.ben.staff_id)
    with pytest.raises(PermissionRefused, match="Ben Adeyemi is deactivated"):
        scheduling.book_appointment(uow(), owner, request(cal.ben, cal.lou, at(3, 3, 10)))


def test_R2_a_provider_cannot_book_a_client_who_is_not_on_their_list(uow, cal, engine):
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refused:
        scheduling.book_appointment(uow(), cal.ben, request(cal.ben, cal.kim, at(3, 3, 10)))
    assert refused.value.rule == "R2"
    assert "not on your list" in refused.value.reason
    assert snapshot(engine) == before


# -- booking with a provider new to the client (R7, R6) ----------------------------------------


def test_R7_the_booking_form_alert_names_the_new_provider(uow, cal):
    alert = scheduling.booking_alert(uow(), cal.scheduler, cal.ben.staff_id, cal.kim)
    assert alert == (
        "Kim Chen is not yet a client of Ben Adeyemi. Saving this appointment adds Kim Chen to "
        "Ben Adeyemi's client list (demographics only; no chart access)."
    )
    assert scheduling.booking_alert(uow(), cal.scheduler, cal.ben.staff_id, cal.lou) is None


def test_R7_R6_booking_links_the_client_with_demographics_only_and_audits_it(uow, cal):
    ana_note = make_note(uow(), cal.kim, cal.ana.staff_id)

    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.kim, at(3, 3, 10))
    )

    assert result.new_link_provider_name == "Ben Adeyemi"
    assert linked_provider_ids(uow(), cal.kim) == {cal.ana.staff_id, cal.ben.staff_id}
    assert ana_note not in readable_note_ids(uow(), cal.ben)  # no chart access (R6)
    trail = actions(uow)[-2:]
    assert [(action, client) for action, client, _ in trail] == [
        (audit.Action.LINK_ADDED, cal.kim),
        (scheduling.BOOKED, cal.kim),
    ]
    assert trail[1][2]["appointments"] == [result.appointments[0].id]
    assert trail[1][2]["new_link"] is True
    # The next booking finds Kim on Ben's list: no alert, no second link.
    assert scheduling.booking_alert(uow(), cal.scheduler, cal.ben.staff_id, cal.kim) is None
    again = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.kim, at(3, 10, 10))
    )
    assert again.new_link_provider_name is None


def test_R7_a_refused_booking_adds_no_link(uow, cal, engine):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    before = snapshot(engine)
    with pytest.raises(Conflict):
        scheduling.book_appointment(
            uow(), cal.scheduler, request(cal.ben, cal.kim, at(3, 3, 10, 30))
        )
    assert snapshot(engine) == before
    assert cal.ben.staff_id not in linked_provider_ids(uow(), cal.kim)


def test_R7_client_search_starts_with_the_providers_clients_and_widens_to_all(uow, cal):
    def names(principal, text, all_clients):
        found = scheduling.search_clients_for_booking(
            uow(), principal, cal.ben.staff_id, text, all_clients=all_clients
        )
        return [(c.display_name, c.on_provider_list) for c in found]

    assert names(cal.scheduler, "", False) == [("Park, Lou", True)]
    assert names(cal.scheduler, "", True) == [
        ("Chen, Kim", False),
        ("Park, Lou", True),
        ("Wong, Kimberly", False),
    ]
    assert names(cal.scheduler, "kim", False) == []
    assert names(cal.scheduler, "kim", True) == [("Chen, Kim", False), ("Wong, Kimberly", False)]
    assert names(cal.scheduler, "Wong", True) == [("Wong, Kimberly", False)]
    assert names(cal.scheduler, "kim chen", True) == [("Chen, Kim", False)]
    assert names(cal.scheduler, "ch, ki", True) == [("Chen, Kim", False)]  # words in any order
    assert names(cal.scheduler, "im", True) == []  # a word's beginning, not its middle
    # A provider widening the search still sees only the clients on their own list (R1, R2).
    assert names(cal.ben, "", True) == [("Park, Lou", True)]


def test_R10_client_search_is_for_those_who_may_book_with_the_provider(uow, cal):
    with pytest.raises(PermissionRefused) as refused:
        scheduling.search_clients_for_booking(
            uow(), cal.ana, cal.ben.staff_id, "", all_clients=True
        )
    assert refused.value.rule == "R10"


# -- what the booking form must hold -----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"pos_code": "00"}, "pos_code"),
        ({"pos_code": "Office"}, "pos_code"),
        ({"appointment_type": "x" * 81}, "appointment_type"),
        ({"appointment_type": "  "}, "appointment_type"),
        ({"note": "n" * 2001}, "note"),
        ({"starts_at": datetime(2026, 3, 3, 10)}, "starts_at"),
    ],
)
def test_an_invalid_booking_is_refused_and_changes_nothing(uow, cal, engine, changes, field):
    before = snapshot(engine)
    fields = {"starts_at": at(3, 3, 10), **changes}
    with pytest.raises(InvalidInput) as invalid:
        scheduling.book_appointment(
            uow(), cal.scheduler, BookingRequest(cal.ben.staff_id, cal.lou, **fields)
        )
    assert invalid.value.field == field
    assert snapshot(engine) == before


def test_a_note_may_have_several_lines(uow, cal):
    result = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10), note="Ring first.\nGate B")
    )
    assert result.appointments[0].note == "Ring first.\nGate B"


# -- no double booking (R10) --------------------------------------------------------------------


def test_R10_double_booking_is_refused_with_a_clear_message(uow, cal, engine):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    before = snapshot(engine)
    for start in (at(3, 3, 10), at(3, 3, 10, 30), at(3, 3, 9, 30)):
        with pytest.raises(Conflict) as conflict:
            scheduling.book_appointment(uow(), cal.owner, request(cal.ben, cal.lou, start))
        assert conflict.value.message == (
            "Ben Adeyemi already has an appointment from 10:00 to 10:50 on Tue 3 Mar; "
            "nothing was booked."
        )
    assert snapshot(engine) == before


def test_R10_back_to_back_appointments_are_allowed(uow, cal):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10, 50)))
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 9, 10)))
    with uow() as work:
        assert work.session.scalar(select(func.count()).select_from(Appointment)) == 3


def test_R10_another_providers_appointment_is_no_clash(uow, cal):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ana, cal.kim, at(3, 3, 10)))


def _appointment(cal: Practice, start: datetime, minutes: int = 50, status: str = "booked"):
    return Appointment(
        appointment_type="Session",
        pos_code="11",
        version=1,
        provider_id=cal.ben.staff_id,
        client_id=cal.lou,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        status=status,
        created_by=cal.ben.staff_id,
        created_at=start,
    )


def _add(uow, row) -> None:
    with uow() as work:
        work.session.add(row)
        work.commit()


def test_R10_the_database_itself_refuses_overlapping_booked_appointments(uow, cal):
    _add(uow, _appointment(cal, at(3, 3, 10)))
    for start, minutes in ((at(3, 3, 10, 49), 10), (at(3, 3, 9), 61), (at(3, 3, 10, 10), 5)):
        with pytest.raises(IntegrityError, match="double booking|no_double_booking"):
            _add(uow, _appointment(cal, start, minutes))
    _add(uow, _appointment(cal, at(3, 3, 10, 50)))  # back to back
    _add(uow, _appointment(cal, at(3, 3, 9, 10)))
    _add(uow, _appointment(cal, at(3, 3, 10, 20), status="cancelled"))  # frees nothing it holds
    with uow() as work:  # nor may an update bring two booked appointments together
        with pytest.raises(IntegrityError, match="double booking|no_double_booking"):
            work.session.execute(
                update(Appointment).where(Appointment.status == "cancelled").values(status="booked")
            )


def test_R10_a_refusal_by_the_database_reads_as_the_same_clear_conflict(uow, cal, monkeypatch):
    """Should the service's own check miss a booking saved a moment earlier, the database's
    refusal is turned into the same message."""
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10)))
    real_check = scheduling.check_spans
    calls = []

    def blind_first_check(work, provider, spans, zone, exclude=frozenset()):
        calls.append(spans)
        if len(calls) == 1:
            return [scheduling.OccurrenceCheck(start, end, None) for start, end in spans]
        return real_check(work, provider, spans, zone, exclude)

    monkeypatch.setattr(scheduling, "check_spans", blind_first_check)
    with pytest.raises(Conflict) as conflict:
        scheduling.book_appointment(
            uow(), cal.scheduler, request(cal.ben, cal.lou, at(3, 3, 10, 15))
        )
    assert conflict.value.message == (
        "Ben Adeyemi already has an appointment from 10:00 to 10:50 on Tue 3 Mar; "
        "nothing was booked."
    )
    assert len(calls) == 2


def test_sqlite_refuses_appointment_times_in_another_text_format(uow, cal, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("the text format of times is SQLite's concern")
    with uow() as work:
        with pytest.raises(IntegrityError, match="YYYY-MM-DD HH:MM:SS.ffffff"):
            work.session.execute(
                text(
                    "INSERT INTO appointments (provider_id, client_id, starts_at, ends_at, "
                    "appointment_type, pos_code, status, created_by, created_at, version) "
                    "VALUES (:p, :c, '2026-03-03T15:00:00', '2026-03-03T15:50:00', 'Session', "
                    "'11', 'booked', :p, '2026-03-02 00:00:00.000000', 1)"
                ),
                {"p": cal.ben.staff_id, "c": cal.lou},
            )


def _guards(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT conname FROM pg_constraint WHERE contype = 'x'"
        return {name for name in connection.scalars(text(query)) if "double_booking" in name}


def test_migration_0002_downgrades_and_upgrades_cleanly(engine):
    expected = (
        {"appointments_no_double_booking_insert", "appointments_no_double_booking_update"}
        if engine.dialect.name == "sqlite"
        else {"ex_appointments_no_double_booking"}
    )
    assert _guards(engine) == expected
    _downgrade_to_0001(engine)
    assert _guards(engine) == set()
    migrate.upgrade(engine, backup_first=False)
    assert _guards(engine) == expected


def _downgrade_to_0001(engine: Engine) -> None:
    config = migrate._alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # batch migrations rebuild tables that others refer to, as upgrades do
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _add_at_0001(engine: Engine, row: Appointment) -> None:
    """Insert `row` with only the columns appointments had at revision 0001."""
    names = ("provider_id", "client_id", "starts_at", "ends_at", "status", "created_by")
    names += ("appointment_type", "pos_code", "version")
    types = {"starts_at": UTCDateTime(), "ends_at": UTCDateTime(), "created_at": UTCDateTime()}
    old = table("appointments", *(column(n, types.get(n)) for n in (*names, "created_at", "id")))
    values = {name: getattr(row, name) for name in (*names, "created_at")}
    with engine.begin() as connection:
        row.id = connection.execute(old.insert().values(**values).returning(old.c.id)).scalar_one()


def test_migration_0002_stops_on_appointments_already_double_booked(uow, cal, engine):
    _downgrade_to_0001(engine)
    first, second = _appointment(cal, at(3, 3, 10)), _appointment(cal, at(3, 3, 10, 30))
    _add_at_0001(engine, first)
    _add_at_0001(engine, second)

    with pytest.raises(RuntimeError, match="overlap") as stopped:
        migrate.upgrade(engine, backup_first=False)

    assert f"appointments {first.id} and {second.id}" in str(stopped.value)
    assert "nothing was changed" in str(stopped.value)
    assert migrate.schema_state(engine).current == "0001"
    with engine.begin() as connection:
        connection.execute(
            update(Appointment).where(Appointment.id == second.id).values(status="cancelled")
        )
    assert migrate.upgrade(engine, backup_first=False).status == "current"
