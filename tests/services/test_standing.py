"""R19: a signed-in person's standing is read again at every unit of work, so deactivation or a
change of roles takes effect at their next action."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from desktop.db.uow import UnitOfWork
from desktop.services import charts, staff, standing
from desktop.services.errors import RolesChanged, SessionEnded
from desktop.services.principal import Role


def guarded(engine, clock, principal) -> UnitOfWork:
    return UnitOfWork(
        engine, clock, on_open=lambda session: standing.check_standing(session, principal)
    )


def test_an_unchanged_person_works_on(engine, clock, owner, add_member):
    scheduler = add_member("Sam Front", Role.SCHEDULER)
    with guarded(engine, clock, scheduler) as uow:
        assert uow.session is not None


def test_the_standing_costs_one_query(engine, clock, owner):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with guarded(engine, clock, owner) as uow:
        event.listen(engine, "before_cursor_execute", count)
        try:
            standing.check_standing(uow.session, owner)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len([s for s in statements if "staff" in s.lower()]) == 1


def test_a_deactivated_person_is_refused_at_the_next_action(uow, engine, clock, owner, add_member):
    provider = add_member("Lee Park", Role.PROVIDER, records_owner="group")
    staff.deactivate_staff(uow(), owner, provider.staff_id)
    with pytest.raises(SessionEnded, match="deactivated"):
        with guarded(engine, clock, provider):
            pass
    with pytest.raises(SessionEnded):
        charts.read_records(guarded(engine, clock, provider), provider, 1)


def test_a_role_removed_is_refused_until_the_screens_follow(uow, engine, clock, owner, add_member):
    manager = add_member("Mo Reyes", Role.MANAGER, Role.SCHEDULER)
    staff.set_roles(uow(), owner, manager.staff_id, {Role.SCHEDULER})
    with pytest.raises(RolesChanged, match="you now hold Scheduler"):
        with guarded(engine, clock, manager):
            pass
    with uow() as unit:
        now = standing.refreshed(unit.session, manager)
    assert now is not None and now.roles == frozenset({Role.SCHEDULER})
    with guarded(engine, clock, now):
        pass


def test_a_role_added_also_rebuilds_the_screens(uow, engine, clock, owner, add_member):
    scheduler = add_member("Sam Front", Role.SCHEDULER)
    staff.set_roles(uow(), owner, scheduler.staff_id, {Role.SCHEDULER, Role.BILLER})
    with pytest.raises(RolesChanged):
        with guarded(engine, clock, scheduler):
            pass


def test_the_refreshed_standing_of_a_deactivated_person_is_none(uow, owner, add_member):
    biller = add_member("Bo Till", Role.BILLER)
    staff.deactivate_staff(uow(), owner, biller.staff_id)
    with uow() as unit:
        assert standing.refreshed(unit.session, biller) is None
