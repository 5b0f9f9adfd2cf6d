"""Audit entries in plain words (R13): what each action is called, and one sentence per entry
("Ana Castillo shared their chart of Amelia Abbott with Ben Adeyemi, without private notes").

Names come from two lookups the caller fills (staff id -> name, client id -> name); an id no
lookup knows reads as "staff member #4" or "client #38", so an entry always reads alone.
"""

from __future__ import annotations

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


def _sharing_sentence(names: Names, entry: AuditEntry, who: str, of: str) -> str | None:
    details = entry.details or {}
    action = entry.action
    private = "with private notes" if details.get("include_private") else "without private notes"
    purpose = f" Purpose: {details['purpose']}" if details.get("purpose") else ""
    if action == Action.SHARE_STARTED:
        chart = _chart(names, entry, details.get("from"))
        until = f", until {str(details['until'])[:10]}" if details.get("until") else ""
        to = names.person(details.get("to"))
        return f"{who} shared {chart}{of} with {to}, {private}{until}.{purpose}"
    if action == Action.SHARE_ENDED:
        chart = _chart(names, entry, details.get("from"))
        why = _SHARE_ENDS.get(str(details.get("reason")), "")
        return f"{who} ended the share of {chart}{of} with {names.person(details.get('to'))}{why}."
    if action == Action.CLIENT_TRANSFERRED:
        client = names.client(entry.client_id) or "a client"
        source, target = names.person(details.get("from")), names.person(details.get("to"))
        return f"{who} transferred {client} from {source} to {target}, {private}.{purpose}"
    if action in (Action.LINK_ADDED, Action.LINK_ENDED):
        verb = "added" if action == Action.LINK_ADDED else "removed"
        place = "to" if action == Action.LINK_ADDED else "from"
        client = names.client(entry.client_id) or "a client"
        return f"{who} {verb} {client} {place} {names.person(details.get('provider'))}'s list."
    return None


def _record_sentence(names: Names, entry: AuditEntry, who: str, of: str) -> str | None:
    details = entry.details or {}
    action = entry.action
    if action in (Action.CHART_READ, Action.PRIVATE_NOTES_READ, EMERGENCY_READ):
        what = "private notes in" if action == Action.PRIVATE_NOTES_READ else ""
        chart = _chart(names, entry, _chart_provider(entry))
        urgent = " in an emergency" if action == EMERGENCY_READ else ""
        return " ".join(f"{who} opened {what} {chart}{of}{urgent}.".split())
    if action == EMERGENCY_OPENED:
        reason = f" Reason: {details['reason']}" if details.get("reason") else ""
        chart = _chart(names, entry, _chart_provider(entry))
        return f"{who} opened {chart}{of} in an emergency.{reason}"
    if action in (Action.CLIENT_UPDATED, Action.CLIENT_PROVIDER_SETTINGS_UPDATED):
        fields = details.get("fields")
        listed = ", ".join(str(f).replace("_", " ") for f in fields) if fields else ""
        changed = f": {listed}" if listed else ""
        return f"{who} changed the details of {names.client(entry.client_id)}{changed}."
    if action == Action.CLIENT_CREATED:
        return f"{who} added {names.client(entry.client_id)}."
    if action in (RECORD_EXPORTED, RECORD_PRINTED, DISCLOSURES_EXPORTED):
        verb = {RECORD_EXPORTED: "exported the record of", RECORD_PRINTED: "printed the record of"}
        done = verb.get(action, "listed the disclosures of")
        return f"{who} {done} {names.client(entry.client_id)}."
    return None


def _staff_sentence(names: Names, entry: AuditEntry) -> str | None:
    details = entry.details or {}
    action = entry.action
    subject = _subject_staff(names, entry)
    if action == Action.PRACTICE_CREATED:
        zone = details.get("time_zone")
        return f"{details.get('name', '')} ({zone})" if zone else str(details.get("name", ""))
    if action == Action.SIGN_IN_FAILED:
        return str(details.get("reason", "")).capitalize()
    if action == Action.STAFF_ADDED:
        text = f"{subject}: {roles_words(details.get('roles'))}"
        owner = details.get("records_owner")
        if owner in RECORDS_OWNER_LABELS:
            text += f"; records owned by {RECORDS_OWNER_LABELS[owner].lower()}"
        return text
    if action == Action.STAFF_ROLES_CHANGED:
        before, after = roles_words(details.get("before")), roles_words(details.get("after"))
        return f"{subject}: {before} → {after}"
    if action == Action.RECORDS_OWNER_CHANGED:
        before = RECORDS_OWNER_LABELS.get(details.get("before"), "?").lower()
        after = RECORDS_OWNER_LABELS.get(details.get("after"), "?").lower()
        return f"{subject}: {before} → {after}"
    if action == Action.STAFF_DEACTIVATED:
        ended = _whole(details.get("shares_ended")) or 0
        shares = f"{ended} chart share{'s' if ended != 1 else ''} ended"
        return f"{subject}; {shares}" if ended else subject
    if action == Action.AUDIT_EXPORTED:
        return f"{details.get('entries', 0)} entries"
    if action in (Action.SIGN_IN, Action.SIGN_OUT):
        return ""
    if (entry.subject or "").startswith("staff:"):
        return subject
    return None


def sentence(entry: AuditEntry, names: Names) -> str:
    """What the entry says happened, in one line a receptionist reads."""
    who = names.actor(entry)
    client = names.client(entry.client_id)
    of = f" of {client}" if client else ""
    for words in (
        _sharing_sentence(names, entry, who, of),
        _record_sentence(names, entry, who, of),
        _staff_sentence(names, entry),
    ):
        if words is not None:
            return words
    about = f" ({client})" if client else ""
    return f"{action_words(entry.action)}{about}"
