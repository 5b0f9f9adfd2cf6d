"""Check a Clinic Desk release archive against SHA256SUMS and the signature over it, before installing.

    python verify.py clinicdesk-0.1.0-linux-x86_64.tar.gz --public-key clinicdesk-release.pub

SHA256SUMS and SHA256SUMS.minisig are looked for next to the archive. The signature is an Ed25519
signature in minisign's format, so `minisign -Vm SHA256SUMS -p clinicdesk-release.pub` checks
the same thing. This file needs only Python 3.11 and the `cryptography` package, so it can be
handed to IT on its own.

Exit status: 0 the archive is genuine; 1 refused (altered, damaged, or signed with another key);
2 the check could not be made (a file missing or unreadable).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SUMS_NAME = "SHA256SUMS"
SIGNATURE_SUFFIX = ".minisig"
#: minisign's signature algorithms: Ed25519 over the file itself, or over its BLAKE2b-512 hash.
ALG_PLAIN = b"Ed"
ALG_HASHED = b"ED"
UNTRUSTED = "untrusted comment:"
TRUSTED = "trusted comment:"
DO_NOT_INSTALL = "Do not install this build."

EXIT_OK, EXIT_REFUSED, EXIT_CANNOT_CHECK = 0, 1, 2


class Refused(Exception):
    """The build is not genuine: altered, damaged, or not signed with the given key."""


class CannotCheck(Exception):
    """A file is missing or unreadable, so nothing was decided."""


def key_id_text(key_id: bytes) -> str:
    """A key ID as minisign prints it (16 hex digits)."""
    return f"{int.from_bytes(key_id, 'little'):016X}"


def _base64_line(text: str, what: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CannotCheck(f"{what} is not in minisign's format (bad base64).") from None
    if len(raw) != size:
        raise CannotCheck(f"{what} is not in minisign's format ({len(raw)} bytes, not {size}).")
    return raw


@dataclass(frozen=True)
class PublicKey:
    """A minisign Ed25519 public key: an 8-byte key ID and the 32-byte key."""

    key_id: bytes
    raw: bytes

    @classmethod
    def parse(cls, text: str, what: str = "the public key") -> PublicKey:
        """From a .pub file's text, or the bare base64 line (what `minisign -P` takes)."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith(UNTRUSTED)]
        if len(lines) != 1:
            raise CannotCheck(f"{what} is not a minisign public key.")
        raw = _base64_line(lines[0], what, 42)
        if raw[:2] != ALG_PLAIN:
            raise CannotCheck(f"{what} is not an Ed25519 minisign key.")
        return cls(key_id=raw[2:10], raw=raw[10:])

    def line(self) -> str:
        return base64.b64encode(ALG_PLAIN + self.key_id + self.raw).decode("ascii")

    def file_text(self) -> str:
        return f"{UNTRUSTED} minisign public key {key_id_text(self.key_id)}\n{self.line()}\n"


@dataclass(frozen=True)
class Signature:
    """A minisign signature file: the signature, and a trusted comment signed along with it."""

    algorithm: bytes
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes

    @classmethod
    def parse(cls, text: str, what: str) -> Signature:
        lines = text.splitlines()
        if len(lines) < 4 or not lines[0].startswith(UNTRUSTED) or not lines[2].startswith(TRUSTED):
            raise CannotCheck(f"{what} is not a minisign signature file.")
        raw = _base64_line(lines[1], what, 74)
        if raw[:2] not in (ALG_PLAIN, ALG_HASHED):
            raise CannotCheck(f"{what} uses a signature algorithm this check does not know.")
        return cls(
            algorithm=raw[:2],
            key_id=raw[2:10],
            signature=raw[10:],
            trusted_comment=lines[2][len(TRUSTED) :].strip(),
            global_signature=_base64_line(lines[3], what, 64),
        )

    def file_text(self, untrusted_comment: str) -> str:
        signature = base64.b64encode(self.algorithm + self.key_id + self.signature).decode("ascii")
        global_signature = base64.b64encode(self.global_signature).decode("ascii")
        return (
            f"{UNTRUSTED} {untrusted_comment}\n{signature}\n"
            f"{TRUSTED} {self.trusted_comment}\n{global_signature}\n"
        )


def signed_message(data: bytes, algorithm: bytes) -> bytes:
    """What Ed25519 signs: the data itself, or its BLAKE2b-512 hash (minisign's default)."""
    return hashlib.blake2b(data, digest_size=64).digest() if algorithm == ALG_HASHED else data


def check_signature(data: bytes, signature: Signature, key: PublicKey, name: str) -> None:
    """Raise Refused unless `signature` over `data` (the file `name`) was made with `key`."""
    if signature.key_id != key.key_id:
        raise Refused(
            f"{name} was signed with key {key_id_text(signature.key_id)}, not with the release "
            f"key you gave ({key_id_text(key.key_id)}). {DO_NOT_INSTALL} Check that you have "
            "the right release key, from a source you trust, and where this build came from."
        )
    verifier = Ed25519PublicKey.from_public_bytes(key.raw)
    try:
        verifier.verify(signature.signature, signed_message(data, signature.algorithm))
    except InvalidSignature:
        raise Refused(
            f"The signature does not match {name}: the file was altered after it was signed, or "
            f"the signature is forged. {DO_NOT_INSTALL}"
        ) from None
    try:
        verifier.verify(
            signature.global_signature,
            signature.signature + signature.trusted_comment.encode("utf-8"),
        )
    except InvalidSignature:
        raise Refused(
            f"The signed comment in the signature of {name} was altered. {DO_NOT_INSTALL}"
        ) from None


def parse_sums(text: str) -> dict[str, str]:
    """File name → SHA-256 (hex) from `sha256sum` output ("HASH  NAME" or "HASH *NAME")."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.partition(" ")
        name = name[1:] if name[:1] in (" ", "*") else name
        if (
            len(digest) != 64
            or not name
            or any(c not in "0123456789abcdef" for c in digest.lower())
        ):
            raise Refused(f"Line {number} of {SUMS_NAME} is not a SHA-256 checksum line.")
        sums[name] = digest.lower()
    return sums


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CannotCheck(f"{what} {path} is not there.") from None
    except OSError as error:
        raise CannotCheck(f"{what} {path} cannot be read: {error.strerror}.") from None


def verify_release(archive: Path, sums: Path, signature: Path, key: PublicKey) -> str:
    """Check the signature over the sums, then the archive against them; the trusted comment."""
    if not archive.is_file():
        raise CannotCheck(f"The archive {archive} is not there.")
    sums_data = _read(sums, "The checksum file")
    parsed = Signature.parse(
        _read(signature, "The signature").decode("utf-8", "replace"), signature.name
    )
    check_signature(sums_data, parsed, key, sums.name)
    expected = parse_sums(sums_data.decode("utf-8", "replace")).get(archive.name)
    if expected is None:
        raise Refused(
            f"{archive.name} is not listed in {sums.name}, so the signature does not cover it. "
            f"{DO_NOT_INSTALL}"
        )
    actual = file_sha256(archive)
    if actual != expected:
        raise Refused(
            f"{archive.name} does not match its checksum in {sums.name} (expected {expected}, "
            f"found {actual}): it was altered or damaged on the way. {DO_NOT_INSTALL} "
            "Download it again."
        )
    return parsed.trusted_comment


def read_public_key(value: str) -> PublicKey:
    """--public-key: a .pub file, or the key's base64 line itself."""
    path = Path(value)
    if path.is_file():
        return PublicKey.parse(_read(path, "The public key").decode("utf-8", "replace"), str(path))
    if value.startswith("RW") and len(value.strip()) == 56:
        return PublicKey.parse(value, "the public key given")
    raise CannotCheck(f"The public key {value} is neither a key file nor a minisign key (RW...).")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verify.py", description="Check a Clinic Desk release archive before installing it."
    )
    parser.add_argument("archive", type=Path, nargs="+", help="the downloaded archive(s)")
    parser.add_argument(
        "--public-key",
        required=True,
        metavar="KEY",
        help="the Clinic Desk release key: a .pub file or its RW... line, from a source you trust",
    )
    parser.add_argument("--sums", type=Path, help=f"default: {SUMS_NAME} next to the archive")
    parser.add_argument(
        "--signature", type=Path, help=f"default: the sums file's name + {SIGNATURE_SUFFIX}"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        key = read_public_key(args.public_key)
        for archive in args.archive:
            sums = args.sums or archive.parent / SUMS_NAME
            signature = args.signature or sums.with_name(sums.name + SIGNATURE_SUFFIX)
            comment = verify_release(archive, sums, signature, key)
            print(
                f"OK: {archive.name} matches {sums.name}, which is signed with the release key "
                f"{key_id_text(key.key_id)} ({comment})."
            )
    except Refused as error:
        print(f"REFUSED: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except CannotCheck as error:
        print(f"CANNOT CHECK: {error} Nothing was verified.", file=sys.stderr)
        return EXIT_CANNOT_CHECK
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
