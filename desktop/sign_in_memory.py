"""What the sign-in dialog shows before the database is open: the practice's name and where its
database is, as they were the last time this workstation opened that database.

Kept in the data folder (owner-only) per database location: a file by its path, a server by a
hash of its address, so no password is written; it holds nothing about clients or staff. Reading it needs
neither the database layer nor the keyring, so the dialog can show at once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from .config import Config, database_location
from .private_files import write_owner_only

log = logging.getLogger(__name__)

FILE_NAME = "sign-in.json"
#: locations remembered at most (the embedded file, the demo, a server or two).
KEPT = 8


@dataclass(frozen=True)
class Remembered:
    practice_name: str
    database_label: str


def _key(config: Config, demo: bool) -> str:
    location = database_location(config, demo=demo)
    if isinstance(location, Path):
        return str(location)
    import hashlib  # a server's address may carry a password: only its hash is kept

    return hashlib.sha256(location.encode()).hexdigest()


def _read(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def recall(config: Config, *, demo: bool) -> Remembered | None:
    """The practice's name and database label last seen at this location, if any."""
    entry = _read(config.data_dir / FILE_NAME).get(_key(config, demo))
    if not isinstance(entry, dict):
        return None
    name, label = entry.get("practice"), entry.get("database")
    if not isinstance(name, str) or not isinstance(label, str) or not name:
        return None
    return Remembered(name[:200], label[:500])


def remember(config: Config, *, demo: bool, practice_name: str, database_label: str) -> None:
    """Note the practice's name and database label for the next start (best effort: a folder
    that cannot be written only means the next start shows the name a moment later)."""
    path = config.data_dir / FILE_NAME
    entries = _read(path)
    key = _key(config, demo)
    entry = {"practice": practice_name, "database": database_label}
    if entries.get(key) == entry:
        return
    entries.pop(key, None)
    entries[key] = entry
    kept = dict(list(entries.items())[-KEPT:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_owner_only(path, json.dumps(kept, indent=1).encode("utf-8"))
    except OSError as error:
        log.warning("could not note the practice's name for the next start: %s", error)
