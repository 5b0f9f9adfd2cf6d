"""The client profile form: its fields, their limits, and the checking of a filled-in form."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..db.tables import Practice
from ..db.uow import UnitOfWork
from .errors import InvalidInput
from .validation import clean_email, clean_phone, clean_text

if TYPE_CHECKING:
    from .clients import ClientProfile

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
NAME_FIELDS = ("first_name", "last_name", "preferred_name")
PHONE_FIELDS = ("phone_mobile", "phone_home", "emergency_contact_phone")
EARLIEST_DATE = date(1900, 1, 1)


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


def practice_today(uow: UnitOfWork) -> date:
    """Today's date where the practice is (a birth date today is not in the future)."""
    zone = uow.session.scalar(select(Practice.time_zone).where(Practice.id == 1))
    return uow.now().astimezone(ZoneInfo(zone) if zone else UTC).date()


def clean_date(value: object, label: str, field: str) -> date | None:
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


def clean_draft(draft: ClientDraft, today: date) -> dict[str, object]:
    """The column values of a valid draft; InvalidInput naming the first field at fault."""
    values: dict[str, object] = {}
    for name in DEMOGRAPHIC_FIELDS:
        raw = getattr(draft, name)
        if name != "date_of_birth" and raw is not None and not isinstance(raw, str):
            raise InvalidInput(f"The {name.replace('_', ' ')} must be text.", field=name)
        if name in PHONE_FIELDS:
            label, most = TEXT_FIELDS[name]
            values[name] = clean_phone(raw, label, max_length=most, field=name) or None
        elif name in TEXT_FIELDS:
            label, most = TEXT_FIELDS[name]
            required = name in ("first_name", "last_name")
            text = clean_text(raw, label, max_length=most, required=required, field=name)
            if name in NAME_FIELDS:
                text = " ".join(text.split())
            values[name] = text or None
        elif name == "email":
            values[name] = clean_email(raw, field="email") if raw and raw.strip() else None
        elif name == "date_of_birth":
            born = clean_date(raw, "The date of birth", name)
            if born is not None and born > today:
                raise InvalidInput("The date of birth cannot be in the future.", field=name)
            values[name] = born
    return values
