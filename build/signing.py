"""The release key: make a key pair, load the secret key from the environment or a file, sign the sums.

Keys and signatures are minisign's (Ed25519): a secret key made here works with `minisign -S`,
and an unencrypted key made by `minisign -G -W` works here. The secret key never lives in the
repository: it comes from CLINICDESK_SIGNING_KEY (the key file's text, e.g. a CI secret) or from
a file named by CLINICDESK_SIGNING_KEY_FILE or --key-file, outside the source tree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from verify import ALG_HASHED, ALG_PLAIN, UNTRUSTED, PublicKey, Signature, signed_message

ENV_KEY = "CLINICDESK_SIGNING_KEY"
ENV_KEY_FILE = "CLINICDESK_SIGNING_KEY_FILE"
KEY_NAME = "clinicdesk-release"
#: minisign's KDF and checksum algorithm tags; a key with KDF "\0\0" is not password-protected.
KDF_NONE = b"\0\0"
KDF_SCRYPT = b"Sc"
CHECKSUM_BLAKE2B = b"B2"


class SigningKeyError(Exception):
    """No usable signing key; the message says where it was looked for and what to do."""


@dataclass(frozen=True)
class SecretKey:
    """An Ed25519 signing key with its minisign key ID."""

    key_id: bytes
    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(key_id=self.key_id, raw=raw)

    def _libsodium_secret(self) -> bytes:
        seed = self.private.private_bytes_raw()
        return seed + self.public.raw  # libsodium's 64-byte secret key: seed, then public key

    def file_text(self) -> str:
        """The key in minisign's secret key format, unencrypted (as `minisign -G -W` writes)."""
        sk = self._libsodium_secret()
        checksum = hashlib.blake2b(ALG_PLAIN + self.key_id + sk, digest_size=32).digest()
        body = (
            ALG_PLAIN
            + KDF_NONE
            + CHECKSUM_BLAKE2B
            + bytes(32)  # KDF salt, unused without a password
            + struct.pack("<QQ", 0, 0)  # KDF limits, unused
            + self.key_id
            + sk
            + checksum
        )
        return (
            f"{UNTRUSTED} Clinic Desk release signing key (keep secret)\n"
            f"{base64.b64encode(body).decode('ascii')}\n"
        )

    @classmethod
    def generate(cls) -> SecretKey:
        return cls(key_id=secrets.token_bytes(8), private=Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str, where: str) -> SecretKey:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith(UNTRUSTED)]
        try:
            body = base64.b64decode(lines[0], validate=True) if len(lines) == 1 else b""
        except (binascii.Error, ValueError):
            body = b""
        if len(body) != 158 or body[:2] != ALG_PLAIN or body[4:6] != CHECKSUM_BLAKE2B:
            raise SigningKeyError(f"The signing key from {where} is not a minisign secret key.")
        if body[2:4] == KDF_SCRYPT:
            raise SigningKeyError(
                f"The signing key from {where} is password-protected. Sign with `minisign -S` "
                "on the signing computer instead, or give an unencrypted copy (minisign -G -W) "
                "through the CI secret store."
            )
        if body[2:4] != KDF_NONE:
            raise SigningKeyError(
                f"The signing key from {where} uses an unknown protection scheme."
            )
        key_id, sk, checksum = body[54:62], body[62:126], body[126:158]
        expected = hashlib.blake2b(ALG_PLAIN + key_id + sk, digest_size=32).digest()
        if checksum not in (expected, bytes(32)):  # minisign -G -W leaves the checksum zero
            raise SigningKeyError(
                f"The signing key from {where} is damaged (its checksum is wrong)."
            )
        private = Ed25519PrivateKey.from_private_bytes(sk[:32])
        key = cls(key_id=key_id, private=private)
        if key.public.raw != sk[32:]:
            raise SigningKeyError(
                f"The signing key from {where} is damaged (its halves do not match)."
            )
        return key

    def sign(self, data: bytes, trusted_comment: str) -> Signature:
        """A minisign signature (hashed, as minisign 0.11 makes by default) over `data`."""
        if "\n" in trusted_comment or "\r" in trusted_comment:
            raise ValueError("a trusted comment is one line")
        signature = self.private.sign(signed_message(data, ALG_HASHED))
        return Signature(
            algorithm=ALG_HASHED,
            key_id=self.key_id,
            signature=signature,
            trusted_comment=trusted_comment,
            global_signature=self.private.sign(signature + trusted_comment.encode("utf-8")),
        )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def load_secret_key(key_file: Path | None, repository: Path) -> SecretKey:
    """The signing key from --key-file, CLINICDESK_SIGNING_KEY or CLINICDESK_SIGNING_KEY_FILE."""
    if key_file is None and os.environ.get(ENV_KEY, "").strip():
        return SecretKey.parse(os.environ[ENV_KEY], f"the {ENV_KEY} variable")
    if key_file is None and os.environ.get(ENV_KEY_FILE):
        key_file = Path(os.environ[ENV_KEY_FILE])
    if key_file is None:
        raise SigningKeyError(
            f"No signing key. Set {ENV_KEY} to the key file's text (a CI secret), or "
            f"{ENV_KEY_FILE} / --key-file to a key file outside the source tree. For a trial "
            "release, make a throwaway key first: python build/release.py keygen DIR"
        )
    if _inside(key_file, repository):
        raise SigningKeyError(
            f"The signing key {key_file} is inside the source tree. A signing key never lives "
            "in the repository: move it out (and make a new one if it was ever committed)."
        )
    try:
        text = key_file.read_text(encoding="utf-8")
    except OSError as error:
        raise SigningKeyError(
            f"The signing key {key_file} cannot be read: {error.strerror}."
        ) from None
    return SecretKey.parse(text, str(key_file))


def write_key_pair(folder: Path, repository: Path, name: str = KEY_NAME) -> tuple[Path, Path]:
    """A new key pair: NAME.key (owner-only) and NAME.pub in `folder`, outside the source tree."""
    if _inside(folder, repository):
        raise SigningKeyError(f"{folder} is inside the source tree; keys are made outside it.")
    folder.mkdir(parents=True, exist_ok=True)
    secret_path, public_path = folder / f"{name}.key", folder / f"{name}.pub"
    if secret_path.exists():
        raise SigningKeyError(f"{secret_path} already exists; it was not replaced.")
    key = SecretKey.generate()
    descriptor = os.open(secret_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key.file_text())
    public_path.write_text(key.public.file_text(), encoding="utf-8")
    return secret_path, public_path


def trusted_comment(version: str, file_name: str) -> str:
    """What the signature vouches for besides the file: release, file, time and source commit."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    commit = _git_commit()
    source = f"\tcommit:{commit}" if commit else ""
    return f"timestamp:{int(time.time())}\tfile:{file_name}\trelease:Clinic Desk {version} ({stamp}){source}"


def _git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None
