"""Client documents: non-clinical ones (Docs & Forms, R2) and clinical ones in a chart (R3)."""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from ..db.tables import MAX_DOCUMENT_BYTES, Client, Document, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit, emergency_reads
from .boundary import checked
from .errors import InvalidInput, NotFound, PermissionRefused
from .hidden_rows import refuse_if_hidden
from .policy import (
    ChartFacts,
    ProviderFacts,
    may_edit_client,
    may_read_document,
    may_see_client,
    may_write_chart,
)
from .policy.scopes import readable_documents
from .principal import Principal
from .record_facts import chart_facts, is_linked, provider_facts
from .supervision_facts import is_restricted, load_client_for
from .validation import clean_text

CATEGORIES = ("clinical", "non_clinical")
CATEGORY_LABELS = {"clinical": "Clinical document", "non_clinical": "Docs & Forms"}
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


@dataclass(frozen=True)
class DocumentInfo:
    """A document as lists show it: everything but its content."""

    id: int
    client_id: int
    #: "clinical" (in `owner_provider_id`'s chart) or "non_clinical" (Docs & Forms).
    category: str
    owner_provider_id: int | None
    file_name: str
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_by: int
    uploaded_at: datetime
    version: int


@dataclass(frozen=True)
class DocumentContent:
    """An opened document: its description and its bytes."""

    info: DocumentInfo
    content: bytes


def document_info(document: Document) -> DocumentInfo:
    """The plain description of a document row (its content is never loaded for this)."""
    return DocumentInfo(
        id=document.id,
        client_id=document.client_id,
        category=document.category,
        owner_provider_id=document.owner_provider_id,
        file_name=document.file_name,
        media_type=document.media_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        uploaded_by=document.uploaded_by,
        uploaded_at=document.uploaded_at,
        version=document.version,
    )


def author_facts(uow: UnitOfWork, staff_id: int) -> ProviderFacts:
    """The facts about a chart's author, even one who no longer holds the Provider role:
    the chart they wrote stays readable under R3."""
    row = uow.session.execute(
        select(Staff.id, Staff.display_name, Staff.active, ProviderProfile.records_owner)
        .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
        .where(Staff.id == staff_id)
    ).one()
    return ProviderFacts(staff_id=row[0], name=row[1], active=row[2], records_owner=row[3])


def own_chart_facts(uow: UnitOfWork, principal: Principal, client: Client) -> ChartFacts:
    """The principal's own chart of the client; refused (R3) when they are not a provider."""
    author = provider_facts(uow, principal.staff_id)
    if author is None:
        raise PermissionRefused(
            "R3", "Only providers write in a chart, and each only in their own chart."
        )
    return chart_facts(uow, principal, client, author)


def _clean_category(category: str | None, *, allow_none: bool = False) -> str | None:
    if category is None and allow_none:
        return None
    if category not in CATEGORIES:
        raise InvalidInput(
            "Choose whether this is a clinical document or one for Docs & Forms.",
            field="category",
        )
    return category


def _clean_file_name(file_name: str | None) -> str:
    """The name without any folder part (a Windows or a POSIX path), at most 255 characters."""
    name = re.split(r"[\\/]", file_name or "")[-1]
    name = clean_text(name, "The file name", max_length=255, field="file_name")
    if set(name) <= {"."}:
        raise InvalidInput("Give the file a name, such as 'intake-form.pdf'.", field="file_name")
    return name


def _clean_media_type(media_type: str | None, file_name: str) -> str:
    value = (media_type or "").strip().lower()
    if not value:
        return mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    if len(value) > 127 or not _MEDIA_TYPE.match(value):
        raise InvalidInput(
            "The file type is not recognised; leave it empty to take it from the file name.",
            field="media_type",
        )
    return value


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _clean_content(content: bytes | bytearray | memoryview | None) -> bytes:
    data = bytes(content or b"")
    if not data:
        raise InvalidInput("The file is empty; choose a file that has something in it.", "content")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"The file is {_megabytes(len(data))} MB; a document can be at most "
            f"{_megabytes(MAX_DOCUMENT_BYTES)} MB. Make it smaller or split it into parts.",
            field="content",
        )
    return data


@checked
def add_document(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    *,
    category: str,
    file_name: str,
    media_type: str | None,
    content: bytes,
) -> DocumentInfo:
    """Keep a file with a client. Docs & Forms: whoever may edit the profile (R2). A clinical
    document goes into the uploader's own chart, which only they write (R3)."""
    category = _clean_category(category)
    with uow:
        client = load_client_for(uow, principal, client_id)
        if category == "clinical":
            may_write_chart(principal, own_chart_facts(uow, principal, client)).require()
        else:
            linked = is_linked(uow, client.id, principal.staff_id)
            may_edit_client(principal, principal_linked=linked).require()
        name = _clean_file_name(file_name)
        kind = _clean_media_type(media_type, name)
        data = _clean_content(content)
        document = Document(
            client_id=client.id,
            category=category,
            owner_provider_id=principal.staff_id if category == "clinical" else None,
            file_name=name,
            media_type=kind,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            uploaded_by=principal.staff_id,
            uploaded_at=uow.now(),
        )
        uow.session.add(document)
        uow.session.flush()
        audit.record(
            uow,
            principal,
            audit.Action.DOCUMENT_ADDED,
            client_id=client.id,
            subject=f"document:{document.id}",
            details={
                "category": category,
                "file_name": name,
                "media_type": kind,
                "size_bytes": len(data),
                "sha256": document.sha256,
            },
        )
        uow.commit()
        return document_info(document)


@checked
def open_document(uow: UnitOfWork, principal: Principal, document_id: int) -> DocumentContent:
    """A document with its content. Clinical: the chart rule (R3, shares included);
    Docs & Forms: the profile rule (R2). Every opening is audited (R13)."""
    with uow:
        document = uow.session.get(Document, document_id)
        if document is None:
            refuse_if_hidden(uow, "documents", document_id)
            raise NotFound("That document no longer exists. Refresh the list.")
        client = load_client_for(uow, principal, document.client_id)
        chart = None
        if document.category == "clinical":
            author = author_facts(uow, document.owner_provider_id)
            chart = chart_facts(uow, principal, client, author)
        linked = is_linked(uow, client.id, principal.staff_id)
        restricted = is_restricted(uow, client.id, principal.staff_id)
        access = None
        if not may_read_document(principal, chart, principal_linked=linked, restricted=restricted):
            access = (
                None
                if restricted
                else emergency_reads.open_access_in_transaction(uow, principal, client.id)
            )
            if access is not None and chart is not None:
                chart = replace(chart, emergency=True)
            may_read_document(
                principal,
                chart,
                principal_linked=linked,
                emergency=access is not None,
                restricted=restricted,
            ).require()
        data = document.content
        if access is not None:
            emergency_reads.record_read_in_transaction(
                uow, principal, access, "document", document_id=document.id, name=document.file_name
            )
        audit.record(
            uow,
            principal,
            audit.Action.DOCUMENT_READ,
            client_id=client.id,
            subject=f"document:{document.id}",
            details={"category": document.category, "owner": document.owner_provider_id},
        )
        uow.commit()
        return DocumentContent(document_info(document), data)


def readable_documents_query(principal: Principal, now: datetime, client_id: int):
    """The documents of one client the principal may see, newest first, filtered by SQL."""
    return (
        select(Document)
        .where(Document.client_id == client_id, readable_documents(principal, now))
        .order_by(Document.uploaded_at.desc(), Document.id.desc())
    )


@checked
def list_documents(
    uow: UnitOfWork, principal: Principal, client_id: int, category: str | None = None
) -> list[DocumentInfo]:
    """The client's documents this principal may see (R2, R3), newest first, without content.

    Listing is not audited: it shows names, not content; opening a document is audited."""
    category = _clean_category(category, allow_none=True)
    with uow:
        client = load_client_for(uow, principal, client_id)
        linked = is_linked(uow, client.id, principal.staff_id)
        if not may_see_client(principal, principal_linked=linked):
            access = emergency_reads.open_access_in_transaction(uow, principal, client.id)
            may_see_client(
                principal, principal_linked=linked, emergency=access is not None
            ).require()
        query = readable_documents_query(principal, uow.now(), client.id)
        if category:
            query = query.where(Document.category == category)
        return [document_info(d) for d in uow.session.scalars(query)]
