"""SPEC B5, one source of truth: for random practices and random sequences of shares,
transfers, list changes, expiries and deactivations, the rows each staff member reads through
row-level security (connected as their own login) are the rows the policy's SQL scopes select.

The practices and operations are those of tests/services/test_policy_properties.py, applied
through the services; after every step each active person connects and reads.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select, text

from desktop.db.boundary import login_name
from desktop.db.tables import ChartNote, ChartShare, Client, ClientProviderLink, Document, Staff
from desktop.services.policy.scopes import (
    clients_with_open_records,
    readable_documents,
    readable_notes,
    visible_clients,
)
from desktop.services.server_logins import scram_verifier
from tests.services import test_policy_properties as properties
from tests.services import worlds

PASSWORD = "a long server password"


def _logins_for_everyone(p) -> None:
    with p.uow() as uow:
        for person in p.people:
            uow.session.execute(
                text("SELECT app.create_login(:id, :verifier)"),
                {"id": person.staff_id, "verifier": scram_verifier(PASSWORD)},
            )
        uow.commit()


def _scoped(p, person) -> dict[str, set[int]]:
    """What the scopes select for `person`, at the server's clock (as RLS reads it)."""
    with p.uow() as uow:
        s = uow.session
        now = s.scalar(text("SELECT now()"))
        clients = set(s.scalars(select(Client.id).where(visible_clients(person, Client.id))))
        return {
            "clients": set(
                s.scalars(select(Client.id).where(clients_with_open_records(person, Client.id)))
            ),
            "notes": set(s.scalars(select(ChartNote.id).where(readable_notes(person, now)))),
            "documents": set(s.scalars(select(Document.id).where(readable_documents(person, now)))),
            "links": set(
                s.scalars(
                    select(ClientProviderLink.id).where(ClientProviderLink.client_id.in_(clients))
                )
            ),
            "shares": set(
                s.scalars(
                    select(ChartShare.id).where(
                        ChartShare.client_id.in_(clients)
                        | (ChartShare.to_provider_id == person.staff_id)
                        | (ChartShare.from_provider_id == person.staff_id)
                    )
                )
            ),
        }


READS = {
    "clients": "SELECT id FROM clients",
    "notes": "SELECT id FROM chart_notes",
    "documents": "SELECT id FROM documents",
    "links": "SELECT id FROM client_provider_links",
    "shares": "SELECT id FROM chart_shares",
}


def _through_rls(p, server, person) -> dict[str, set[int]]:
    with psycopg.connect(
        host=server.host,
        port=server.port,
        dbname=p.engine.url.database,
        user=login_name(p.engine.url.database, person.email),
        password=PASSWORD,
        autocommit=True,
    ) as connection:
        return {k: {r[0] for r in connection.execute(q)} for k, q in READS.items()}


def _check(p, server, step: str) -> None:
    with p.uow() as uow:
        active = set(uow.session.scalars(select(Staff.id).where(Staff.active.is_(True))))
    for person in p.people:
        if person.staff_id in active:
            assert _through_rls(p, server, person) == _scoped(p, person), (
                f"{step}: staff {person.staff_id} ({person.roles_label}) reads through RLS "
                "other rows than the scopes select"
            )
        else:
            with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
                _through_rls(p, server, person)


def _state(p):
    with p.uow() as uow:
        return properties.read_state(uow)


def run_plan_through_rls(engine, server, plan) -> None:
    p = properties.build(engine, plan)
    _logins_for_everyone(p)
    _check(p, server, "initially")
    state = _state(p)
    for number, operation in enumerate(plan.operations, start=1):
        if properties.does_not_apply(p, state, operation):
            continue
        try:
            properties.run_operation(p, state, operation)
        except properties.REFUSALS:
            continue
        state = _state(p)
        _check(p, server, f"step {number} {operation}")


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plan=properties.plans)
def test_B5_rows_read_through_rls_equal_the_scopes(
    postgres_server, _postgres_template, monkeypatch, plan
) -> None:
    # The practice's clock starts a few days before the server's: some end dates have passed
    # on the server but were not recorded yet (B2), others are still ahead; letting time pass
    # moves the practice's clock past the server's.
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    monkeypatch.setattr(properties, "START", start)
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        run_plan_through_rls(engine, postgres_server, plan)
