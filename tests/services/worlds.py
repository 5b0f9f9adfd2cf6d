"""Helpers for the policy matrix and property tests: throwaway databases and rows written fast.

The matrix and the property tests build many small practices. They copy the session's migrated
template (SQLite file or PostgreSQL template database) themselves, and write staff, links,
notes and shares with the ORM directly: no argon2, no audit entries, one transaction.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from desktop.db.engine import sqlite_url
from desktop.db.tables import (
    ChartNote,
    ChartShare,
    Client,
    ClientProviderLink,
    Document,
    Practice,
    ProviderProfile,
    Staff,
    StaffRole,
)
from desktop.db.uow import UnitOfWork
from desktop.services.principal import Principal, Role
from tests.sqlite_key import engine_for

WORKSTATION = "policy-tests"


def _fast_folder() -> str | None:
    """A memory file system for SQLite files when there is one: commits there cost no fsync."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return str(shm)
    return None


@contextmanager
def sqlite_copy(template: Path) -> Iterator[Engine]:
    """An engine on a fresh copy of the migrated SQLite template; the file goes afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-policy-", dir=_fast_folder()))
    try:
        path = folder / "clinicdesk.sqlite"
        shutil.copyfile(template, path)
        os.chmod(path, 0o600)
        engine = engine_for(sqlite_url(path))
        try:
            yield engine
        finally:
            engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_copy(server, template: str) -> Iterator[Engine]:
    """An engine on a new PostgreSQL database made from the template; dropped afterwards."""
    url = server.create_database(template=template)
    engine = engine_for(url)
    try:
        yield engine
    finally:
        engine.dispose()
        server.drop_database(url.database)


@contextmanager
def database_copy(request, kind: str) -> Iterator[Engine]:
    """A fresh migrated database of `kind` ("sqlite" or "postgresql") from the session template.

    `request` is any pytest request able to reach the session fixtures. On CI a PostgreSQL
    server that cannot start fails the test (the `postgres_server` fixture decides that).
    """
    if kind == "sqlite":
        with sqlite_copy(request.getfixturevalue("_sqlite_template")) as engine:
            yield engine
    else:
        template = request.getfixturevalue("_postgres_template")
        with postgres_copy(request.getfixturevalue("postgres_server"), template) as engine:
            yield engine


class WouldWrite(Exception):
    """Raised by `ChecksOnlyUnitOfWork` when the service, past its checks, starts to write."""


class ChecksOnlyUnitOfWork(UnitOfWork):
    """Lets a service run its checks, and stops it at its first write (or commit).

    The matrix asks the real services (transfer, end a share, add to a list, add staff) whether
    they would act: `WouldWrite` means every check passed. Nothing is written, so the rows share
    one world; the unit of work rolls back as always.
    """

    def __enter__(self) -> ChecksOnlyUnitOfWork:
        super().__enter__()
        event.listen(self.session, "before_flush", self._stop_flush)
        event.listen(self.session, "do_orm_execute", self._stop_statement)
        return self

    @staticmethod
    def _stop_flush(session, flush_context, instances) -> None:
        raise WouldWrite()

    @staticmethod
    def _stop_statement(state) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            raise WouldWrite()

    def commit(self) -> None:
        raise WouldWrite()


# -- rows -------------------------------------------------------------------------------------


def add_practice(session: Session, now: datetime) -> None:
    session.add(Practice(id=1, name="Policy Test Practice", time_zone="UTC", created_at=now))


def add_staff(
    session: Session,
    name: str,
    roles: frozenset[Role] | set[Role],
    now: datetime,
    *,
    records_owner: str | None = None,
) -> Principal:
    """One staff member (a provider profile when Provider is among the roles), as a principal."""
    email = "".join(ch if ch.isalnum() else "." for ch in name.lower()) + "@policy.test"
    staff = Staff(
        email=email,
        display_name=name,
        password_hash="x",
        active=True,
        created_at=now,
        roles=[StaffRole(role=Role(r).value) for r in roles],
    )
    session.add(staff)
    session.flush()
    if Role.PROVIDER in roles:
        session.add(ProviderProfile(staff_id=staff.id, records_owner=records_owner or "group"))
        session.flush()
    return Principal(staff.id, email, name, frozenset(Role(r) for r in roles), WORKSTATION)


def add_client(session: Session, first: str, last: str, now: datetime) -> int:
    client = Client(
        first_name=first,
        last_name=last,
        sort_name=f"{last} {first}".lower(),
        created_at=now,
        updated_at=now,
    )
    session.add(client)
    session.flush()
    return client.id


def add_link(
    session: Session,
    client_id: int,
    provider_id: int,
    now: datetime,
    *,
    ended_at: datetime | None = None,
) -> None:
    session.add(
        ClientProviderLink(
            client_id=client_id,
            provider_id=provider_id,
            status="active",
            created_at=now,
            ended_at=ended_at,
        )
    )


def add_note(
    session: Session, client_id: int, author_id: int, kind: str, signed: bool, now: datetime
) -> int:
    note = ChartNote(
        client_id=client_id,
        author_id=author_id,
        kind=kind,
        status="signed" if signed else "draft",
        title=kind,
        body=f"{kind} note",
        created_at=now,
        updated_at=now,
        signed_at=now if signed else None,
    )
    session.add(note)
    session.flush()
    return note.id


def add_clinical_document(session: Session, client_id: int, owner_id: int, now: datetime) -> int:
    document = Document(
        client_id=client_id,
        category="clinical",
        owner_provider_id=owner_id,
        file_name="plan.txt",
        media_type="text/plain",
        size_bytes=4,
        sha256="0" * 64,
        content=b"plan",
        uploaded_by=owner_id,
        uploaded_at=now,
    )
    session.add(document)
    session.flush()
    return document.id


def add_share(
    session: Session,
    client_id: int,
    from_id: int,
    to_id: int,
    now: datetime,
    *,
    include_private: bool,
    expires_at: datetime | None = None,
) -> int:
    share = ChartShare(
        client_id=client_id,
        from_provider_id=from_id,
        to_provider_id=to_id,
        include_private=include_private,
        started_at=now,
        started_by=from_id,
        expires_at=expires_at,
    )
    session.add(share)
    session.flush()
    return share.id


class NoHashing:
    """Stands in for `Passwords` where a service hashes a password the test never checks."""

    def hash(self, password: str) -> str:
        return "x"
