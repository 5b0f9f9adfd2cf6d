"""Billing on PostgreSQL (B5, R11): connected as themselves, a Scheduler, providers, a Manager and
a Record Custodian read no fee, charge or payment and cannot add one; a Biller and the Owner
read exactly what the billing scope selects and record them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import select

from desktop.db.tables import Appointment, Charge, FeeScheduleEntry, Payment
from desktop.services.policy import billing_rows
from tests.db.boundary_world import World, build_world
from tests.services import worlds

REFUSED = ("scheduler", "grp", "own", "manager", "custodian")
ALLOWED = ("biller", "owner")


@pytest.fixture(scope="module")
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        world = build_world(engine, postgres_server.host, postgres_server.port)
        _bill(world)
        yield world


def _bill(world: World) -> None:
    """As the superuser: a fee, and an attended session of each client with its charge and a
    payment."""
    biller, now = world.people["biller"].staff_id, datetime.now(UTC).replace(microsecond=0)
    with world.uow() as uow:
        s = uow.session
        s.add(FeeScheduleEntry(code="90834", description="Psychotherapy, 45 minutes",
                               fee_cents=13000, active=True, use_for="session",
                               updated_at=now, version=1))  # fmt: skip
        for n, client in enumerate(sorted(world.clients.values())):
            start = now - timedelta(days=3 + n)
            row = Appointment(provider_id=world.people["grp"].staff_id, client_id=client,
                              starts_at=start, ends_at=start + timedelta(minutes=45),
                              attendance="attended", created_by=biller, created_at=start)  # fmt: skip
            s.add(row)
            s.flush()
            charge = Charge(client_id=client, provider_id=row.provider_id, appointment_id=row.id,
                            service_date=start.date(), kind="session", code="90834",
                            description="Psychotherapy, 45 minutes", fee_cents=13000,
                            pos_code="11", status="open", adjusted=False, created_at=now,
                            created_by=biller, version=1)  # fmt: skip
            s.add(charge)
            s.flush()
            s.add(Payment(client_id=client, charge_id=charge.id, received_on=start.date(),
                          amount_cents=5000, method="card", status="recorded", created_at=now,
                          created_by=biller, version=1))  # fmt: skip
        uow.commit()


def _rows(connection: psycopg.Connection) -> dict[str, int]:
    return {
        table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("fee_schedule", "charges", "payments")
    }


def _an_appointment(world: World) -> tuple[int, int]:
    with world.uow() as uow:
        row = uow.session.execute(select(Appointment.id, Appointment.client_id).limit(1)).one()
    return row[0], row[1]


@pytest.mark.parametrize("who", REFUSED)
def test_R11_without_billing_the_database_shows_and_takes_no_billing_row(world: World, who: str):
    appointment, client = _an_appointment(world)
    with world.connect_as(who) as conn:
        assert _rows(conn) == {"fee_schedule": 0, "charges": 0, "payments": 0}
        statements = [
            "INSERT INTO fee_schedule (code, description, fee_cents, active, use_for, updated_at,"
            " version) VALUES ('X1', 'x', 1, true, 'session', now(), 1)",
            "INSERT INTO payments (client_id, received_on, amount_cents, method, status,"
            f" created_at, created_by, version) VALUES ({client}, current_date, 100, 'cash',"
            f" 'recorded', now(), {world.people[who].staff_id}, 1)",
            "UPDATE charges SET fee_cents = 0",
        ]
        for statement in statements[:2]:
            with pytest.raises(psycopg.Error) as caught:
                conn.execute(statement)
            assert "row-level security" in str(caught.value) or "permission" in str(caught.value)
        # an UPDATE of rows one cannot see touches none
        assert conn.execute(statements[2]).rowcount == 0
    with world.uow() as uow:
        fees = set(uow.session.scalars(select(Charge.fee_cents)))
    assert fees == {13000}


@pytest.mark.parametrize("who", ALLOWED)
def test_R11_the_biller_and_owner_read_what_the_scope_selects_and_record(world: World, who: str):
    person = world.people[who]
    with world.uow() as uow:
        scope = billing_rows(person, Charge.client_id)
        expected = set(uow.session.scalars(select(Charge.id).where(scope)))
    appointment, client = _an_appointment(world)
    with world.connect_as(who, autocommit=False) as conn:
        seen = {row[0] for row in conn.execute("SELECT id FROM charges")}
        assert seen == expected and len(seen) == len(world.clients)
        assert _rows(conn)["payments"] == len(world.clients)
        conn.execute(
            "INSERT INTO payments (id, client_id, received_on, amount_cents, method, status,"
            " created_at, created_by, version) VALUES (nextval('payments_id_seq'), %s,"
            " current_date, 100, 'cash', 'recorded', now(), %s, 1)",
            (client, person.staff_id),
        )
        conn.execute(
            "UPDATE charges SET fee_cents = fee_cents WHERE appointment_id = %s", (appointment,)
        )
        conn.rollback()


def test_R11_the_billing_scope_selects_nothing_without_the_role(world: World):
    for who in REFUSED:
        with world.uow() as uow:
            ids = uow.session.scalars(
                select(Charge.id).where(billing_rows(world.people[who], Charge.client_id))
            )
            assert list(ids) == [], who
