"""Notes from sessions on PostgreSQL (B5, R3): the Owner and the front desk learn that a session
has its signed note, through a boundary function, while the note itself stays closed to them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from desktop.db.tables import Appointment, ChartNote
from tests.db.boundary_world import World, build_world
from tests.services import worlds


@pytest.fixture
def world(postgres_server, _postgres_template) -> Iterator[World]:
    with worlds.postgres_copy(postgres_server, _postgres_template) as engine:
        yield build_world(engine, postgres_server.host, postgres_server.port)


def _session(world: World, status: str | None) -> int:
    """A session of Owen (provider-owned records) with his client, yesterday, attended; with a
    progress note written from it in `status` ("signed", "draft"), or none."""
    own, scheduler = world.people["own"].staff_id, world.people["scheduler"].staff_id
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1, hours=len(status or ""))
    with world.uow() as uow:
        row = Appointment(
            provider_id=own,
            client_id=world.clients["own"],
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
            attendance="attended",
            created_by=scheduler,
            created_at=start,
        )
        uow.session.add(row)
        uow.session.flush()
        if status:
            uow.session.add(
                ChartNote(
                    client_id=row.client_id,
                    author_id=own,
                    kind="progress",
                    status=status,
                    title="Session",
                    body="Seen.",
                    appointment_id=row.id,
                    created_at=start,
                    updated_at=start,
                    signed_at=start if status == "signed" else None,
                )
            )
        uow.commit()
        return row.id


def test_B5_the_fact_of_a_signed_session_note_without_the_note(world: World) -> None:
    signed, draft, bare = _session(world, "signed"), _session(world, "draft"), _session(world, None)
    for who in ("owner", "scheduler", "own"):
        with world.connect_as(who) as conn:
            facts = [
                conn.execute("SELECT app.session_note_signed(%s)", (appointment,)).fetchone()[0]
                for appointment in (signed, draft, bare)
            ]
            notes = conn.execute(
                "SELECT count(*) FROM chart_notes WHERE appointment_id = %s", (signed,)
            ).fetchone()[0]
        assert facts == [True, False, False], who
        # R3: Owen's records are his own: the Owner and the front desk do not read the note
        assert notes == (1 if who == "own" else 0), who
