"""The key that opens an embedded file, and the one-time encryption of a file from an earlier
release (after an encrypted backup, with progress shown)."""

from __future__ import annotations

from pathlib import Path

from .db.backups import backup_folder, backup_path
from .db.encryption import (
    Progress,
    encrypt_plain_file,
    finish_conversion,
    is_plain_sqlite,
    shred,
    sidecars,
)
from .services.database_key import DatabaseKeyError, database_key, read_database_key


def embedded_key(
    path: Path, label: str, progress: Progress | None = None, *, rebuild_if_key_lost: bool = False
) -> bytes:
    """The key of the file at `path`; a new file gets this account's key (made on first use),
    an unencrypted one is converted first. A file whose key is gone is refused, or, with
    `rebuild_if_key_lost` (the demo's file), removed so that it is made again.
    Raises DatabaseKeyError or EncryptionError."""
    finish_conversion(path)
    if not path.exists() or path.stat().st_size == 0:
        return database_key()
    if is_plain_sqlite(path):
        key = database_key()
        encrypt_plain_file(
            path, key, backup_path(path, "before-encryption", backup_folder(path)), progress
        )
        return key
    key = read_database_key()
    if key is None and rebuild_if_key_lost:
        for part in (path, *sidecars(path)):
            shred(part)
        return database_key()
    if key is None:
        raise DatabaseKeyError(
            f"The database {label} is encrypted, and its key is not in this computer account's "
            "system keyring (was the keyring reset, or the file copied from another computer?). "
            "Restore a backup made with a passphrase: clinicdesk db restore FILE --passphrase."
        )
    return key
