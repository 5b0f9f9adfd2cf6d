"""The practice's fee schedule (R11): service codes (CPT/HCPCS, and the practice's own codes for
its no-show and late-cancel fees) with a description and a fee in cents. The Owner and Billers
keep it; an entry is retired, never deleted, so old charges still read. Each entry may say which
sessions take it by default (by appointment type, or by length), so a charge gets its code
without typing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import FeeScheduleEntry
from ..db.tables.billing import FEE_USES
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .policy import may_keep_billing
from .principal import Principal
from .validation import clean_text

FEE_SAVED = "billing.fee_saved"
#: the largest fee or payment the practice records: one million, in cents.
MAX_CENTS = 100_000_000
#: a CPT or HCPCS code (90837, G0444), or a practice's own short code (NOSHOW).
_CODE = re.compile(r"[A-Z0-9][A-Z0-9.-]{0,9}")
USE_LABELS = {"session": "Sessions", "no_show": "No-show fee", "late_cancel": "Late-cancel fee"}


@dataclass(frozen=True)
class FeeEntry:
    """A fee-schedule entry as the screens show it."""

    id: int
    code: str
    description: str
    fee_cents: int
    active: bool
    use_for: str
    appointment_type: str | None
    minutes_from: int | None
    minutes_to: int | None
    version: int


@dataclass(frozen=True)
class FeeInput:
    """What the fee-schedule form sends: a new entry, or the new values of one."""

    code: str
    description: str
    fee_cents: int
    active: bool = True
    use_for: str = "session"
    appointment_type: str | None = None
    minutes_from: int | None = None
    minutes_to: int | None = None


def fee_entry(row: FeeScheduleEntry) -> FeeEntry:
    return FeeEntry(
        row.id,
        row.code,
        row.description,
        row.fee_cents,
        row.active,
        row.use_for,
        row.appointment_type,
        row.minutes_from,
        row.minutes_to,
        row.version,
    )


def money(cents: int) -> str:
    """Cents as the screens and superbills show them: "$1,234.50", "-$20.00"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def clean_cents(value: int, label: str, field: str, *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{label} must be an amount such as 150.00.", field=field)
    if value < least or value > MAX_CENTS:
        lowest = money(least)
        raise InvalidInput(f"{label} must be between {lowest} and {money(MAX_CENTS)}.", field)
    return value


def _clean(entry: FeeInput) -> FeeInput:
    code = clean_text(entry.code, "The code", max_length=10, field="code").upper()
    if not _CODE.fullmatch(code):
        raise InvalidInput("A code has letters and digits only, such as 90837.", "code")
    description = clean_text(
        entry.description, "The description", max_length=200, field="description"
    )
    if entry.use_for not in FEE_USES:
        raise InvalidInput("Choose sessions, the no-show fee or the late-cancel fee.", "use_for")
    kind = clean_text(
        entry.appointment_type,
        "The appointment type",
        max_length=80,
        required=False,
        field="appointment_type",
    )
    band = []
    for value, field in ((entry.minutes_from, "minutes_from"), (entry.minutes_to, "minutes_to")):
        if value is not None and not 1 <= value <= 600:
            raise InvalidInput("Minutes must be between 1 and 600.", field)
        band.append(value)
    if None not in band and band[1] < band[0]:
        raise InvalidInput(
            "The longest length must not be shorter than the shortest.", "minutes_to"
        )
    fee = clean_cents(entry.fee_cents, "The fee", "fee_cents")
    return FeeInput(code, description, fee, bool(entry.active), entry.use_for, kind or None, *band)


@checked
def fee_schedule(
    uow: UnitOfWork, principal: Principal, include_retired: bool = False
) -> list[FeeEntry]:
    """The practice's service codes, by code (R11); retired ones only when asked."""
    may_keep_billing(principal).require()
    with uow:
        query = select(FeeScheduleEntry).order_by(FeeScheduleEntry.code)
        if not include_retired:
            query = query.where(FeeScheduleEntry.active.is_(True))
        return [fee_entry(row) for row in uow.session.scalars(query)]


def _values(row: FeeScheduleEntry) -> dict:
    return {
        "code": row.code,
        "description": row.description,
        "fee_cents": row.fee_cents,
        "active": row.active,
        "use_for": row.use_for,
        "appointment_type": row.appointment_type,
        "minutes_from": row.minutes_from,
        "minutes_to": row.minutes_to,
    }


@checked
def save_fee_entry(
    uow: UnitOfWork,
    principal: Principal,
    entry: FeeInput,
    entry_id: int | None = None,
    expected_version: int | None = None,
) -> FeeEntry:
    """Add a service code, or change one (R11: Owner, Biller); audited with old and new values.
    Charges already made keep their fee: a new fee applies to charges made from now on."""
    may_keep_billing(principal).require()
    clean = _clean(entry)
    with uow:
        if entry_id is None:
            row = FeeScheduleEntry(version=1)
            uow.session.add(row)
            before = None
        else:
            row = uow.session.get(FeeScheduleEntry, entry_id)
            if row is None:
                raise NotFound("That service code no longer exists. Refresh the fee schedule.")
            if expected_version is not None and row.version != expected_version:
                raise Conflict(
                    "Someone else changed this service code a moment ago; nothing was saved."
                )
            before = _values(row)
        for name, value in clean.__dict__.items():
            setattr(row, name, value)
        row.updated_at = uow.now()
        row.updated_by = principal.staff_id
        try:
            uow.session.flush()
        except IntegrityError:
            raise InvalidInput(
                f"The code {clean.code} is already in the fee schedule.", "code"
            ) from None
        except StaleDataError:
            raise Conflict(
                "Someone else changed this service code a moment ago; nothing was saved."
            ) from None
        after = _values(row)
        if before == after:
            return fee_entry(row)
        audit.record(
            uow,
            principal,
            FEE_SAVED,
            subject=f"fee:{row.id}",
            details={"before": before, "after": after},
        )
        view = fee_entry(row)
        uow.commit()
        return view


def default_entry(
    entries: list[FeeScheduleEntry] | list[FeeEntry], kind: str, appointment_type: str, minutes: int
):
    """The entry a session takes without typing: the no-show or late-cancel fee for those; for
    an attended session the entry named for its appointment type, else the one whose minutes
    band holds its length (the tightest band first). None when the schedule has no fit."""
    active = [e for e in entries if e.active and e.use_for == kind]
    if kind != "session":
        return active[0] if active else None
    wanted = appointment_type.strip().casefold()
    for e in active:
        if e.appointment_type and e.appointment_type.strip().casefold() == wanted:
            return e
    fits = [
        e
        for e in active
        if not e.appointment_type
        and (e.minutes_from is not None or e.minutes_to is not None)
        and (e.minutes_from or 0) <= minutes <= (e.minutes_to or 10**6)
    ]
    fits.sort(key=lambda e: ((e.minutes_to or 10**6) - (e.minutes_from or 0), e.code))
    return fits[0] if fits else None
