"""Copies of the embedded file: consistent (SQLite's online backup API), encrypted, owner-only,
named by kind and time, and pruned to the last few of each kind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from .encryption import (
    EncryptionError,
    connect_encrypted,
    create_owner_only,
    key_pragma,
    passphrase_pragma,
)


def backup_folder(database: Path) -> Path:
    """Where a database file's automatic backups go: `backups/` beside it."""
    return database.parent / "backups"


def backup_path(database: Path, kind: str, folder: Path | None = None) -> Path:
    """A new file name such as clinicdesk-backup-20260131T101500123456Z.sqlite."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return (folder or backup_folder(database)) / f"{database.stem}-{kind}-{stamp}.sqlite"


def online_backup(
    engine: Engine,
    target: Path,
    *,
    key: bytes | None = None,
    passphrase: str | None = None,
) -> Path:
    """Copy the embedded database behind `engine` to the new file `target` while others may be
    writing: SQLite's online backup API copies one consistent state. The copy is encrypted with
    the database `key` or with a `passphrase` (to move it to another computer)."""
    if (key is None) == (passphrase is None):
        raise EncryptionError("A backup is encrypted with the database key or with a passphrase.")
    unlock = key_pragma(key) if key is not None else _passphrase(passphrase)
    if target.exists():
        raise FileExistsError(target)
    create_owner_only(target)
    try:
        destination = connect_encrypted(target, None)
        try:
            destination.execute(unlock)
            with engine.connect() as connection:
                connection.connection.driver_connection.backup(destination)
        finally:
            destination.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    target.chmod(0o600)
    return target


def _passphrase(passphrase: str | None) -> str:
    if not passphrase or len(passphrase) < 12:
        raise EncryptionError("A backup passphrase needs at least 12 characters.")
    return passphrase_pragma(passphrase)


def prune(folder: Path, database: Path, kind: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of `kind` of this database; the removed files."""
    pattern = f"{database.stem}-{kind}-*.sqlite"
    found = sorted(folder.glob(pattern), key=lambda p: p.name, reverse=True)
    removed = []
    for old in found[max(keep, 1) :]:
        old.unlink(missing_ok=True)
        removed.append(old)
    return removed
