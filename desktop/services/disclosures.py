"""The accounting of disclosures (B7; HIPAA 164.528, ONC 170.315(d)(11)): for one client, every
share started or ended, transfer, emergency access, export and printed record of the last six
years: when, to whom, what, why and by whom. Read from the audit trail, so nothing can be left
out by a feature that forgot to keep its own list.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from sqlalchemy import select

from ..db.tables import AuditEvent
from ..db.uow import UnitOfWork
from . import audit
from .audit import Action, AuditEntry
from .audit_query import names_for
from .audit_words import (
    DISCLOSURES_EXPORTED,
    EMERGENCY_ENDED,
    EMERGENCY_OPENED,
    EMERGENCY_READ,
    RECORD_EXPORTED,
    RECORD_PRINTED,
    SUPERBILL_EXPORTED,
    Names,
)
from .boundary import checked
from .errors import InvalidInput
from .policy import may_read_audit
from .principal import Principal
from .record_facts import client_name, load_client

#: how far back the accounting reaches (HIPAA 164.528: six years).
YEARS = 6
#: the audited actions that disclose a client's record (emergency access by name, so its
#: entries appear as soon as the feature writes them).
DISCLOSURE_ACTIONS = (
    Action.SHARE_STARTED,
    Action.SHARE_ENDED,
    Action.CLIENT_TRANSFERRED,
    EMERGENCY_OPENED,
    EMERGENCY_READ,
    EMERGENCY_ENDED,
    RECORD_EXPORTED,
    RECORD_PRINTED,
    DISCLOSURES_EXPORTED,
    SUPERBILL_EXPORTED,
)
KINDS = {
    Action.SHARE_STARTED: "Chart shared",
    Action.SHARE_ENDED: "Share ended",
    Action.CLIENT_TRANSFERRED: "Transferred",
    EMERGENCY_OPENED: "Emergency access",
    EMERGENCY_READ: "Emergency read",
    EMERGENCY_ENDED: "Emergency access ended",
    RECORD_EXPORTED: "Record exported",
    RECORD_PRINTED: "Record printed",
    DISCLOSURES_EXPORTED: "Disclosures listed",
    SUPERBILL_EXPORTED: "Billing records exported",
}
_ENDINGS = {
    "manual": "Ended by hand",
    "expired": "Its end date was reached",
    "recipient_deactivated": "The recipient left the practice",
    "link_ended": "The client left the provider's list",
}
FORMATS = ("pdf", "csv")


@dataclass(frozen=True)
class Disclosure:
    """One disclosure as the accounting lists it."""

    seq: int
    occurred_at: datetime
    kind: str
    to_whom: str
    what: str
    why: str
    by_whom: str


@dataclass(frozen=True)
class DisclosureAccount:
    """Every disclosure of one client from `since` on, oldest first."""

    client_id: int
    client_name: str
    since: datetime
    made_at: datetime
    rows: list[Disclosure]


def six_years_before(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - YEARS)
    except ValueError:  # 29 February
        return (moment - timedelta(days=1)).replace(year=moment.year - YEARS)


def _private(details: dict) -> str:
    return "with private notes" if details.get("include_private") else "without private notes"


def _chart(names: Names, author: object) -> str:
    return f"{names.person(author)}'s chart"


def _describe(entry: AuditEntry, names: Names, started: dict[str, dict]) -> Disclosure:
    details = entry.details or {}
    action = entry.action
    by = names.actor(entry)
    to_whom, what, why = "", "", str(details.get("purpose") or details.get("reason") or "")
    if action == Action.SHARE_STARTED:
        to_whom = names.person(details.get("to"))
        what = f"{_chart(names, details.get('from'))}, {_private(details)}"
        if details.get("until"):
            what += f", until {str(details['until'])[:10]}"
    elif action == Action.SHARE_ENDED:
        opening = started.get(entry.subject or "", {})
        to_whom = names.person(details.get("to"))
        what = _chart(names, details.get("from"))
        if opening:
            what += f", {_private(opening)}"
        why = _ENDINGS.get(str(details.get("reason")), str(details.get("reason") or ""))
    elif action == Action.CLIENT_TRANSFERRED:
        to_whom = names.person(details.get("to"))
        what = f"{_chart(names, details.get('from'))}, {_private(details)}; the client moved"
        why = str(details.get("purpose") or "")
    elif action in (EMERGENCY_OPENED, EMERGENCY_READ, EMERGENCY_ENDED):
        to_whom = by
        author = details.get("provider_id", details.get("from"))
        what = f"{_chart(names, author)}, without private notes"
    elif action in (RECORD_EXPORTED, RECORD_PRINTED, DISCLOSURES_EXPORTED):
        to_whom = str(details.get("recipient") or "Not recorded")
        form = str(details.get("format") or "").upper()
        thing = "This accounting of disclosures" if action == DISCLOSURES_EXPORTED else "The record"
        what = f"{thing} ({form})" if form else thing
    elif action == SUPERBILL_EXPORTED:
        to_whom = str(details.get("recipient") or "Not recorded")
        period = f"{details.get('from', '?')} to {details.get('to', '?')}"
        what = f"Superbill of the sessions from {period} (PDF)"
    return Disclosure(
        entry.seq, entry.occurred_at, KINDS.get(action, action), to_whom, what, why, by
    )


@checked
def disclosures_of(uow: UnitOfWork, principal: Principal, client_id: int) -> DisclosureAccount:
    """The client's accounting of disclosures over the last six years (B7): Owner and Record
    Custodian, who read the audit trail (R13)."""
    may_read_audit(principal).require()
    with uow:
        client = load_client(uow, client_id)
        now = uow.now()
        since = six_years_before(now)
        events = uow.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.client_id == client.id,
                AuditEvent.occurred_at >= since,
                AuditEvent.action.in_(DISCLOSURE_ACTIONS),
            )
            .order_by(AuditEvent.seq)
        )
        entries = [audit.to_entry(event) for event in events]
        names = names_for(uow, entries)
        started: dict[str, dict] = {}
        rows = []
        for entry in entries:
            if entry.action == Action.SHARE_STARTED and entry.subject:
                started[entry.subject] = entry.details or {}
            rows.append(_describe(entry, names, started))
        return DisclosureAccount(client.id, client_name(client), since, now, rows)


@checked
def record_disclosures_given(
    uow: UnitOfWork, principal: Principal, client_id: int, form: str, entries: int
) -> None:
    """Audit that the accounting was printed to PDF or exported to CSV: it is itself a
    disclosure of the client's record, and appears in the next accounting."""
    may_read_audit(principal).require()
    if form not in FORMATS:
        raise InvalidInput("Choose PDF or CSV.", field="form")
    with uow:
        client = load_client(uow, client_id)
        audit.record(
            uow,
            principal,
            DISCLOSURES_EXPORTED,
            client_id=client.id,
            subject=f"client:{client.id}",
            details={"format": form, "entries": max(0, entries)},
        )
        uow.commit()


CSV_COLUMNS = ["when (UTC)", "disclosure", "to whom", "what", "why", "by whom", "entry"]


def write_csv(account: DisclosureAccount, out: TextIO) -> int:
    """The accounting as CSV rows; returns how many disclosures were written."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in account.rows:
        writer.writerow(
            [
                row.occurred_at.isoformat(),
                row.kind,
                row.to_whom,
                row.what,
                row.why,
                row.by_whom,
                row.seq,
            ]
        )
    return len(account.rows)
