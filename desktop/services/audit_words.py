"""Audit entries in plain words (R13): what each action is called, and one sentence per entry
("Ana Castillo shared their chart of Amelia Abbott with Ben Adeyemi, without private notes").

Names come from two lookups the caller fills (staff id -> name, client id -> name); an id no
lookup knows reads as "staff member #4" or "client #38", so an entry always reads alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .audit import Action, AuditEntry
from .principal import Role, roles_label
from .staff import RECORDS_OWNER_LABELS

#: actions written by emergency access (R18).
EMERGENCY_OPENED = Action.EMERGENCY_OPENED
EMERGENCY_READ = Action.EMERGENCY_READ
EMERGENCY_ENDED = Action.EMERGENCY_ENDED
#: a client's record exported or printed, and the accounting of disclosures itself (B7).
RECORD_EXPORTED = "record.exported"
RECORD_PRINTED = "record.printed"
DISCLOSURES_EXPORTED = "client.disclosures_exported"
#: a client's superbill saved as PDF: a disclosure of their billing records (R11, B7).
SUPERBILL_EXPORTED = "billing.superbill_exported"

#: how an action reads; an action not listed shows as stored.
ACTION_WORDS = {
    Action.PRACTICE_CREATED: "Practice set up",
    Action.SIGN_IN: "Signed in",
    Action.SIGN_IN_FAILED: "Sign-in refused",
    Action.SIGN_OUT: "Signed out",
    Action.STAFF_ADDED: "Staff added",
    Action.STAFF_ROLES_CHANGED: "Roles changed",
    Action.STAFF_DEACTIVATED: "Staff deactivated",
    Action.STAFF_REACTIVATED: "Staff reactivated",
    Action.RECORDS_OWNER_CHANGED: "Record ownership changed",
    Action.PROVIDER_DETAILS_CHANGED: "Provider's credentials or licence changed",
    Action.PASSWORD_CHANGED: "Password changed",
    Action.AUDIT_EXPORTED: "Audit trail exported",
    Action.DATABASE_BACKED_UP: "Database backed up",
    Action.CLIENT_CREATED: "Client added",
    Action.CLIENT_UPDATED: "Client details changed",
    Action.CLIENT_PROVIDER_SETTINGS_UPDATED: "Booking defaults changed",
    Action.PROFILES_LINKED: "Profiles linked",
    Action.CHART_READ: "Chart opened",
    Action.PRIVATE_NOTES_READ: "Private notes opened",
    Action.NOTE_CREATED: "Note started",
    Action.NOTE_UPDATED: "Note changed",
    Action.NOTE_SIGNED: "Note signed",
    Action.ADDENDUM_ADDED: "Addendum added",
    Action.DOCUMENT_ADDED: "Document added",
    Action.DOCUMENT_READ: "Document opened",
    Action.SHARE_STARTED: "Chart share started",
    Action.SHARE_ENDED: "Chart share ended",
    Action.LINK_ADDED: "Added to a provider's list",
    Action.LINK_ENDED: "Removed from a provider's list",
    Action.CLIENT_TRANSFERRED: "Client transferred",
    Action.CASELOAD_TRANSFER_STARTED: "Caseload transfer started",
    Action.CASELOAD_TRANSFER_FINISHED: "Caseload transfer finished",
    Action.BILLING_VIEWED: "Billing viewed",
    Action.BILLING_UPDATED: "Billing changed",
    "billing.fee_saved": "Fee schedule changed",
    "billing.charge_posted": "Charge made for a session",
    "billing.charge_voided": "Charge voided",
    "billing.charge_reopened": "Charge made again",
    "billing.charge_repriced": "Charge re-priced after a status change",
    "billing.charge_adjusted": "Charge adjusted",
    "billing.payment_recorded": "Payment recorded",
    "billing.payment_voided": "Payment voided",
    SUPERBILL_EXPORTED: "Superbill exported",
    EMERGENCY_OPENED: "Emergency access opened",
    EMERGENCY_READ: "Chart read in an emergency",
    EMERGENCY_ENDED: "Emergency access ended",
    Action.EMERGENCY_REVIEWED: "Emergency access reviewed",
    Action.SESSION_LOCKED: "Locked after the idle time",
    Action.SESSION_UNLOCKED: "Unlocked",
    Action.UNLOCK_FAILED: "Unlock refused",
    Action.IDLE_SIGN_OUT: "Signed out from the lock",
    Action.SECOND_FACTOR_ENROLLED: "Second factor set up",
    Action.SECOND_FACTOR_RESET: "Second factor reset",
    Action.RECOVERY_CODE_USED: "Recovery code used",
    Action.PRACTICE_SETTINGS_CHANGED: "Practice settings changed",
    "supervision.set": "Supervision set",
    "supervision.ended": "Supervision ended",
    "supervision.review_moved": "Note moved to another supervisor",
    "supervision.review_withdrawn": "Note back to its author",
    "chart.note_sent_for_review": "Note sent for review",
    "chart.note_approved": "Note approved",
    "chart.note_returned": "Note returned with a comment",
    "client.restricted": "Client restricted from a colleague",
    "client.restriction_lifted": "Restriction lifted",
    "client.diagnoses_changed": "Diagnoses changed",
    "appointment.status_changed": "Appointment status changed",
    "practice.note_template_saved": "Note template saved",
    "practice.note_due_hours_changed": "Notes to write: hours changed",
    Action.EMERGENCY_SETTINGS_CHANGED: "Emergency access settings changed",
    RECORD_EXPORTED: "Record exported",
    RECORD_PRINTED: "Record printed",
    DISCLOSURES_EXPORTED: "Disclosures listed for the client",
}

_SHARE_ENDS = {
    "manual": "",
    "expired": ", as its end date was reached",
    "recipient_deactivated": ", as the recipient left the practice",
    "link_ended": ", as the client left the provider's list",
}


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action)


def roles_words(values: object) -> str:
    """Stored role values as the user reads them, in the order of SPEC.md."""
    if not isinstance(values, list):
        return ""
    known = {role.value: role for role in Role}
    roles = frozenset(known[value] for value in values if value in known)
    unknown = [str(value) for value in values if value not in known]
    return ", ".join([roles_label(roles)] + unknown) if roles else ", ".join(unknown) or "no roles"


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class Names:
    """The lookups a sentence uses: staff and clients by id."""

    staff: dict[int, str] = field(default_factory=dict)
    clients: dict[int, str] = field(default_factory=dict)

    def person(self, staff_id: object) -> str:
        key = _whole(staff_id)
        if key is None:
            return "someone"
        return self.staff.get(key, f"staff member #{key}")

    def client(self, client_id: object) -> str:
        key = _whole(client_id)
        if key is None:
            return ""
        return self.clients.get(key, f"client #{key}")

    def actor(self, entry: AuditEntry) -> str:
        if entry.actor_id is not None and entry.actor_id in self.staff:
            return self.staff[entry.actor_id]
        return entry.actor_label


def _chart(names: Names, entry: AuditEntry, author: object) -> str:
    """ "their chart" when the actor wrote it, else "Dr. Lee's chart"."""
    if _whole(author) is not None and author == entry.actor_id:
        return "their chart"
    return f"{names.person(author)}'s chart"


def _subject_staff(names: Names, entry: AuditEntry) -> str:
    kind, _, key = (entry.subject or "").partition(":")
    return names.person(int(key)) if kind == "staff" and key.isdigit() else (entry.subject or "")


def _chart_provider(entry: AuditEntry) -> object:
    details = entry.details or {}
    if "provider_id" in details:
        return details["provider_id"]
    parts = (entry.subject or "").split(":")
    return int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else None


# -- one sentence builder per action, found in one look-up (SENTENCES) -------------------------
# Each takes the lookups, the entry, who did it and " of <client>" (or ""), and returns the line.


def _private(details: dict) -> str:
    return "with private notes" if details.get("include_private") else "without private notes"


def _purpose(details: dict) -> str:
    return f" Purpose: {details['purpose']}" if details.get("purpose") else ""


def _share_started(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    chart = _chart(names, entry, details.get("from"))
    until = f", until {str(details['until'])[:10]}" if details.get("until") else ""
    to = names.person(details.get("to"))
    return f"{who} shared {chart}{of} with {to}, {_private(details)}{until}.{_purpose(details)}"


def _share_ended(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    chart = _chart(names, entry, details.get("from"))
    why = _SHARE_ENDS.get(str(details.get("reason")), "")
    return f"{who} ended the share of {chart}{of} with {names.person(details.get('to'))}{why}."


def _transferred(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    client = names.client(entry.client_id) or "a client"
    source, target = names.person(details.get("from")), names.person(details.get("to"))
    return (
        f"{who} transferred {client} from {source} to {target}, {_private(details)}."
        f"{_purpose(details)}"
    )


def _listed(verb: str, place: str):
    def build(names: Names, entry: AuditEntry, who: str, of: str) -> str:
        client = names.client(entry.client_id) or "a client"
        provider = names.person((entry.details or {}).get("provider"))
        return f"{who} {verb} {client} {place} {provider}'s list."

    return build


def _opened(what: str, urgent: str):
    def build(names: Names, entry: AuditEntry, who: str, of: str) -> str:
        chart = _chart(names, entry, _chart_provider(entry))
        return " ".join(f"{who} opened {what}{chart}{of}{urgent}.".split())

    return build


def _emergency_opened(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    reason = f" Reason: {details['reason']}" if details.get("reason") else ""
    chart = _chart(names, entry, _chart_provider(entry))
    return f"{who} opened {chart}{of} in an emergency.{reason}"


def _client_changed(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    fields = (entry.details or {}).get("fields")
    listed = ", ".join(str(f).replace("_", " ") for f in fields) if fields else ""
    changed = f": {listed}" if listed else ""
    return f"{who} changed the details of {names.client(entry.client_id)}{changed}."


def _client_done(done: str):
    def build(names: Names, entry: AuditEntry, who: str, of: str) -> str:
        return f"{who} {done} {names.client(entry.client_id)}."

    return build


def _practice_created(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    zone = details.get("time_zone")
    return f"{details.get('name', '')} ({zone})" if zone else str(details.get("name", ""))


def _sign_in_failed(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    return str((entry.details or {}).get("reason", "")).capitalize()


def _staff_added(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    text = f"{_subject_staff(names, entry)}: {roles_words(details.get('roles'))}"
    owner = details.get("records_owner")
    if owner in RECORDS_OWNER_LABELS:
        text += f"; records owned by {RECORDS_OWNER_LABELS[owner].lower()}"
    return text


def _roles_changed(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    before, after = roles_words(details.get("before")), roles_words(details.get("after"))
    return f"{_subject_staff(names, entry)}: {before} → {after}"


def _records_owner_changed(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    details = entry.details or {}
    before = RECORDS_OWNER_LABELS.get(details.get("before"), "?").lower()
    after = RECORDS_OWNER_LABELS.get(details.get("after"), "?").lower()
    return f"{_subject_staff(names, entry)}: {before} → {after}"


def _staff_deactivated(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    subject = _subject_staff(names, entry)
    ended = _whole((entry.details or {}).get("shares_ended")) or 0
    shares = f"{ended} chart share{'s' if ended != 1 else ''} ended"
    return f"{subject}; {shares}" if ended else subject


def _audit_exported(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    return f"{(entry.details or {}).get('entries', 0)} entries"


def _nothing(names: Names, entry: AuditEntry, who: str, of: str) -> str:
    return ""


Builder = Callable[[Names, AuditEntry, str, str], str]

#: the sentence of each action that has its own; any other action reads as its words.
SENTENCES: dict[str, Builder] = {
    Action.SHARE_STARTED: _share_started,
    Action.SHARE_ENDED: _share_ended,
    Action.CLIENT_TRANSFERRED: _transferred,
    Action.LINK_ADDED: _listed("added", "to"),
    Action.LINK_ENDED: _listed("removed", "from"),
    Action.CHART_READ: _opened("", ""),
    Action.PRIVATE_NOTES_READ: _opened("private notes in ", ""),
    EMERGENCY_READ: _opened("", " in an emergency"),
    EMERGENCY_OPENED: _emergency_opened,
    Action.CLIENT_UPDATED: _client_changed,
    Action.CLIENT_PROVIDER_SETTINGS_UPDATED: _client_changed,
    Action.CLIENT_CREATED: _client_done("added"),
    RECORD_EXPORTED: _client_done("exported the record of"),
    RECORD_PRINTED: _client_done("printed the record of"),
    DISCLOSURES_EXPORTED: _client_done("listed the disclosures of"),
    Action.PRACTICE_CREATED: _practice_created,
    Action.SIGN_IN_FAILED: _sign_in_failed,
    Action.STAFF_ADDED: _staff_added,
    Action.STAFF_ROLES_CHANGED: _roles_changed,
    Action.RECORDS_OWNER_CHANGED: _records_owner_changed,
    Action.STAFF_DEACTIVATED: _staff_deactivated,
    Action.AUDIT_EXPORTED: _audit_exported,
    Action.SIGN_IN: _nothing,
    Action.SIGN_OUT: _nothing,
}


def sentence(entry: AuditEntry, names: Names) -> str:
    """What the entry says happened, in one line a receptionist reads."""
    return sentence_with(entry, names, names.actor(entry), names.client(entry.client_id))


def sentence_with(entry: AuditEntry, names: Names, who: str, client: str) -> str:
    """`sentence`, given the actor's and the client's names already looked up."""
    build = SENTENCES.get(entry.action)
    if build is not None:
        return build(names, entry, who, f" of {client}" if client else "")
    if (entry.subject or "").startswith("staff:"):
        return _subject_staff(names, entry)
    about = f" ({client})" if client else ""
    return f"{action_words(entry.action)}{about}"
