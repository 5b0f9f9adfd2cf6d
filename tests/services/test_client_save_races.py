"""Many people saving one client's profile at the same moment (R2): one save wins, and every
other person is told in plain words that someone else saved first; nothing of theirs is kept."""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlalchemy import func, select

from desktop.db.tables import AuditEvent, Client
from desktop.services import clients
from desktop.services.clients import ClientDraft
from desktop.services.errors import Conflict
from desktop.services.principal import Role

SAVERS = 40


def test_R2_forty_simultaneous_saves_give_one_winner_and_a_plain_conflict_to_the_rest(
    uow, owner, add_member
):
    desk = add_member("Jordan Ellis", Role.SCHEDULER)
    client = clients.create_client(
        uow(), owner, ClientDraft(first_name="Amelia", last_name="Abbott")
    )
    draft = ClientDraft.from_profile(client)
    start = threading.Barrier(SAVERS)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def save(number: int) -> None:
        actor = owner if number % 2 else desk
        start.wait()
        try:
            clients.update_client(
                uow(), actor, client.id, replace(draft, city=f"City {number}"), client.version
            )
            outcome = ("saved", f"City {number}")
        except Conflict as conflict:
            outcome = ("conflict", conflict.message)
        except Exception as error:  # the test fails on it, naming it
            outcome = ("error", f"{type(error).__name__}: {error}")
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(SAVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outcomes) == SAVERS
    assert [o for o in outcomes if o[0] == "error"] == []
    saved = [city for kind, city in outcomes if kind == "saved"]
    assert len(saved) == 1
    for kind, message in outcomes:
        if kind == "conflict":
            assert message.startswith("Amelia Abbott's record was changed by someone else")
            assert "nothing was saved" in message
    with uow() as work:
        row = work.session.get(Client, client.id)
        assert row.city == saved[0]
        assert row.version == client.version + 1
        updates = work.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "client.updated")
        )
        assert updates == 1


def test_R11_forty_simultaneous_billing_saves_give_one_winner_and_a_plain_conflict(uow, owner):
    client = clients.create_client(
        uow(), owner, ClientDraft(first_name="Amelia", last_name="Abbott")
    )
    start = threading.Barrier(SAVERS)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def save(number: int) -> None:
        start.wait()
        try:
            clients.update_billing_notes(
                uow(), owner, client.id, f"Insurer {number}", client.version
            )
            outcome = ("saved", f"Insurer {number}")
        except Conflict as conflict:
            outcome = ("conflict", conflict.message)
        except Exception as error:  # the test fails on it, naming it
            outcome = ("error", f"{type(error).__name__}: {error}")
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(SAVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [o for o in outcomes if o[0] == "error"] == []
    assert len([o for o in outcomes if o[0] == "saved"]) == 1
    assert all(
        message.startswith("Amelia Abbott's record was changed by someone else")
        for kind, message in outcomes
        if kind == "conflict"
    )
