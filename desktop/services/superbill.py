"""A superbill (R11): a client's sessions of a date range as their insurer asks for them: the
practice, each provider with their licence number, the client, the diagnoses (ICD-10-CM code and
words), each session's date, code, description, place of service, fee and payment, and totals.
Built here as data; the screens print it. Exporting one is audited and, being a disclosure of the
client's billing records, listed in the client's accounting of disclosures (B7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..db.tables import Practice, ProviderProfile, Staff
from ..db.uow import UnitOfWork
from . import audit
from .audit_words import SUPERBILL_EXPORTED
from .billing import billing_of, post_charges
from .boundary import checked
from .calendar_export import pos_name, practice_zone
from .diagnoses import coded
from .errors import InvalidInput
from .policy import may_keep_billing
from .principal import Principal
from .supervision_facts import load_client_for

#: the longest period one superbill covers.
MAX_DAYS = 400


@dataclass(frozen=True)
class SuperbillProvider:
    name: str
    credentials: str
    licence_number: str


@dataclass(frozen=True)
class SuperbillDiagnosis:
    """A diagnosis on the superbill; `pointer` is the letter its sessions refer to it by."""

    pointer: str
    code: str
    description: str


@dataclass(frozen=True)
class SuperbillLine:
    service_date: date
    provider_name: str
    code: str
    description: str
    pos_code: str
    pos_name: str
    pointers: str
    fee_cents: int
    paid_cents: int


@dataclass(frozen=True)
class Superbill:
    """Everything a superbill prints, amounts in cents."""

    practice_name: str
    practice_address: str
    client_name: str
    date_of_birth: date | None
    client_address: tuple[str, ...]
    start: date
    end: date
    made_on: date
    providers: tuple[SuperbillProvider, ...]
    diagnoses: tuple[SuperbillDiagnosis, ...]
    lines: tuple[SuperbillLine, ...]
    total_fee_cents: int
    total_paid_cents: int

    @property
    def owing_cents(self) -> int:
        return self.total_fee_cents - self.total_paid_cents


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("The end of the period must not be before its start.", "end")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(
            "A superbill covers at most about a year; choose a shorter period.", "end"
        )


def _address(client) -> tuple[str, ...]:
    town = " ".join(p for p in (client.city, client.region, client.postal_code) if p)
    return tuple(p for p in (client.address_line1, client.address_line2, town) if p)


@checked
def superbill(
    uow: UnitOfWork, principal: Principal, client_id: int, start: date, end: date
) -> Superbill:
    """The client's superbill for the sessions from `start` to `end` (R11: Owner, Biller).
    Charges are brought up to date first; voided charges are left out."""
    may_keep_billing(principal).require()
    _check_period(start, end)
    with uow:
        client = load_client_for(uow, principal, client_id)
        post_charges(uow, principal, client)
        account = billing_of(uow, client)
        charges = [
            c
            for c in reversed(account.charges)
            if c.status == "open" and start <= c.service_date <= end
        ]
        letters: dict[str, str] = {}
        for charge in charges:
            for code in charge.diagnosis_codes:
                letters.setdefault(code, chr(ord("A") + len(letters)))
        diagnoses = tuple(
            SuperbillDiagnosis(letters[d.code], d.code, d.description) for d in coded(list(letters))
        )
        provider_ids = sorted({c.provider_id for c in charges})
        rows = uow.session.execute(
            select(Staff.display_name, ProviderProfile.credentials, ProviderProfile.licence_number)
            .join(ProviderProfile, ProviderProfile.staff_id == Staff.id)
            .where(Staff.id.in_(provider_ids))
            .order_by(Staff.display_name)
        ).all()
        providers = tuple(SuperbillProvider(n, c or "", lic or "") for n, c, lic in rows)
        practice = uow.session.get(Practice, 1)
        lines = tuple(
            SuperbillLine(
                c.service_date,
                c.provider_name,
                c.code or "",
                c.description,
                c.pos_code,
                pos_name(c.pos_code),
                ",".join(letters[d] for d in c.diagnosis_codes),
                c.fee_cents,
                c.paid_cents,
            )
            for c in charges
        )
        result = Superbill(
            practice.name if practice else "",
            (practice.address or "") if practice else "",
            account.client_name,
            client.date_of_birth,
            _address(client),
            start,
            end,
            uow.now().astimezone(practice_zone(uow)).date(),
            providers,
            diagnoses,
            lines,
            sum(line.fee_cents for line in lines),
            sum(line.paid_cents for line in lines),
        )
        uow.commit()
        return result


@checked
def record_superbill_exported(
    uow: UnitOfWork, principal: Principal, client_id: int, start: date, end: date, sessions: int
) -> None:
    """Audit that a superbill was saved as PDF (R11, R13); it is a disclosure of the client's
    billing records, so it appears in their accounting of disclosures (B7)."""
    may_keep_billing(principal).require()
    _check_period(start, end)
    with uow:
        client = load_client_for(uow, principal, client_id)
        audit.record(
            uow,
            principal,
            SUPERBILL_EXPORTED,
            client_id=client.id,
            subject=f"billing:{client.id}",
            details={
                "format": "pdf",
                "from": start.isoformat(),
                "to": end.isoformat(),
                "sessions": max(0, sessions),
                "recipient": "The client, for their insurer",
            },
        )
        uow.commit()
