"""The key of the tests' embedded files: every SQLite test database is encrypted, as a real one is."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from desktop.db.encryption import connect_encrypted, sqlcipher
from desktop.db.engine import create_database_engine

#: made once per test run (and handed to the processes tests start through the environment);
#: the in-memory keyring of every test holds it.
TEST_KEY = bytes.fromhex(os.environ.setdefault("CLINICDESK_TEST_KEY", secrets.token_hex(32)))


def engine_for(url: str | URL) -> Engine:
    """An engine on `url`, with the test key when it is an embedded file."""
    is_file = make_url(url).get_backend_name() == "sqlite"
    return create_database_engine(url, key=TEST_KEY if is_file else None)


def open_file(path: Path | str, **kwargs) -> sqlcipher.Connection:
    """A raw connection to an encrypted test file, as `sqlite3.connect` would give a plain one."""
    return connect_encrypted(path, TEST_KEY, **kwargs)
