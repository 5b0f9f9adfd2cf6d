"""Documents: Docs & Forms follow the profile (R2), clinical ones their chart (R3); audit (R13)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from desktop.db.tables import MAX_DOCUMENT_BYTES
from desktop.services import audit, documents
from desktop.services.errors import InvalidInput, NotFound, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import add_client, link, share


def add(uow, who, client_id, category="non_clinical", name="intake.pdf", content=b"%PDF-1.7"):
    return documents.add_document(
        uow(), who, client_id, category=category, file_name=name, media_type="", content=content
    )


@pytest.fixture
def ada(add_member):
    return add_member("Dr. Ada Lee", Role.PROVIDER, records_owner="group")


@pytest.fixture
def ben(add_member):
    return add_member("Dr. Ben Cho", Role.PROVIDER, records_owner="group")


@pytest.fixture
def carl(add_member):
    """A provider who does not have the client on their list."""
    return add_member("Dr. Carl Diaz", Role.PROVIDER, records_owner="group")


@pytest.fixture
def client_id(uow, clock, ada, ben):
    client = add_client(uow, clock)
    link(uow, clock, client, ada)
    link(uow, clock, client, ben)
    return client


def refused(engine, rule, action):
    """Run an action that must be refused under `rule` and leave the database as it was."""
    before = snapshot(engine)
    with pytest.raises(PermissionRefused) as refusal:
        action()
    assert refusal.value.rule == rule
    assert snapshot(engine) == before


# -- adding ------------------------------------------------------------------------------------


def test_R2_docs_and_forms_are_added_by_whoever_edits_the_profile(
    uow, engine, owner, add_member, ada, carl, client_id
):
    scheduler = add_member("Front Desk", Role.SCHEDULER)
    for who in (owner, scheduler, ada):
        info = add(uow, who, client_id)
        assert (info.category, info.owner_provider_id, info.uploaded_by) == (
            "non_clinical",
            None,
            who.staff_id,
        )
    biller = add_member("Bill Payer", Role.BILLER)
    refused(engine, "R2", lambda: add(uow, biller, client_id))
    refused(engine, "R2", lambda: add(uow, carl, client_id))


def test_R3_a_clinical_document_goes_only_into_the_uploaders_own_chart(
    uow, engine, owner, ada, carl, client_id
):
    info = add(uow, ada, client_id, "clinical", "assessment.pdf")
    assert (info.category, info.owner_provider_id) == ("clinical", ada.staff_id)
    refused(engine, "R3", lambda: add(uow, owner, client_id, "clinical"))
    refused(engine, "R3", lambda: add(uow, carl, client_id, "clinical"))


def test_R3_document_size_limit_is_refused_in_plain_words(uow, engine, ada, client_id):
    before = snapshot(engine)
    with pytest.raises(InvalidInput, match="at most 25 MB") as refusal:
        add(uow, ada, client_id, content=b"x" * (MAX_DOCUMENT_BYTES + 1))
    assert refusal.value.field == "content"
    with pytest.raises(InvalidInput, match="empty") as refusal:
        add(uow, ada, client_id, content=b"")
    assert refusal.value.field == "content"
    assert snapshot(engine) == before
    assert add(uow, ada, client_id, content=b"x" * MAX_DOCUMENT_BYTES).size_bytes == (
        MAX_DOCUMENT_BYTES
    )


@pytest.mark.parametrize(
    ("given", "kept", "media_type"),
    [
        (r"C:\Users\ada\Desktop\scan.pdf", "scan.pdf", "application/pdf"),
        ("/home/ada/photos/card.png", "card.png", "image/png"),
        ("consent", "consent", "application/octet-stream"),
    ],
)
def test_R2_a_file_name_loses_its_folders_and_gives_its_type(
    uow, ada, client_id, given, kept, media_type
):
    info = add(uow, ada, client_id, name=given)
    assert (info.file_name, info.media_type) == (kept, media_type)


@pytest.mark.parametrize("name", ["bad\x00name.pdf", "x" * 256 + ".pdf", "../", "folder/.."])
def test_R2_an_unusable_file_name_is_refused(uow, engine, ada, client_id, name):
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as refusal:
        add(uow, ada, client_id, name=name)
    assert refusal.value.field == "file_name"
    assert snapshot(engine) == before


def test_R2_a_given_media_type_is_kept_and_a_malformed_one_refused(uow, ada, client_id):
    info = documents.add_document(
        uow(),
        ada,
        client_id,
        category="non_clinical",
        file_name="a.bin",
        media_type="Text/Plain",
        content=b"x",
    )
    assert info.media_type == "text/plain"
    with pytest.raises(InvalidInput) as refusal:
        documents.add_document(
            uow(),
            ada,
            client_id,
            category="non_clinical",
            file_name="a.bin",
            media_type="not a type",
            content=b"x",
        )
    assert refusal.value.field == "media_type"


def test_R2_an_unknown_category_or_client_is_refused(uow, ada, client_id):
    with pytest.raises(InvalidInput) as refusal:
        add(uow, ada, client_id, category="secret")
    assert refusal.value.field == "category"
    with pytest.raises(NotFound):
        add(uow, ada, 999_999)


# -- opening and listing -----------------------------------------------------------------------


def test_R3_a_clinical_document_opens_by_the_chart_rule(
    uow, clock, engine, owner, ada, ben, client_id
):
    content = b"%PDF-1.7 assessment of Sam"
    info = add(uow, ada, client_id, "clinical", "assessment.pdf", content)
    opened = documents.open_document(uow(), ada, info.id)
    assert opened.content == content
    assert opened.info.sha256 == hashlib.sha256(content).hexdigest()
    assert documents.open_document(uow(), owner, info.id).content == content  # group-owned
    refused(engine, "R3", lambda: documents.open_document(uow(), ben, info.id))
    share(uow, clock, client_id, ada, ben)
    assert documents.open_document(uow(), ben, info.id).content == content


def test_R3_record_keepers_cannot_open_a_provider_owned_chart_document(
    uow, clock, engine, owner, add_member, client_id
):
    pat = add_member("Dr. Pat Quinn", Role.PROVIDER, records_owner="provider")
    link(uow, clock, client_id, pat)
    info = add(uow, pat, client_id, "clinical", "notes.pdf")
    refused(engine, "R3", lambda: documents.open_document(uow(), owner, info.id))


def test_R2_docs_and_forms_open_by_the_profile_rule(
    uow, engine, add_member, ada, ben, carl, client_id
):
    info = add(uow, ada, client_id, name="insurance-card.png", content=b"\x89PNG card")
    scheduler = add_member("Front Desk", Role.SCHEDULER)
    for reader in (scheduler, ben):
        assert documents.open_document(uow(), reader, info.id).content == b"\x89PNG card"
    refused(engine, "R2", lambda: documents.open_document(uow(), carl, info.id))


def test_R2_a_missing_document_is_not_found(uow, ada):
    with pytest.raises(NotFound):
        documents.open_document(uow(), ada, 999_999)


def test_R3_lists_are_filtered_by_the_database_newest_first(
    uow, clock, engine, add_member, ada, ben, carl, client_id
):
    form = add(uow, ada, client_id, name="intake.pdf")
    clock.advance(timedelta(minutes=1))
    clinical = add(uow, ada, client_id, "clinical", "assessment.pdf")
    clock.advance(timedelta(minutes=1))
    card = add(uow, ben, client_id, name="card.png")

    def ids(who, category=None):
        return [d.id for d in documents.list_documents(uow(), who, client_id, category)]

    assert ids(ada) == [card.id, clinical.id, form.id]
    assert ids(ada, "clinical") == [clinical.id]
    assert ids(ada, "non_clinical") == [card.id, form.id]
    assert ids(ben) == [card.id, form.id]
    assert ids(add_member("Front Desk", Role.SCHEDULER)) == [card.id, form.id]
    share(uow, clock, client_id, ada, ben)
    assert ids(ben) == [card.id, clinical.id, form.id]
    refused(engine, "R2", lambda: documents.list_documents(uow(), carl, client_id))


def test_R13_adding_and_opening_documents_is_audited(uow, owner, ada, client_id):
    info = add(uow, ada, client_id, "clinical", "assessment.pdf", b"secret bytes")
    documents.open_document(uow(), ada, info.id)
    read, added = audit.recent_entries(uow(), owner)[:2]
    assert (added.action, read.action) == (audit.Action.DOCUMENT_ADDED, audit.Action.DOCUMENT_READ)
    for entry in (added, read):
        assert (entry.actor_id, entry.client_id, entry.subject) == (
            ada.staff_id,
            client_id,
            f"document:{info.id}",
        )
    assert added.details["sha256"] == info.sha256 and added.details["category"] == "clinical"
    assert "secret" not in repr(added.details) + repr(read.details)
