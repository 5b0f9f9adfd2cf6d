"""Putting a backup back: an embedded file from an encrypted copy, a server from a pg_dump archive.

Both check the copy's schema revision first and refuse a target that already holds a practice
unless told to replace it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from .encryption import (
    connect_encrypted,
    create_owner_only,
    key_pragma,
    passphrase_pragma,
    shred,
    sidecars,
    sqlcipher,
)


class RestoreError(Exception):
    """The backup cannot be restored here; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class BackupFile:
    """An embedded backup opened for reading: its schema revision and how it is unlocked."""

    path: Path
    revision: str | None
    unlock: str


def open_sqlite_backup(path: Path, *, key: bytes, passphrase: str | None) -> BackupFile:
    """Check that `path` is a Clinic Desk backup this computer can read, and its revision."""
    if not path.is_file():
        raise RestoreError(f"There is no backup file {path}.")
    unlock = passphrase_pragma(passphrase) if passphrase is not None else key_pragma(key)
    connection = connect_encrypted(path, None)
    try:
        connection.execute(unlock)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            raise RestoreError(f"{path} is not a Clinic Desk backup.")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher.DatabaseError:
        hint = (
            "check the passphrase"
            if passphrase is not None
            else "if it was made with a passphrase, add --passphrase"
        )
        raise RestoreError(
            f"{path} cannot be read with this computer's database key ({hint}). Nothing was changed."
        ) from None
    finally:
        connection.close()
    return BackupFile(path=path, revision=row[0] if row else None, unlock=unlock)


def has_schema(engine: Engine) -> bool:
    """True when the database has tables (a Clinic Desk schema, or anything else)."""
    return bool(inspect(engine).get_table_names())


def holds_practice(engine: Engine) -> bool:
    """True when the database holds something a restore would lose: a practice, staff or
    clients, or tables that are not Clinic Desk's. A schema with nothing in it does not count."""
    tables = set(inspect(engine).get_table_names())
    if not tables:
        return False
    if not {"practice", "staff", "clients"} <= tables:
        return True
    with engine.connect() as connection:
        return any(
            connection.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None
            for table in ("practice", "staff", "clients")
        )


def restore_sqlite(backup: BackupFile, target: Path, key: bytes) -> None:
    """Write the backup's contents to `target`, encrypted with `key`; any file there before is
    overwritten and removed. The caller has checked the revision and the target."""
    incoming = target.with_name(target.name + ".restoring")
    for leftover in (incoming, *sidecars(incoming)):
        leftover.unlink(missing_ok=True)
    create_owner_only(incoming)
    source = connect_encrypted(backup.path, None)
    try:
        source.execute(backup.unlock)
        destination = connect_encrypted(incoming, key)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = WAL")
        finally:
            destination.close()
    except BaseException:
        incoming.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    for part in (target, *sidecars(target)):
        shred(part)
    os.replace(incoming, target)
    target.chmod(0o600)


# -- PostgreSQL -----------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RestoreError(
            f"{name} is not installed here; install the PostgreSQL client tools of the "
            "server's version."
        )
    return found


def _libpq_env(url: URL, password: str | None) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore: the address as arguments, the password in the
    environment (never on a command line, where other users could see it)."""
    env = dict(os.environ)
    if password or url.password:
        env["PGPASSWORD"] = password or url.password or ""
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    args += ["--dbname", url.database or ""]
    for name, value in (url.query or {}).items():
        if name == "sslmode":
            env["PGSSLMODE"] = str(value)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no reason given"])[-1][:300]
        raise RestoreError(f"{what} failed: {detail}")
    return result.stdout


def pg_dump(url: URL, password: str | None, target: Path) -> None:
    """A custom-format archive of the server database, in a new owner-only file."""
    args, env = _libpq_env(url, password)
    create_owner_only(target)
    try:
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-password", "--file", str(target), *args],
            env,
            "The backup",
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    target.chmod(0o600)


def pg_archive_revision(archive: Path) -> str | None:
    """The schema revision recorded in a pg_dump archive (its alembic_version row)."""
    if not archive.is_file():
        raise RestoreError(f"There is no backup file {archive}.")
    out = _run(
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(archive)],
        dict(os.environ),
        "Reading the backup",
    )
    lines = out.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and number + 1 < len(lines):
            value = lines[number + 1].strip()
            return None if value == "\\." else value
    raise RestoreError(f"{archive} is not a Clinic Desk backup.")


def pg_restore(url: URL, password: str | None, archive: Path, *, replace: bool) -> None:
    """Restore an archive into the server database, all or nothing."""
    args, env = _libpq_env(url, password)
    extra = ["--clean", "--if-exists"] if replace else []
    _run(
        [
            _tool("pg_restore"),
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            *extra,
            *args,
            str(archive),
        ],
        env,
        "The restore",
    )
