"""The practice's audit signing key (B8): an Ed25519 key kept outside the database.

On the embedded database it lives in this computer's keyring, beside the database key, and is
made on first use. On a server it is a file IT places on the workstations that sign (site
configuration `[audit] signing_key = PATH`), readable by their users only; it is never stored in
the database, so a database login, or anyone who can write the database, cannot sign.
"""

from __future__ import annotations

import os
from hashlib import sha256
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .credentials import KeyringUnavailable, read_secret, store_secret
from .errors import ServiceError

#: the keyring entry holding this computer account's audit key for the embedded database.
AUDIT_KEY_ACCOUNT = "audit-signing-key"
_PRIVATE_BYTES = 32


class AuditKeyError(ServiceError):
    """The audit key cannot be read or made; the message says what to do."""


def key_id(public_hex: str) -> str:
    """Which key: SHA-256 of the raw public key, in hex (stored with each checkpoint)."""
    return sha256(bytes.fromhex(public_hex)).hexdigest()


class AuditKey:
    """The private key that signs checkpoints."""

    __slots__ = ("private",)

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private

    @property
    def public_hex(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw.hex()

    @property
    def key_id(self) -> str:
        return key_id(self.public_hex)

    def sign(self, message: bytes) -> str:
        return self.private.sign(message).hex()

    def secret_hex(self) -> str:
        return self.private.private_bytes_raw().hex()


def new_key() -> AuditKey:
    return AuditKey(Ed25519PrivateKey.generate())


def signature_valid(public_hex: str, message: bytes, signature_hex: str) -> bool:
    """Whether `signature_hex` is the key's signature of `message` (False for any malformed part)."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        public.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, InvalidSignature):
        return False
    return True


def _from_hex(text: str, where: str) -> AuditKey:
    try:
        raw = bytes.fromhex(text.strip())
    except ValueError:
        raw = b""
    if len(raw) != _PRIVATE_BYTES:
        raise AuditKeyError(
            f"The audit signing key in {where} is damaged; restore it from IT's copy."
        )
    return AuditKey(Ed25519PrivateKey.from_private_bytes(raw))


def keyring_key(create: bool) -> AuditKey | None:
    """This computer account's key for the embedded database; made on first use if `create`."""
    try:
        stored = read_secret(AUDIT_KEY_ACCOUNT)
        if stored is not None:
            return _from_hex(stored, "the system keyring")
        if not create:
            return None
        key = new_key()
        store_secret(AUDIT_KEY_ACCOUNT, key.secret_hex())
        return key
    except KeyringUnavailable as error:
        raise AuditKeyError(error.message) from None


def file_key(path: Path) -> AuditKey:
    """The key in a file IT keeps (one line of hex). Raises AuditKeyError."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not a key file"
        raise AuditKeyError(f"Cannot read the audit signing key {path}: {reason}.") from None
    return _from_hex(text, str(path))


def write_key_file(path: Path) -> AuditKey:
    """Make a new key in a new file readable by its owner only; never overwrites one."""
    key = new_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AuditKeyError(f"{path} already exists; an audit key is never overwritten.") from None
    except OSError as error:
        raise AuditKeyError(f"Cannot write {path}: {error.strerror}.") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(key.secret_hex() + "\n")
    return key


def workstation_key(key_file: Path | None, embedded: bool, *, create: bool) -> AuditKey | None:
    """This workstation's audit key: the file IT configured, else (embedded database only) the
    keyring's, made on first use if `create`; None when this workstation holds none."""
    if key_file is not None:
        return file_key(key_file)
    if embedded:
        return keyring_key(create)
    return None
