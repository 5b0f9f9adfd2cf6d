"""Rows for service tests, written straight to the database (the services under test read them)."""

from __future__ import annotations

from sqlalchemy import select

from desktop.db.tables import ChartNote, ChartShare, Client, ClientProviderLink, Document
from desktop.db.uow import UnitOfWork
from desktop.services.policy.scopes import readable_notes, visible_clients


def make_client(uow: UnitOfWork, first: str = "Kim", last: str = "Chen", *linked_to: int) -> int:
    with uow:
        now = uow.now()
        client = Client(
            first_name=first,
            last_name=last,
            sort_name=f"{last} {first}".lower(),
            created_at=now,
            updated_at=now,
        )
        uow.session.add(client)
        uow.session.flush()
        for provider_id in linked_to:
            uow.session.add(
                ClientProviderLink(
                    client_id=client.id, provider_id=provider_id, status="active", created_at=now
                )
            )
        uow.commit()
        return client.id


def make_note(
    uow: UnitOfWork,
    client_id: int,
    author_id: int,
    kind: str = "progress",
    signed: bool = True,
    body: str = "note",
) -> int:
    with uow:
        now = uow.now()
        note = ChartNote(
            client_id=client_id,
            author_id=author_id,
            kind=kind,
            status="signed" if signed else "draft",
            title=kind,
            body=body,
            created_at=now,
            updated_at=now,
            signed_at=now if signed else None,
        )
        uow.session.add(note)
        uow.commit()
        return note.id


def make_clinical_document(uow: UnitOfWork, client_id: int, owner_id: int) -> int:
    with uow:
        doc = Document(
            client_id=client_id,
            category="clinical",
            owner_provider_id=owner_id,
            file_name="plan.txt",
            media_type="text/plain",
            size_bytes=4,
            sha256="0" * 64,
            content=b"plan",
            uploaded_by=owner_id,
            uploaded_at=uow.now(),
        )
        uow.session.add(doc)
        uow.commit()
        return doc.id


def readable_note_ids(uow: UnitOfWork, principal) -> set[int]:
    """The notes the policy's SQL scope gives the principal."""
    with uow:
        return set(
            uow.session.scalars(select(ChartNote.id).where(readable_notes(principal, uow.now())))
        )


def visible_client_ids(uow: UnitOfWork, principal) -> set[int]:
    with uow:
        return set(
            uow.session.scalars(select(Client.id).where(visible_clients(principal, Client.id)))
        )


def linked_provider_ids(uow: UnitOfWork, client_id: int) -> set[int]:
    with uow:
        return set(
            uow.session.scalars(
                select(ClientProviderLink.provider_id).where(
                    ClientProviderLink.client_id == client_id, ClientProviderLink.ended_at.is_(None)
                )
            )
        )


# -- the same, for tests that pass the unit-of-work factory and the test clock -----------------


def add_client(uow, clock, first="Sam", last="Rivera") -> int:
    with uow() as work:
        client = Client(
            first_name=first,
            last_name=last,
            sort_name=f"{last} {first}".lower(),
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        work.session.add(client)
        work.session.flush()
        work.commit()
        return client.id


def link(uow, clock, client_id, provider) -> None:
    with uow() as work:
        work.session.add(
            ClientProviderLink(
                client_id=client_id, provider_id=provider.staff_id, created_at=clock.now()
            )
        )
        work.commit()


def share(uow, clock, client_id, source, target, *, include_private=False, expires_at=None):
    with uow() as work:
        row = ChartShare(
            client_id=client_id,
            from_provider_id=source.staff_id,
            to_provider_id=target.staff_id,
            include_private=include_private,
            started_at=clock.now(),
            started_by=source.staff_id,
            expires_at=expires_at,
        )
        work.session.add(row)
        work.session.flush()
        work.commit()
        return row.id
