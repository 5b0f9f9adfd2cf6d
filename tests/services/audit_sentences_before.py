"""The Audit screen's sentences as they were written before each action got its own builder
(audit_words.SENTENCES): the reference the builders are checked against, word for word."""

from __future__ import annotations

from desktop.services.audit import Action, AuditEntry
from desktop.services.audit_words import (
    DISCLOSURES_EXPORTED,
    EMERGENCY_OPENED,
    EMERGENCY_READ,
    RECORD_EXPORTED,
    RECORD_PRINTED,
    Names,
    action_words,
    roles_words,
)
from desktop.services.staff import RECORDS_OWNER_LABELS

_SHARE_ENDS = {
    "manual": "",
    "expired": ", as its end date was reached",
    "recipient_deactivated": ", as the recipient left the practice",
    "link_ended": ", as the client left the provider's list",
}


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
