"""Schema migrations: where a database stands, a backup before an embedded upgrade, and the upgrade."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

from ..config import DEFAULT_BACKUPS_KEPT
from . import boundary
from .backups import backup_folder, backup_path, online_backup, prune
from .encryption import connect_encrypted
from .engine import engine_key, prepare_sqlite_file, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config


class SchemaError(Exception):
    """The database's schema cannot be used by this release (with a message for the user)."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against this release."""

    current: str | None
    head: str
    #: "empty" (no schema yet), "behind" (needs upgrade), "current", or "newer" (a later release).
    status: str


def _script_location() -> Path:
    """The folder of this release's migration scripts."""
    return Path(str(resources.files("desktop.db") / "migrations"))


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_script_location()))
    return config


#: `revision = "0004"` and `down_revision = "0003"` (or None) in a migration script.
_REVISION = re.compile(r'^(down_revision|revision)\s*=\s*(?:"([^"]*)"|None)', re.MULTILINE)


def _revisions() -> dict[str, str | None]:
    """Each revision this release knows and the one before it, read from the scripts' text.

    Starting the app only needs to know where a database stands, so Alembic (and every
    migration module) is loaded only to upgrade; tests/db/test_migrate.py keeps this reading
    equal to Alembic's."""
    return _read_revisions(_script_location())


@cache
def _read_revisions(location: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for script in sorted((location / "versions").glob("[!_]*.py")):
        fields = {name: value or None for name, value in _REVISION.findall(script.read_text())}
        if "revision" in fields:
            found[fields["revision"]] = fields.get("down_revision")
    return found


def head_revision() -> str:
    revisions = _revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise SchemaError(
            f"This release's schema scripts have {len(heads)} heads: {sorted(heads)}."
        )
    return heads.pop()


def known_revisions() -> set[str]:
    """Every schema revision this release knows."""
    return set(_revisions())


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision, or None when it has no schema yet."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision; it is "newer" when this release does not know it."""
    head = head_revision()
    current = current_revision(engine)
    if current is None:
        status = "empty"
    elif current == head:
        status = "current"
    else:
        status = "behind" if current in known_revisions() else "newer"
    return SchemaState(current=current, head=head, status=status)


def refuse_newer(state: SchemaState) -> None:
    if state.status == "newer":
        raise SchemaError(
            f"This database was set up by a newer release of Clinic Desk (schema {state.current}); "
            "this release knows schemas up to "
            f"{state.head}. Install the newer release; nothing was changed."
        )


def backup_sqlite(
    engine: Engine, backup_dir: Path | None = None, *, keep: int = DEFAULT_BACKUPS_KEPT
) -> Path | None:
    """Copy an embedded database file (consistently, WAL included) before it is migrated,
    encrypted with its own key, keeping the newest `keep` of these copies."""
    path = sqlite_path(engine.url)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    folder = backup_dir or backup_folder(path)
    target = backup_path(path, "before-upgrade", folder)
    key = engine_key(engine)
    if key is not None:
        online_backup(engine, target, key=key)
    else:  # an unencrypted file (never one the app opens): copied as it is
        prepare_sqlite_file(target)
        destination = connect_encrypted(target, None)
        try:
            with engine.connect() as connection:
                connection.connection.driver_connection.backup(destination)
        finally:
            destination.close()
    target.chmod(0o600)
    prune(folder, path, "before-upgrade", keep)
    return target


def upgrade(
    engine: Engine,
    *,
    backup_dir: Path | None = None,
    backup_first: bool = True,
    keep: int = DEFAULT_BACKUPS_KEPT,
) -> SchemaState:
    """Bring the schema to this release's head; an embedded file is backed up first.

    A database from a newer release is refused before anything is touched. Every migration
    runs in one transaction, so a failure leaves the schema where it was.
    """
    state = schema_state(engine)
    refuse_newer(state)
    if state.status == "current":
        return state
    if state.status == "behind" and backup_first:
        backup_sqlite(engine, backup_dir, keep=keep)
    from alembic import command

    config = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild tables; SQLite only lets that through with foreign keys off,
            # which takes effect outside a transaction. References are checked before committing.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if not sqlite and boundary.installed(connection):
                    # The rules on the server are this release's (see desktop/db/boundary).
                    boundary.refresh(connection)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise SchemaError(
                            f"The upgrade would break references between records ({broken[:3]}); "
                            "nothing was changed."
                        )
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
    return schema_state(engine)
