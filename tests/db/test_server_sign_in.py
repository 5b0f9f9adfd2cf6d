"""SPEC B5 on PostgreSQL: signing in is connecting as the person; a wrong password is counted
and audited through the sign-in gate, which can do nothing else; a locked account is refused
even with the right password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import text

from desktop.db.boundary import login_name
from desktop.db.tables import Appointment
from desktop.db.uow import UnitOfWork
from desktop.services import (
    auth,
    calendar_export,
    client_list,
    demo,
    server_logins,
    staff,
    standing,
)
from desktop.services.errors import SessionEnded, SignInRefused
from desktop.services.principal import Role
from desktop.services.server_sign_in import DEACTIVATED
from tests.db import server_practice as sp
from tests.services import worlds

GROUP_WIDE = {Role.OWNER, Role.MANAGER, Role.RECORD_CUSTODIAN, Role.SCHEDULER, Role.BILLER}


@pytest.fixture
def server_url(postgres_server, _postgres_template, fresh_postgres_database) -> str:
    return fresh_postgres_database(_postgres_template)


@pytest.fixture
def it(server_url) -> Iterator:
    engine = sp.it_engine(server_url)
    yield engine
    engine.dispose()


@pytest.fixture
def ctx(server_url, tmp_path) -> Iterator:
    context = sp.workstation(server_url, tmp_path, sp.cheap_passwords())
    yield context
    context.close()


def failures(it, email: str) -> tuple[int, int]:
    """(failed attempts counted on the staff row, failed sign-ins in the audit trail)"""
    with it.connect() as connection:
        counted = connection.execute(
            text("SELECT failed_sign_ins FROM staff WHERE email = :e"), {"e": email}
        ).scalar_one()
        audited = connection.execute(
            text(
                "SELECT count(*) FROM audit_events"
                " WHERE action = 'session.sign_in_failed' AND actor_label = :e"
            ),
            {"e": email},
        ).scalar_one()
    return counted, audited


def test_B5_every_demo_person_signs_in_as_their_own_login(it, ctx) -> None:
    demo.ensure_demo_practice(UnitOfWork(it), ctx.passwords)
    database = it.url.database
    for person in demo.DEMO_LOGINS:
        principal = ctx.sign_in(person.email, demo.DEMO_PASSWORD)
        assert principal.email == person.email
        assert principal.roles == frozenset(person.roles)
        assert sp.session_user(ctx) == login_name(database, person.email)
        # What the screens read comes through the server's rules for this person.
        sees_all = bool(principal.roles & GROUP_WIDE)
        scope = "all" if sees_all else "mine"
        listed = client_list.count_clients(ctx.uow(), principal, scope=scope)
        with ctx.engine.connect() as connection:
            through_rls = connection.execute(text("SELECT count(*) FROM clients")).scalar_one()
        with it.connect() as connection:
            everyone = connection.execute(text("SELECT count(*) FROM clients")).scalar_one()
            # R17: the demo restricts a client from one person (the Scheduler)
            hidden = connection.execute(
                text(
                    "SELECT count(*) FROM client_restrictions r JOIN staff s ON s.id = r.staff_id"
                    " WHERE s.email = :email AND r.lifted_at IS NULL"
                ),
                {"email": person.email},
            ).scalar_one()
        assert listed > 0
        assert (through_rls == everyone - hidden) == sees_all, person.email
        assert listed == through_rls or not sees_all
        auth.sign_out(ctx.uow(), principal)
        ctx.signed_out()
    with it.connect() as connection:
        signed_in = connection.execute(
            text("SELECT count(*) FROM audit_events WHERE action = 'session.sign_in'")
        ).scalar_one()
    assert signed_in == len(demo.DEMO_LOGINS)


def test_B5_a_wrong_password_is_counted_and_audited_through_the_gate(it, ctx) -> None:
    sp.set_up(it, ctx.passwords)
    sp.open_gate(it)
    with pytest.raises(SignInRefused, match="email or password is not right"):
        ctx.sign_in(sp.OWNER_EMAIL, "not the password")
    assert failures(it, sp.OWNER_EMAIL) == (1, 1)
    with pytest.raises(SignInRefused, match="email or password is not right"):
        ctx.sign_in("nobody@harbour.test", "a guess")
    # The right password starts the count again.
    principal = ctx.sign_in(sp.OWNER_EMAIL, sp.PASSWORD)
    assert principal.email == sp.OWNER_EMAIL
    assert failures(it, sp.OWNER_EMAIL) == (0, 1)


def test_B5_five_failures_lock_the_account_even_for_the_right_password(it, ctx) -> None:
    sp.set_up(it, ctx.passwords)
    sp.open_gate(it)
    for _ in range(auth.MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(SignInRefused, match="email or password is not right"):
            ctx.sign_in(sp.OWNER_EMAIL, "wrong")
    with pytest.raises(SignInRefused, match="locked for 5 more minutes"):
        ctx.sign_in(sp.OWNER_EMAIL, "wrong")
    with pytest.raises(SignInRefused, match="locked for 5 more minutes"):
        ctx.sign_in(sp.OWNER_EMAIL, sp.PASSWORD)
    # The refused right password left no connection of the person behind.
    assert ctx.engine.url.username is None
    with it.connect() as connection:
        reasons = (
            connection.execute(
                text(
                    "SELECT details FROM audit_events WHERE action = 'session.sign_in_failed'"
                    " ORDER BY seq"
                )
            )
            .scalars()
            .all()
        )
    assert len(reasons) == auth.MAX_FAILED_SIGN_INS + 1
    assert reasons[-1] == '{"reason":"locked"}'


def test_B5_without_the_gate_a_wrong_password_is_refused_all_the_same(it, ctx) -> None:
    sp.set_up(it, ctx.passwords)
    with pytest.raises(SignInRefused, match="email or password is not right"):
        ctx.sign_in(sp.OWNER_EMAIL, "not the password")
    assert failures(it, sp.OWNER_EMAIL) == (0, 0)


def test_R12_a_deactivated_person_is_refused_with_a_plain_message(it, ctx) -> None:
    owner = sp.set_up(it, ctx.passwords)
    member = staff.add_staff(
        UnitOfWork(it),
        owner,
        ctx.passwords,
        staff.NewStaff("Sam Lee", "sam@harbour.test", sp.PASSWORD, frozenset({Role.SCHEDULER})),
    )
    assert ctx.sign_in("sam@harbour.test", sp.PASSWORD).staff_id == member.id
    ctx.signed_out()
    staff.deactivate_staff(UnitOfWork(it), owner, member.id)
    with pytest.raises(SignInRefused) as refused:
        ctx.sign_in("sam@harbour.test", sp.PASSWORD)
    assert str(refused.value) == DEACTIVATED


def test_R19_a_person_deactivated_while_signed_in_is_told_so_at_their_next_list_page(
    it, ctx
) -> None:
    """The list reads without a transaction around its statements; the person's next page
    still finds their connection ended and their login refused, and says so plainly."""
    owner = sp.set_up(it, ctx.passwords)
    member = staff.add_staff(
        UnitOfWork(it),
        owner,
        ctx.passwords,
        staff.NewStaff("Sam Lee", "sam@harbour.test", sp.PASSWORD, frozenset({Role.SCHEDULER})),
    )
    ctx.principal = ctx.sign_in("sam@harbour.test", sp.PASSWORD)
    assert client_list.list_clients(ctx.uow(), ctx.principal, scope="all").total == 0
    staff.deactivate_staff(UnitOfWork(it), owner, member.id)
    with pytest.raises(SessionEnded) as ended:
        client_list.list_clients(ctx.uow(), ctx.principal, scope="all")
    assert str(ended.value) == standing.DEACTIVATED


def test_B5_the_gate_reads_nothing_and_calls_only_its_function(it, ctx, server_url) -> None:
    sp.set_up(it, ctx.passwords)
    gate = sp.open_gate(it)
    url = it.url
    with psycopg.connect(
        host=url.host, port=url.port, dbname=url.database, user=gate,
        password=sp.GATE_PASSWORD, autocommit=True,
    ) as connection:  # fmt: skip
        tables = connection.execute(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN ('public', 'app')"
        ).fetchall()
        assert len(tables) > 10
        for schema, table in tables:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(f"SELECT 1 FROM {schema}.{table} LIMIT 1")
        for call in (
            "SELECT app.current_staff_id()",
            "SELECT app.begin_session('x')",
            "SELECT app.append_audit('x', NULL, 'x', NULL, NULL, '{}', 'x', now())",
            "SELECT app.create_login(1, 'x')",
            "SELECT app.busy_times(now(), now())",
            "CREATE TABLE public.intrusion (id integer)",
            f"UPDATE public.staff SET locked_until = NULL WHERE email = '{sp.OWNER_EMAIL}'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(call)
        locked = connection.execute(
            "SELECT app.record_failed_sign_in(%s, 'x')", (sp.OWNER_EMAIL,)
        ).fetchone()[0]
        assert locked is None
    assert failures(it, sp.OWNER_EMAIL) == (1, 1)


def test_B5_a_person_signed_in_cannot_open_the_password_hashes(it, ctx) -> None:
    sp.set_up(it, ctx.passwords)
    ctx.sign_in(sp.OWNER_EMAIL, sp.PASSWORD)
    with ctx.engine.connect() as connection:
        with pytest.raises(Exception, match="permission denied"):
            connection.execute(text("SELECT password_hash FROM staff")).all()


def test_R10_a_colleagues_appointment_reaches_the_calendar_only_as_busy(it, ctx) -> None:
    sp.set_up(it, ctx.passwords)
    now = datetime.now(UTC).replace(microsecond=0)
    with UnitOfWork(it) as uow:
        s = uow.session
        ana = worlds.add_staff(s, "Ana Castillo", {Role.PROVIDER}, now)
        ben = worlds.add_staff(s, "Ben Adeyemi", {Role.PROVIDER}, now)
        client = worlds.add_client(s, "Kim", "Chen", now)
        worlds.add_link(s, client, ben.staff_id, now)
        s.add(
            Appointment(
                provider_id=ben.staff_id, client_id=client, starts_at=now + timedelta(hours=1),
                ends_at=now + timedelta(hours=2), appointment_type="Intake",
                note="private matter", created_by=ben.staff_id, created_at=now,
            )
        )  # fmt: skip
        for person in (ana, ben):
            server_logins.create_login(uow, person.staff_id, sp.PASSWORD)
        uow.commit()
    signed_in = ctx.sign_in(ana.email, sp.PASSWORD)
    views = calendar_export.appointments_between(
        ctx.uow(), signed_in, [ben.staff_id], now, now + timedelta(days=1)
    )
    assert [(v.provider_name, v.client_name, v.client_id, v.appointment_type, v.note)
            for v in views] == [("Ben Adeyemi", "Busy", None, None, None)]  # fmt: skip
    # Over the wire Ana receives the time, never the client, type or note.
    with ctx.engine.connect() as connection:
        assert connection.execute(text("SELECT note FROM appointments")).all() == []
        columns = connection.execute(
            text("SELECT * FROM app.calendar_busy(now(), now() + interval '1 day')")
        ).keys()
    assert not {"client_id", "note", "appointment_type"} & set(columns)
    ctx.signed_out()
