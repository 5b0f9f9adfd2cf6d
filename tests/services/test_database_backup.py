"""B9: Back Up Now copies the embedded database, encrypted and owner-only, keeps the newest
copies the practice keeps, and records who made it; a server is IT's to back up."""

from __future__ import annotations

import stat

import pytest

from desktop.db.encryption import is_plain_sqlite
from desktop.db.engine import sqlite_path
from desktop.services import audit
from desktop.services.database_backup import back_up_now
from desktop.services.errors import InvalidInput
from tests.sqlite_key import open_file

from .conftest import row_counts


def test_back_up_now_copies_the_file_keeps_the_newest_and_is_audited(uow, owner, engine):
    if engine.dialect.name != "sqlite":
        before = row_counts(engine)
        with pytest.raises(InvalidInput, match="backed up by IT"):
            back_up_now(uow(), owner, keep=3)
        assert row_counts(engine) == before
        return
    made = [back_up_now(uow(), owner, keep=3) for _ in range(5)]

    folder = sqlite_path(engine.url).parent / "backups"
    kept = sorted(folder.glob("clinicdesk-backup-*.sqlite"))
    assert kept == sorted(m.path for m in made[2:]) and made[-1].removed == 1
    for path in kept:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and not is_plain_sqlite(path)
    with open_file(made[-1].path) as copy:
        assert copy.execute("SELECT count(*) FROM staff").fetchone() == (1,)
    entries = [e for e in audit.recent_entries(uow(), owner) if e.action == "database.backed_up"]
    assert len(entries) == 5 and entries[0].details["file"] == made[-1].path.name
    assert entries[0].actor_id == owner.staff_id
