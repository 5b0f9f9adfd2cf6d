"""The encrypted embedded file: SQLCipher connections, telling a plain file from an encrypted one,
converting a plain file once, and removing a plain copy so it cannot be read back."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

#: the length of a database key, in bytes (256 bits).
KEY_BYTES = 32
#: the first bytes of every unencrypted SQLite file; an encrypted file starts with random bytes.
PLAIN_HEADER = b"SQLite format 3\x00"

#: (fraction done between 0 and 1, what is happening) -> None; for a progress window or a terminal.
Progress = Callable[[float, str], None]


class EncryptionError(Exception):
    """The embedded file cannot be opened or converted; the message says why in plain words."""


def key_pragma(key: bytes) -> str:
    """The statement that unlocks a connection with a raw 256-bit key (no key derivation)."""
    if len(key) != KEY_BYTES:
        raise EncryptionError("The database key must be 256 bits long.")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_encrypted(path: Path | str, key: bytes | None, **kwargs) -> sqlcipher.Connection:
    """A DB-API connection to `path`, unlocked with `key` (None opens an unencrypted file)."""
    connection = sqlcipher.connect(str(path), **kwargs)
    # A wrong key is reported through the exception; the library's own log stays quiet.
    connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        connection.execute(key_pragma(key))
    return connection


def passphrase_pragma(passphrase: str) -> str:
    """The statement that unlocks a connection with a passphrase (SQLCipher derives the key)."""
    return "PRAGMA key = " + _quote(passphrase)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def is_plain_sqlite(path: Path) -> bool:
    """True when `path` is an unencrypted SQLite database with something in it."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except OSError:
        return False


def sidecars(path: Path) -> list[Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a database file."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk, then remove it (missing files are skipped)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b", buffering=0) as handle:
        chunk = b"\0" * (1 << 20)
        left = size
        while left > 0:
            left -= handle.write(chunk[: min(left, len(chunk))])
        os.fsync(handle.fileno())
    path.unlink()


def create_owner_only(path: Path) -> None:
    """An empty file only its owner can read and write (its folder too, when new)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def export_copy(
    source: sqlcipher.Connection,
    target: Path,
    *,
    key: bytes | None = None,
    passphrase: str | None = None,
    progress: Progress | None = None,
    source_size: int = 0,
) -> None:
    """Write a consistent encrypted copy of the database open on `source` to a new file `target`,
    under `key` or a `passphrase`. The copy is owner-only before a byte of data is written."""
    if (key is None) == (passphrase is None):
        raise EncryptionError("A copy is encrypted with the database key or with a passphrase.")
    create_owner_only(target)
    secret = f"\"x'{key.hex()}'\"" if key is not None else _quote(passphrase or "")
    if progress is not None and source_size > 0:

        def report() -> int:
            done = target.stat().st_size / source_size if target.exists() else 0.0
            progress(min(done, 0.99), "Encrypting the database")
            return 0

        source.set_progress_handler(report, 20_000)
    try:
        source.execute(f"ATTACH DATABASE {_quote(str(target))} AS copy KEY {secret}")
        try:
            source.execute("SELECT sqlcipher_export('copy')")
            version = source.execute("PRAGMA main.user_version").fetchone()[0]
            source.execute(f"PRAGMA copy.user_version = {int(version)}")
        finally:
            source.execute("DETACH DATABASE copy")
    except Exception:
        target.unlink(missing_ok=True)
        raise
    finally:
        source.set_progress_handler(None, 0)


def encrypt_plain_file(
    path: Path,
    key: bytes,
    backup_to: Path,
    progress: Progress | None = None,
) -> None:
    """Convert the unencrypted database `path` in place: an encrypted copy is kept at `backup_to`
    first, then the file is replaced by its encrypted twin and the plain bytes are overwritten.

    If anything fails before the swap, the plain file is left exactly as it was."""
    report = progress or (lambda _fraction, _text: None)
    size = path.stat().st_size + sum(p.stat().st_size for p in sidecars(path) if p.exists())
    encrypted = path.with_name(path.name + ".encrypting")
    for leftover in (encrypted, *sidecars(encrypted)):
        leftover.unlink(missing_ok=True)  # from a conversion cut short
    plain = connect_encrypted(path, None, isolation_level=None)
    try:
        report(0.0, "Backing up the database")
        export_copy(plain, backup_to, key=key)
        export_copy(plain, encrypted, key=key, progress=report, source_size=size)
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()
    check = connect_encrypted(encrypted, key)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise EncryptionError("The encrypted copy did not check out; the file was not changed.")
    finally:
        check.close()
    report(0.99, "Removing the unencrypted copy")
    # The plain bytes go first, then the encrypted twin takes the name (a crash in between
    # leaves the .encrypting file, which the next start finds again: see `finish_conversion`).
    for part in (path, *sidecars(path)):
        shred(part)
    os.replace(encrypted, path)
    report(1.0, "Encryption finished")


def finish_conversion(path: Path) -> bool:
    """After a crash between removing the plain file and renaming its encrypted twin, put the twin
    in place. True when something was finished."""
    encrypted = path.with_name(path.name + ".encrypting")
    if encrypted.exists() and not path.exists():
        os.replace(encrypted, path)
        return True
    return False
