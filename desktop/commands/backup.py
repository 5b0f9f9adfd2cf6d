"""`clinicdesk db backup | restore`: a consistent copy of a running database, and putting one back."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from ..app import StartupError, connect, database_url_for, describe_url, server_password
from ..config import Config
from ..db import migrate
from ..db.backups import backup_folder, backup_path, online_backup, prune
from ..db.encryption import EncryptionError
from ..db.engine import engine_key, sqlite_path
from ..db.restore import (
    RestoreError,
    has_schema,
    holds_practice,
    open_sqlite_backup,
    pg_archive_revision,
    pg_dump,
    pg_restore,
    restore_sqlite,
)
from ..services import audit
from ..services.database_key import database_key
from ..services.errors import ServiceError


def run(args: argparse.Namespace, config: Config) -> int:
    url = database_url_for(config, demo=getattr(args, "demo", False))
    try:
        if args.db_command == "backup":
            return _backup(url, config, args)
        return _restore(url, args, config.backups_kept)
    except (RestoreError, EncryptionError) as error:
        raise StartupError(str(error)) from None
    except ServiceError as error:
        raise StartupError(error.message) from None
    except FileExistsError as error:
        raise StartupError(f"{error.args[0]} already exists; choose another name.") from None
    except OSError as error:
        raise StartupError(f"Cannot write the backup: {error.strerror}.") from None


def _ask_passphrase(confirm: bool) -> str:
    from ..cli import ask_password

    passphrase = ask_password("Backup passphrase: ")
    if confirm and ask_password("The same passphrase again: ") != passphrase:
        raise StartupError("The two passphrases differ; nothing was written.")
    return passphrase


def _backup(url: str, config: Config, args: argparse.Namespace) -> int:
    label = describe_url(url)
    parsed = make_url(url)
    target: Path | None = args.to
    if parsed.get_backend_name() == "postgresql":
        if args.passphrase:
            raise StartupError("--passphrase is for the embedded file; protect a server's dump.")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = config.data_dir / "backups"
        target = target or folder / f"{parsed.database}-backup-{stamp}.dump"
        pg_dump(parsed, server_password(url), target)
        print(f"Backed up {label} to {target} (pg_dump custom format, owner-only).")
        return 0
    engine, _, _ = connect(url, create=False, ca_file=config.ca_file)
    try:
        path = sqlite_path(engine.url)
        assert path is not None
        passphrase = _ask_passphrase(confirm=True) if args.passphrase else None
        key = None if passphrase else engine_key(engine)
        written = online_backup(
            engine, target or backup_path(path, "backup"), key=key, passphrase=passphrase
        )
        if target is None:
            prune(backup_folder(path), path, "backup", args.keep or config.backups_kept)
    finally:
        engine.dispose()
    how = "your passphrase" if passphrase else "this computer's database key"
    print(f"Backed up {label} to {written} (encrypted with {how}, owner-only).")
    return 0


def _restore(url: str, args: argparse.Namespace, keep: int) -> int:
    label = describe_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        revision = pg_archive_revision(args.file)
        _check_revision(revision, args.file)
        engine, _, _ = connect(url)
        try:
            if holds_practice(engine) and not args.replace:
                raise StartupError(_not_empty(label))
            clean = has_schema(engine)  # an empty schema is replaced by the backup's
        finally:
            engine.dispose()
        pg_restore(parsed, server_password(url), args.file, replace=clean)
    else:
        path = sqlite_path(parsed)
        if path is None:
            raise StartupError("Restore into a database file or a server, not into memory.")
        passphrase = _ask_passphrase(confirm=False) if args.passphrase else None
        key = database_key()
        backup = open_sqlite_backup(args.file, key=key, passphrase=passphrase)
        _check_revision(backup.revision, args.file)
        if path.exists() and path.stat().st_size > 0:
            engine, _, _ = connect(url)
            try:
                if holds_practice(engine):
                    if not args.replace:
                        raise StartupError(_not_empty(label))
                    kept = online_backup(engine, backup_path(path, "before-restore"), key=key)
                    prune(backup_folder(path), path, "before-restore", keep)
                    print(f"The database as it was is kept in {kept}.")
            finally:
                engine.dispose()
        restore_sqlite(backup, path, key)
    return _after_restore(url, label, args.file)


def _check_revision(revision: str | None, source: Path) -> None:
    if revision is not None and revision not in migrate.known_revisions():
        raise StartupError(
            f"{source} was made by a newer release of Clinic Desk (schema {revision}); install "
            "that release to restore it. Nothing was changed."
        )


def _not_empty(label: str) -> str:
    return (
        f"{label} already holds a practice; nothing was changed. Restore into an empty database, "
        "or add --replace to overwrite it (back it up first)."
    )


def _after_restore(url: str, label: str, source: Path) -> int:
    """Bring an older copy to this release's schema, then prove its audit trail is unaltered."""
    from ..db.uow import UnitOfWork

    engine, _, embedded = connect(url)
    try:
        state = migrate.schema_state(engine)
        if state.status == "behind" and embedded:
            migrate.upgrade(engine)
        result = audit.verify_chain(UnitOfWork(engine))
    finally:
        engine.dispose()
    if not result.ok:
        print(
            f"Restored {source} into {label}, but its audit trail has been tampered with: "
            f"{result.problem} (entry {result.first_bad_seq})."
        )
        return 3
    print(
        f"Restored {source} into {label} (schema {state.current}); audit trail intact: "
        f"{result.checked} entries verified."
    )
    return 0
