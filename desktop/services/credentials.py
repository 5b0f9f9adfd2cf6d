"""Secrets in the operating system's keyring, never in a file or the database."""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backends import fail

from .errors import ServiceError

KEYRING_SERVICE = "Clinic Desk"


class KeyringUnavailable(ServiceError):
    """No usable keyring on this computer."""


def _require_keyring() -> None:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        raise KeyringUnavailable(
            "This computer has no system keyring for Clinic Desk to keep the database password in. "
            "Install or unlock one (GNOME Keyring, KWallet, Windows Credential Manager, macOS "
            "Keychain); Clinic Desk never stores passwords in plain files."
        )


def database_account(user: str, host: str, port: int | None, database: str) -> str:
    """The keyring entry name for a database login."""
    return f"database:{user}@{host}:{port or 5432}/{database}"


def store_secret(account: str, secret: str) -> None:
    _require_keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, account, secret)
    except keyring.errors.KeyringError as error:
        raise KeyringUnavailable(
            f"The system keyring refused to store the password: {error}"
        ) from None


def read_secret(account: str) -> str | None:
    """The stored secret, or None when there is none."""
    _require_keyring()
    try:
        return keyring.get_password(KEYRING_SERVICE, account)
    except keyring.errors.KeyringError as error:
        raise KeyringUnavailable(f"The system keyring could not be read: {error}") from None
