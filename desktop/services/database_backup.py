"""Back up now: a consistent copy of the embedded database, encrypted with its key, kept beside it
with the newest few of its kind; the copy is audited."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..db.backups import backup_folder, backup_path, online_backup, prune
from ..db.engine import engine_key, sqlite_path
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput
from .policy import may_back_up
from .principal import Principal

#: the most automatic backups kept, as the site configuration's `[backups] keep` allows.
MOST_BACKUPS_KEPT = 365


@dataclass(frozen=True)
class BackupMade:
    """Where the copy went, how many are kept, and how many older copies were removed."""

    path: Path
    kept: int
    removed: int


@checked
def back_up_now(uow: UnitOfWork, principal: Principal, *, keep: int) -> BackupMade:
    """Copy the embedded database while it is in use, keep the newest `keep` automatic backups,
    and record who made the copy. A server is backed up by IT (`clinicdesk db backup`)."""
    may_back_up(principal).require()
    if not 1 <= keep <= MOST_BACKUPS_KEPT:
        raise InvalidInput(f"Between 1 and {MOST_BACKUPS_KEPT} backups can be kept.")
    path = sqlite_path(uow.engine.url)
    key = engine_key(uow.engine)
    if path is None or key is None:
        raise InvalidInput(
            "The practice's server is backed up by IT (clinicdesk db backup); nothing was copied."
        )
    target = online_backup(uow.engine, backup_path(path, "backup"), key=key)
    removed = prune(backup_folder(path), path, "backup", keep)
    with uow:
        audit.record(
            uow,
            principal,
            audit.Action.DATABASE_BACKED_UP,
            details={"file": target.name, "kept": keep},
        )
        uow.commit()
    return BackupMade(path=target, kept=keep, removed=len(removed))
