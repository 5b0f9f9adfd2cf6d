"""The client profile (R2) and its provider settings, new clients, and billing details (R11).

The list and search of clients is in `client_list.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import Client, ClientProviderLink, Notification, Staff
from ..db.tables.clients import LINK_STATUSES
from ..db.uow import UnitOfWork
from . import audit, emergency_reads
from .boundary import checked
from .client_form import DEMOGRAPHIC_FIELDS as DEMOGRAPHIC_FIELDS
from .client_form import EARLIEST_DATE as EARLIEST_DATE
from .client_form import PHONE_FIELDS as PHONE_FIELDS
from .client_form import TEXT_FIELDS as TEXT_FIELDS
from .client_form import ClientDraft as ClientDraft
from .client_form import clean_date, clean_draft, practice_today
from .errors import Conflict, InvalidInput, NotFound
from .policy import (
    may_create_client,
    may_edit_billing,
    may_edit_client,
    may_see_client,
    may_use_billing,
)
from .principal import Principal, Role
from .record_facts import client_name, is_linked, provider_facts
from .sharing import ensure_link
from .supervision_facts import load_client_for
from .validation import clean_text, require_id

MAX_BILLING_NOTES = 10_000
MAX_DIAGNOSIS = 500


@dataclass(frozen=True)
class ProviderSetting:
    """One linked provider's settings for the client (R2): status, diagnosis, start date."""

    provider_id: int
    provider_name: str
    status: str
    diagnosis: str | None
    start_date: date | None
    is_treating: bool
    #: the link's version, for `update_provider_settings`.
    version: int
    #: ICD-10-CM codes, primary first (`diagnoses.set_diagnosis_codes`); the free-text
    #: `diagnosis` stays readable beside them.
    diagnosis_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClientProfile:
    """A client's profile and provider settings, as everyone who may see the profile sees it."""

    id: int
    first_name: str
    last_name: str
    preferred_name: str | None
    date_of_birth: date | None
    sex: str | None
    gender_identity: str | None
    pronouns: str | None
    email: str | None
    phone_mobile: str | None
    phone_home: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    emergency_contact_name: str | None
    emergency_contact_phone: str | None
    emergency_contact_relationship: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    #: the linked providers, by name.
    providers: tuple[ProviderSetting, ...]

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class BillingDetails:
    """The Billing tab's fields of a client (R11); `version` is the client record's."""

    client_id: int
    client_name: str
    billing_notes: str
    version: int


def sort_name(first_name: str, last_name: str) -> str:
    """The lower-cased "last first" the list sorts and searches by."""
    return f"{last_name} {first_name}".lower()


def draft_problems(uow: UnitOfWork, draft: ClientDraft) -> list[InvalidInput]:
    """Every problem of a draft at once, one per field at fault, in the form's order (a form
    shows them all beside their fields, not one per try). Checks only; nothing is written."""
    with uow:
        today = practice_today(uow)
    problems: list[InvalidInput] = []
    valid = ClientDraft(first_name="A", last_name="A")
    for name in DEMOGRAPHIC_FIELDS:
        alone = replace(valid, **{name: getattr(draft, name)})
        try:
            clean_draft(alone, today)
        except InvalidInput as problem:
            problems.append(problem)
    return problems


def _stale(name: str) -> Conflict:
    return Conflict(
        f"{name}'s record was changed by someone else a moment ago; nothing was "
        "saved. Open it again, then repeat your change."
    )


def _flush(uow: UnitOfWork, name: str) -> None:
    """Write the changes now, so a concurrent change shows as a Conflict, not a crash.

    `name` is the client's name read before the write: after a failed write the transaction
    is rolled back and the client's row can no longer be read in it."""
    try:
        uow.session.flush()
    except StaleDataError:
        uow.session.rollback()
        raise _stale(name) from None


def profile_of(uow: UnitOfWork, client: Client) -> ClientProfile:
    """The profile of a loaded client, in the caller's transaction (no permission check)."""
    rows = uow.session.execute(
        select(ClientProviderLink, Staff.display_name)
        .join(Staff, Staff.id == ClientProviderLink.provider_id)
        .where(ClientProviderLink.client_id == client.id, ClientProviderLink.ended_at.is_(None))
        .order_by(Staff.display_name, Staff.id)
    ).all()
    providers = tuple(
        ProviderSetting(
            provider_id=link.provider_id,
            provider_name=name,
            status=link.status,
            diagnosis=link.diagnosis,
            start_date=link.start_date,
            is_treating=link.is_treating,
            version=link.version,
            diagnosis_codes=tuple(filter(None, (link.diagnosis_codes or "").split("\n"))),
        )
        for link, name in rows
    )
    return ClientProfile(
        id=client.id,
        **{name: getattr(client, name) for name in DEMOGRAPHIC_FIELDS},
        created_at=client.created_at,
        updated_at=client.updated_at,
        version=client.version,
        providers=providers,
    )


def _require_seen(uow: UnitOfWork, principal: Principal, client_id: int) -> Client:
    linked = is_linked(uow, client_id, principal.staff_id)
    may_see_client(principal, principal_linked=linked).require()
    return load_client_for(uow, principal, client_id)


def _require_editable(uow: UnitOfWork, principal: Principal, client_id: int) -> Client:
    linked = is_linked(uow, client_id, principal.staff_id)
    may_edit_client(principal, principal_linked=linked).require()
    return load_client_for(uow, principal, client_id)


@checked
def get_client(uow: UnitOfWork, principal: Principal, client_id: int) -> ClientProfile:
    """The profile (R2): group-wide roles and linked providers. Not chart content: not audited,
    except when it is read under an emergency access (R18), which records every read."""
    with uow:
        client = load_client_for(uow, principal, client_id)  # R17: "not found" when restricted
        linked = is_linked(uow, client_id, principal.staff_id)
        if may_see_client(principal, principal_linked=linked):
            return profile_of(uow, client)
        access = emergency_reads.open_access_in_transaction(uow, principal, client_id)
        may_see_client(principal, principal_linked=linked, emergency=access is not None).require()
        profile = profile_of(uow, client)
        emergency_reads.record_read_in_transaction(uow, principal, access, "profile")
        uow.commit()
        return profile


def _treating_provider(uow: UnitOfWork, provider_id: int | None):
    """The provider chosen as treating provider of a new client: active, of this practice."""
    if provider_id is None:
        return None
    facts = provider_facts(uow, require_id(provider_id, "provider"))
    if facts is None or not facts.active:
        raise InvalidInput(
            "Choose an active provider of this practice as the treating provider.",
            field="treating_provider",
        )
    return facts


@checked
def create_client(
    uow: UnitOfWork,
    principal: Principal,
    draft: ClientDraft,
    *,
    treating_provider_id: int | None = None,
) -> ClientProfile:
    """Add a client. A provider who adds one has them on their own list at once (R1, R6); a
    treating provider, when chosen, gets the client on their list as treating provider."""
    may_create_client(principal).require()
    if not isinstance(draft, ClientDraft):
        raise InvalidInput("Fill in the new client's form.")
    with uow:
        session = uow.session
        values = clean_draft(draft, practice_today(uow))
        treating = _treating_provider(uow, treating_provider_id)
        now = uow.now()
        client = Client(
            **values,
            sort_name=sort_name(values["first_name"], values["last_name"]),
            created_at=now,
            created_by=principal.staff_id,
            updated_at=now,
        )
        session.add(client)
        session.flush()
        audit.record(
            uow,
            principal,
            audit.Action.CLIENT_CREATED,
            client_id=client.id,
            subject=f"client:{client.id}",
        )
        me = provider_facts(uow, principal.staff_id) if principal.has(Role.PROVIDER) else None
        if me is not None:
            session.add(
                ClientProviderLink(
                    client_id=client.id,
                    provider_id=me.staff_id,
                    status="active",
                    start_date=now.astimezone(UTC).date(),
                    is_treating=treating is not None and treating.staff_id == me.staff_id,
                    created_at=now,
                    created_by=principal.staff_id,
                )
            )
            session.flush()
            audit.record(
                uow,
                principal,
                audit.Action.LINK_ADDED,
                client_id=client.id,
                subject=f"link:{client.id}:{me.staff_id}",
                details={"provider": me.staff_id, "reason": "added the client"},
            )
        if treating is not None and (me is None or treating.staff_id != me.staff_id):
            ensure_link(uow, principal, client, treating.staff_id, treating=True)
            session.add(
                Notification(
                    recipient_id=treating.staff_id,
                    client_id=client.id,
                    created_at=now,
                    message=f"{principal.display_name} added {client_name(client)} to your "
                    "list as their treating provider.",
                )
            )
        profile = profile_of(uow, client)
        uow.commit()
        return profile


@checked
def update_client(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    draft: ClientDraft,
    expected_version: int,
) -> ClientProfile:
    """Save the profile form (R2; a Biller may not). The audit names the changed fields only."""
    with uow:
        client = _require_editable(uow, principal, client_id)
        values = clean_draft(draft, practice_today(uow))
        known_as = client_name(client)
        if client.version != expected_version:
            raise _stale(known_as)
        changed = [name for name, value in values.items() if getattr(client, name) != value]
        if changed:
            for name in changed:
                setattr(client, name, values[name])
            client.sort_name = sort_name(client.first_name, client.last_name)
            client.updated_at = uow.now()
            _flush(uow, known_as)
            audit.record(
                uow,
                principal,
                audit.Action.CLIENT_UPDATED,
                client_id=client.id,
                subject=f"client:{client.id}",
                details={"fields": changed},
            )
        profile = profile_of(uow, client)
        uow.commit()
        return profile


@checked
def update_provider_settings(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    provider_id: int,
    status: str,
    diagnosis: str | None,
    start_date: date | None,
    expected_version: int,
) -> ClientProfile:
    """Change one linked provider's status, diagnosis and start date for the client (R2)."""
    if status not in LINK_STATUSES:
        raise InvalidInput("Choose active, inactive or discharged.", field="status")
    diagnosis = (
        clean_text(
            diagnosis, "The diagnosis", max_length=MAX_DIAGNOSIS, required=False, field="diagnosis"
        )
        or None
    )
    start_date = clean_date(start_date, "The start date", "start_date")
    with uow:
        client = _require_editable(uow, principal, client_id)
        link = uow.session.scalars(
            select(ClientProviderLink).where(
                ClientProviderLink.client_id == client_id,
                ClientProviderLink.provider_id == provider_id,
                ClientProviderLink.ended_at.is_(None),
            )
        ).one_or_none()
        if link is None:
            raise NotFound(
                f"{client_name(client)} is no longer on that provider's list. Refresh the profile."
            )
        if link.version != expected_version:
            raise _stale(client_name(client))
        values = {"status": status, "diagnosis": diagnosis, "start_date": start_date}
        changed = [name for name, value in values.items() if getattr(link, name) != value]
        if changed:
            for name in changed:
                setattr(link, name, values[name])
            _flush(uow, client_name(client))
            audit.record(
                uow,
                principal,
                audit.Action.CLIENT_PROVIDER_SETTINGS_UPDATED,
                client_id=client.id,
                subject=f"link:{client.id}:{provider_id}",
                details={"provider": provider_id, "fields": changed},
            )
        profile = profile_of(uow, client)
        uow.commit()
        return profile


def _billing(client: Client) -> BillingDetails:
    return BillingDetails(
        client.id, client_name(client), client.billing_notes or "", client.version
    )


def _clean_notes(value: str | None) -> str:
    """Free text over several lines: line breaks and tabs allowed, other control characters not."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_BILLING_NOTES:
        raise InvalidInput(
            f"Billing notes can have at most {MAX_BILLING_NOTES:,} characters "
            f"(they have {len(text):,}).",
            field="billing_notes",
        )
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidInput(
            "Billing notes cannot contain control characters.", field="billing_notes"
        )
    return text


@checked
def billing_details(uow: UnitOfWork, principal: Principal, client_id: int) -> BillingDetails:
    """The Billing tab of a client (R11: Biller or Owner); opening it is audited."""
    may_use_billing(principal).require()
    with uow:
        client = _require_seen(uow, principal, client_id)
        audit.record(
            uow,
            principal,
            audit.Action.BILLING_VIEWED,
            client_id=client.id,
            subject=f"billing:{client.id}",
        )
        details = _billing(client)
        uow.commit()
        return details


@checked
def update_billing_notes(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    billing_notes: str | None,
    expected_version: int,
) -> BillingDetails:
    """Save the Billing tab's notes (R11: Biller or Owner)."""
    may_edit_billing(principal).require()
    notes = _clean_notes(billing_notes)
    with uow:
        client = _require_seen(uow, principal, client_id)
        if client.version != expected_version:
            raise _stale(client_name(client))
        if (client.billing_notes or "") != notes:
            client.billing_notes = notes or None
            client.updated_at = uow.now()
            _flush(uow, client_name(client))
            audit.record(
                uow,
                principal,
                audit.Action.BILLING_UPDATED,
                client_id=client.id,
                subject=f"billing:{client.id}",
                details={"fields": ["billing_notes"]},
            )
        details = _billing(client)
        uow.commit()
        return details
