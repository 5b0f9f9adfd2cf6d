"""The client profile (R2) and its provider settings, new clients, and billing details (R11).

The list and search of clients is in `client_list.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import Client, ClientProviderLink, Practice, Staff
from ..db.tables.clients import LINK_STATUSES
from ..db.uow import UnitOfWork
from . import audit
from .errors import Conflict, InvalidInput, NotFound
from .policy import (
    may_create_client,
    may_edit_billing,
    may_edit_client,
    may_see_client,
    may_use_billing,
)
from .principal import Principal, Role
from .record_facts import client_name, is_linked, load_client, provider_facts
from .validation import clean_email, clean_text

#: text fields of the profile: (label for messages, most characters).
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "first_name": ("The first name", 100),
    "last_name": ("The last name", 100),
    "preferred_name": ("The preferred name", 100),
    "sex": ("Sex", 40),
    "gender_identity": ("The gender identity", 80),
    "pronouns": ("The pronouns", 40),
    "phone_mobile": ("The mobile phone number", 40),
    "phone_home": ("The home phone number", 40),
    "address_line1": ("The address", 200),
    "address_line2": ("The second address line", 200),
    "city": ("The city", 100),
    "region": ("The province or state", 100),
    "postal_code": ("The postal code", 20),
    "emergency_contact_name": ("The emergency contact's name", 200),
    "emergency_contact_phone": ("The emergency contact's phone number", 40),
    "emergency_contact_relationship": ("The emergency contact's relationship", 80),
}
_NAME_FIELDS = ("first_name", "last_name", "preferred_name")
EARLIEST_DATE = date(1900, 1, 1)
MAX_BILLING_NOTES = 10_000
MAX_DIAGNOSIS = 500


@dataclass(frozen=True)
class ClientDraft:
    """What the profile form collects: the whole profile, as it should be after saving.
    An empty or None optional field is saved empty."""

    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    gender_identity: str | None = None
    pronouns: str | None = None
    email: str | None = None
    phone_mobile: str | None = None
    phone_home: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    emergency_contact_relationship: str | None = None

    @classmethod
    def from_profile(cls, profile: ClientProfile) -> ClientDraft:
        """A draft holding the profile as it is, to change a few fields with `replace()`."""
        return cls(**{name: getattr(profile, name) for name in DEMOGRAPHIC_FIELDS})


#: the demographic columns of Client, which the draft carries and a linked profile copies.
DEMOGRAPHIC_FIELDS = tuple(f.name for f in fields(ClientDraft))


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


def _practice_today(uow: UnitOfWork) -> date:
    """Today's date where the practice is (a birth date today is not in the future)."""
    zone = uow.session.scalar(select(Practice.time_zone).where(Practice.id == 1))
    return uow.now().astimezone(ZoneInfo(zone) if zone else UTC).date()


def _clean_date(value: object, label: str, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(f"{label} must be a date such as 1985-04-23.", field=field) from None
    elif not isinstance(value, date):
        raise InvalidInput(f"{label} must be a date such as 1985-04-23.", field=field)
    if value < EARLIEST_DATE:
        raise InvalidInput(f"{label} cannot be before 1900.", field=field)
    return value


def _clean_draft(draft: ClientDraft, today: date) -> dict[str, object]:
    """The column values of a valid draft; InvalidInput naming the first field at fault."""
    values: dict[str, object] = {}
    for name in DEMOGRAPHIC_FIELDS:
        raw = getattr(draft, name)
        if name != "date_of_birth" and raw is not None and not isinstance(raw, str):
            raise InvalidInput(f"The {name.replace('_', ' ')} must be text.", field=name)
        if name in TEXT_FIELDS:
            label, most = TEXT_FIELDS[name]
            required = name in ("first_name", "last_name")
            text = clean_text(raw, label, max_length=most, required=required, field=name)
            if name in _NAME_FIELDS:
                text = " ".join(text.split())
            values[name] = text or None
        elif name == "email":
            values[name] = clean_email(raw, field="email") if raw and raw.strip() else None
        elif name == "date_of_birth":
            born = _clean_date(raw, "The date of birth", name)
            if born is not None and born > today:
                raise InvalidInput("The date of birth cannot be in the future.", field=name)
            values[name] = born
    return values


def draft_problems(uow: UnitOfWork, draft: ClientDraft) -> list[InvalidInput]:
    """Every problem of a draft at once, one per field at fault, in the form's order (a form
    shows them all beside their fields, not one per try). Checks only; nothing is written."""
    with uow:
        today = _practice_today(uow)
    problems: list[InvalidInput] = []
    valid = ClientDraft(first_name="A", last_name="A")
    for name in DEMOGRAPHIC_FIELDS:
        alone = replace(valid, **{name: getattr(draft, name)})
        try:
            _clean_draft(alone, today)
        except InvalidInput as problem:
            problems.append(problem)
    return problems


def _stale(client: Client) -> Conflict:
    return Conflict(
        f"{client_name(client)}'s record was changed by someone else a moment ago; nothing was "
        "saved. Open it again, then repeat your change."
    )


def _flush(uow: UnitOfWork, client: Client) -> None:
    """Write the changes now, so a concurrent change shows as a Conflict, not a crash."""
    try:
        uow.session.flush()
    except StaleDataError:
        raise _stale(client) from None


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
    return load_client(uow, client_id)


def _require_editable(uow: UnitOfWork, principal: Principal, client_id: int) -> Client:
    linked = is_linked(uow, client_id, principal.staff_id)
    may_edit_client(principal, principal_linked=linked).require()
    return load_client(uow, client_id)


def get_client(uow: UnitOfWork, principal: Principal, client_id: int) -> ClientProfile:
    """The profile (R2): group-wide roles and linked providers. Not chart content: not audited."""
    with uow:
        return profile_of(uow, _require_seen(uow, principal, client_id))


def create_client(uow: UnitOfWork, principal: Principal, draft: ClientDraft) -> ClientProfile:
    """Add a client. A provider who adds one has them on their own list at once (R1, R6)."""
    may_create_client(principal).require()
    with uow:
        session = uow.session
        values = _clean_draft(draft, _practice_today(uow))
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
        profile = profile_of(uow, client)
        uow.commit()
        return profile


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
        values = _clean_draft(draft, _practice_today(uow))
        if client.version != expected_version:
            raise _stale(client)
        changed = [name for name, value in values.items() if getattr(client, name) != value]
        if changed:
            for name in changed:
                setattr(client, name, values[name])
            client.sort_name = sort_name(client.first_name, client.last_name)
            client.updated_at = uow.now()
            _flush(uow, client)
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
    start_date = _clean_date(start_date, "The start date", "start_date")
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
            raise _stale(client)
        values = {"status": status, "diagnosis": diagnosis, "start_date": start_date}
        changed = [name for name, value in values.items() if getattr(link, name) != value]
        if changed:
            for name in changed:
                setattr(link, name, values[name])
            _flush(uow, client)
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
            raise _stale(client)
        if (client.billing_notes or "") != notes:
            client.billing_notes = notes or None
            client.updated_at = uow.now()
            _flush(uow, client)
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
