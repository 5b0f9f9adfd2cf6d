"""Schema migrations: where a database stands, a backup before an embedded upgrade, and the upgrade."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ..config import DEFAULT_BACKUPS_KEPT
from . import boundary
from .backups import backup_folder, backup_path, online_backup, prune
from .encryption import connect_encrypted
from .engine import engine_key, prepare_sqlite_file, sqlite_path


class SchemaError(Exception):
    """The database's schema cannot be used by this release (with a message for the user)."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against this release."""

    current: str | None
    head: str
    #: "empty" (no schema yet), "behind" (needs upgrade), "current", or "newer" (a later release).
    status: str


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("desktop.db") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every schema revision this release knows."""
    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision; it is "newer" when this release does not know it."""
    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        status = "empty"
    elif current == head:
        status = "current"
    else:
        known = {rev.revision for rev in script.walk_revisions()}
        status = "behind" if current in known else "newer"
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
