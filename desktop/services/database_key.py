"""The key of the embedded database: 256 random bits, made on first use, kept in the OS keyring only."""

from __future__ import annotations

import secrets

from ..db.encryption import KEY_BYTES
from .credentials import KeyringUnavailable, read_secret, store_secret

#: the keyring entry holding this computer account's database key (one for the practice file,
#: the demo and their backups).
DATABASE_KEY_ACCOUNT = "embedded-database-key"

NO_KEYRING_MESSAGE = (
    "This computer has no system keyring for Clinic Desk to keep the key of its encrypted "
    "database in. Install or unlock one (GNOME Keyring, KWallet, Windows Credential Manager, "
    "macOS Keychain) and start again; Clinic Desk never keeps client records unencrypted."
)


class DatabaseKeyError(KeyringUnavailable):
    """The key cannot be read or made; the message says what to do."""


def read_database_key() -> bytes | None:
    """The stored key, or None when this account has none yet. Raises DatabaseKeyError."""
    try:
        stored = read_secret(DATABASE_KEY_ACCOUNT)
    except KeyringUnavailable:
        raise DatabaseKeyError(NO_KEYRING_MESSAGE) from None
    if stored is None:
        return None
    try:
        key = bytes.fromhex(stored)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise DatabaseKeyError(
            "The database key in the system keyring is damaged. Restore the database from a "
            "backup made with a passphrase (see the IT guide); nothing was changed."
        )
    return key


def database_key() -> bytes:
    """The key, made and stored on first use. Raises DatabaseKeyError without a keyring."""
    key = read_database_key()
    if key is not None:
        return key
    key = secrets.token_bytes(KEY_BYTES)
    try:
        store_secret(DATABASE_KEY_ACCOUNT, key.hex())
    except KeyringUnavailable:
        raise DatabaseKeyError(NO_KEYRING_MESSAGE) from None
    if read_database_key() != key:
        raise DatabaseKeyError(
            "The system keyring did not keep the database key; Clinic Desk cannot encrypt its "
            "database. Unlock the keyring and start again."
        )
    return key
