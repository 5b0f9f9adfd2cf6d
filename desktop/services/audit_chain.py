"""How an audit entry's hash is computed (B6): canonical JSON of its fields and the last hash.

Shared by the append path (services/audit.py), the verifier (services/audit_verify.py) and the
database's own function on PostgreSQL (db/boundary/audit_sql.py computes the same text).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from hashlib import sha256

GENESIS_HASH = "0" * 64

_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
).encode


def canonical(value: dict) -> str:
    """The one text of a dict: sorted keys, no spaces, UTF-8 as is."""
    return _dumps(value)


def iso_utc(moment: datetime) -> str:
    """The instant as hashed: ISO 8601 in UTC, e.g. 2026-03-02T09:00:00+00:00."""
    return moment.astimezone(UTC).isoformat()


def chain_hash(
    seq: int,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    client_id: int | None,
    subject: str | None,
    details: str,
    workstation: str,
    prev_hash: str,
) -> str:
    """The entry's hash; `occurred_at` is its `iso_utc` text, `details` its canonical JSON."""
    fields = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "client_id": client_id,
        "subject": subject,
        "details": details,
        "workstation": workstation,
        "prev_hash": prev_hash,
    }
    return sha256(_dumps(fields).encode("utf-8")).hexdigest()
