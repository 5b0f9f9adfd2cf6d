"""The database itself refuses rows the rules forbid, whatever the code above it does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from desktop.db.tables import (
    MAX_DOCUMENT_BYTES,
    Appointment,
    AuditEvent,
    ChartNote,
    ChartShare,
    Client,
    ClientProviderLink,
    Document,
    Practice,
    Staff,
)
from desktop.db.uow import UnitOfWork

from . import NOW, Seeded, add_staff, seed

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def seeded(uow_factory: UowFactory) -> Seeded:
    with uow_factory() as uow:
        ids = seed(uow.session)
        uow.commit()
    return ids


def refused(uow_factory: UowFactory, row: object, match: str, error=IntegrityError) -> None:
    """Adding `row` fails in the database with an error matching `match`."""
    with uow_factory() as uow:
        uow.session.add(row)
        with pytest.raises(error, match=match):
            uow.session.flush()


def accepted(uow_factory: UowFactory, *rows: object) -> None:
    with uow_factory() as uow:
        uow.session.add_all(rows)
        uow.commit()


# -- practice and staff ---------------------------------------------------------------------------


def test_there_is_one_practice_row_only(uow_factory: UowFactory, seeded: Seeded) -> None:
    second = Practice(id=2, name="Another", time_zone="UTC", created_at=NOW)
    refused(uow_factory, second, "ck_practice_single_practice")


def test_staff_email_is_unique(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        with pytest.raises(IntegrityError, match=r"uq_staff_email|staff\.email"):
            add_staff(uow.session, "avery@riverside.example", provider=False)


def test_staff_email_is_stored_lower_case(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        with pytest.raises(IntegrityError, match="ck_staff_email_lowercase"):
            add_staff(uow.session, "Casey@Riverside.example", provider=False)
    with uow_factory() as uow:
        add_staff(uow.session, "casey@riverside.example", provider=False)
        uow.commit()


# -- charts ----------------------------------------------------------------------------------------


def _share(seeded: Seeded, to: int, **values) -> ChartShare:
    return ChartShare(
        client_id=seeded.client,
        from_provider_id=seeded.provider_a,
        to_provider_id=to,
        started_at=NOW,
        started_by=seeded.provider_a,
        **values,
    )


def test_a_chart_cannot_be_shared_with_its_own_author(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    refused(uow_factory, _share(seeded, seeded.provider_a), "ck_chart_shares_not_to_self")
    accepted(uow_factory, _share(seeded, seeded.provider_b))


def test_one_open_share_per_chart_and_recipient(uow_factory: UowFactory, seeded: Seeded) -> None:
    ended = {"ended_at": NOW + timedelta(hours=1), "end_reason": "manual"}
    accepted(
        uow_factory, _share(seeded, seeded.provider_b, **ended), _share(seeded, seeded.provider_b)
    )
    refused(uow_factory, _share(seeded, seeded.provider_b), r"uq_chart_shares_open|UNIQUE")


def _document(seeded: Seeded, category: str, owner: int | None, size: int = 3) -> Document:
    return Document(
        client_id=seeded.client,
        category=category,
        owner_provider_id=owner,
        file_name="intake.pdf",
        media_type="application/pdf",
        size_bytes=size,
        sha256="0" * 64,
        content=b"pdf",
        uploaded_by=seeded.provider_a,
        uploaded_at=NOW,
    )


def test_a_clinical_document_belongs_to_a_provider(uow_factory: UowFactory, seeded: Seeded) -> None:
    refused(uow_factory, _document(seeded, "clinical", None), "ck_documents_clinical_has_owner")
    accepted(uow_factory, _document(seeded, "clinical", seeded.provider_a))


def test_a_non_clinical_document_has_no_owning_provider(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    refused(
        uow_factory,
        _document(seeded, "non_clinical", seeded.provider_a),
        "ck_documents_clinical_has_owner",
    )
    accepted(uow_factory, _document(seeded, "non_clinical", None))


def test_document_size_is_limited(uow_factory: UowFactory, seeded: Seeded) -> None:
    too_big = _document(seeded, "non_clinical", None, size=MAX_DOCUMENT_BYTES + 1)
    refused(uow_factory, too_big, "ck_documents_size_limit")
    refused(
        uow_factory, _document(seeded, "non_clinical", None, size=-1), "ck_documents_size_limit"
    )
    accepted(uow_factory, _document(seeded, "non_clinical", None, size=MAX_DOCUMENT_BYTES))


# -- client-provider links -------------------------------------------------------------------------


def _link(seeded: Seeded, ended: bool = False) -> ClientProviderLink:
    return ClientProviderLink(
        client_id=seeded.client,
        provider_id=seeded.provider_a,
        created_at=NOW,
        ended_at=NOW + timedelta(days=30) if ended else None,
    )


def test_only_one_open_link_per_client_and_provider(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    accepted(uow_factory, _link(seeded))
    refused(uow_factory, _link(seeded), r"uq_client_provider_links_open|UNIQUE")


def test_an_ended_link_does_not_block_a_new_open_one(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    accepted(uow_factory, _link(seeded, ended=True), _link(seeded, ended=True), _link(seeded))
    with uow_factory() as uow:
        links = uow.session.scalars(select(ClientProviderLink.ended_at)).all()
    assert sorted(link is None for link in links) == [False, False, True]


# -- scheduling ------------------------------------------------------------------------------------


def _appointment(seeded: Seeded, minutes: int) -> Appointment:
    return Appointment(
        provider_id=seeded.provider_a,
        client_id=seeded.client,
        starts_at=NOW,
        ends_at=NOW + timedelta(minutes=minutes),
        created_by=seeded.provider_a,
        created_at=NOW,
    )


@pytest.mark.parametrize("minutes", [0, -50])
def test_an_appointment_ends_after_it_starts(
    uow_factory: UowFactory, seeded: Seeded, minutes: int
) -> None:
    refused(uow_factory, _appointment(seeded, minutes), "ck_appointments_ends_after_start")
    accepted(uow_factory, _appointment(seeded, 50))


# -- audit trail -----------------------------------------------------------------------------------


def _audit_event(seq: int) -> AuditEvent:
    return AuditEvent(
        seq=seq,
        occurred_at=NOW,
        actor_label="avery@riverside.example",
        action="test.event",
        workstation="desk-1",
        prev_hash=f"{seq - 1:064x}",
        hash=f"{seq:064x}",
    )


def test_the_audit_log_refuses_update_and_delete(uow_factory: UowFactory) -> None:
    accepted(uow_factory, _audit_event(1), _audit_event(2))

    for statement in (
        update(AuditEvent).where(AuditEvent.seq == 1).values(action="tampered"),
        delete(AuditEvent).where(AuditEvent.seq == 2),
        delete(AuditEvent),
    ):
        with uow_factory() as uow:
            with pytest.raises(DBAPIError, match="append-only"):
                uow.session.execute(statement)

    with uow_factory() as uow:
        rows = uow.session.execute(select(AuditEvent.seq, AuditEvent.action)).all()
    assert sorted(rows) == [(1, "test.event"), (2, "test.event")]


def test_the_audit_log_refuses_truncate_on_postgresql(
    engine: Engine, uow_factory: UowFactory
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    accepted(uow_factory, _audit_event(1))
    with uow_factory() as uow:
        with pytest.raises(DBAPIError, match="append-only"):
            uow.session.execute(text("TRUNCATE audit_events CASCADE"))


# -- chart notes -----------------------------------------------------------------------------------


def _note(seeded: Seeded, **values) -> ChartNote:
    return ChartNote(
        client_id=seeded.client,
        author_id=seeded.provider_a,
        kind="progress",
        body="Session went well.",
        created_at=NOW,
        updated_at=NOW,
        **values,
    )


def test_a_draft_note_can_be_edited_signed_or_deleted(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    with uow_factory() as uow:
        draft, signed_later = _note(seeded), _note(seeded)
        uow.session.add_all([draft, signed_later])
        uow.commit()
        draft.body = "Session went well; homework agreed."
        signed_later.status, signed_later.signed_at = "signed", NOW
        uow.commit()
        uow.session.delete(draft)
        uow.commit()

    with uow_factory() as uow:
        assert uow.session.scalars(select(ChartNote.status)).all() == ["signed"]


def test_a_signed_note_never_changes_and_is_never_deleted(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    accepted(uow_factory, _note(seeded, status="signed", signed_at=NOW))

    changes = [
        lambda note: setattr(note, "body", "rewritten"),
        lambda note: setattr(note, "status", "draft") or setattr(note, "signed_at", None),
    ]
    for change in changes:
        with uow_factory() as uow:
            change(uow.session.scalars(select(ChartNote)).one())
            with pytest.raises(DBAPIError, match="signed note"):
                uow.session.flush()
    with uow_factory() as uow:
        uow.session.delete(uow.session.scalars(select(ChartNote)).one())
        with pytest.raises(DBAPIError, match="signed note"):
            uow.session.flush()

    with uow_factory() as uow:
        note = uow.session.scalars(select(ChartNote)).one()
        assert (note.status, note.body, note.version) == ("signed", "Session went well.", 1)


def test_a_signed_note_cannot_be_changed_with_plain_sql(
    uow_factory: UowFactory, seeded: Seeded
) -> None:
    accepted(uow_factory, _note(seeded, status="signed", signed_at=NOW))
    for statement in (update(ChartNote).values(body="rewritten"), delete(ChartNote)):
        with uow_factory() as uow:
            with pytest.raises(DBAPIError, match="signed note"):
                uow.session.execute(statement)


# -- optimistic concurrency ------------------------------------------------------------------------


def test_version_counts_each_update(uow_factory: UowFactory, seeded: Seeded) -> None:
    with uow_factory() as uow:
        client = uow.session.get(Client, seeded.client)
        assert client.version == 1
        client.preferred_name = "Addie"
        uow.commit()
        assert client.version == 2
        client.city = "Springfield"
        uow.commit()
    with uow_factory() as uow:
        assert uow.session.get(Client, seeded.client).version == 3


def test_a_stale_update_is_refused(uow_factory: UowFactory, seeded: Seeded) -> None:
    """Two workstations open the same staff member; the second to save loses, nothing is lost."""
    with uow_factory() as first, uow_factory() as second:
        mine = first.session.get(Staff, seeded.provider_a)
        first.commit()  # the form is open; no transaction (and on SQLite no lock) is held
        theirs = second.session.get(Staff, seeded.provider_a)
        theirs.display_name = "Avery Q."
        second.commit()

        mine.display_name = "Avery R."
        with pytest.raises(StaleDataError):
            first.session.flush()

    with uow_factory() as uow:
        staff = uow.session.get(Staff, seeded.provider_a)
        assert (staff.display_name, staff.version) == ("Avery Q.", 2)
