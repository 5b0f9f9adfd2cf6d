"""Each staff member's own login on a PostgreSQL server follows the Staff screen (R12, B5).

On PostgreSQL every call goes through the narrow server functions of migration 0004
(`app.create_login`, `app.disable_login`, ...), inside the caller's transaction: a refused or
failed change leaves no login behind. On SQLite there are no server logins and nothing happens.
Passwords reach the server only as SCRAM-SHA-256 verifiers computed here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

from sqlalchemy import func, select

from ..db.uow import UnitOfWork

#: PostgreSQL's own default for SCRAM-SHA-256 (scram_iterations).
SCRAM_ITERATIONS = 4096


def scram_verifier(
    password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS
) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, RFC 7677).

    The password is normalised as SASLprep does for ordinary text (NFKC), like the client
    library does before it authenticates.
    """
    salt = salt if salt is not None else os.urandom(16)
    normalised = unicodedata.normalize("NFKC", password).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", normalised, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _on_server(uow: UnitOfWork) -> bool:
    return uow.session.get_bind().dialect.name == "postgresql"


def create_login(uow: UnitOfWork, staff_id: int, password: str) -> str | None:
    """A new staff member's login, with their first password; its name, or None on SQLite."""
    if not _on_server(uow):
        return None
    uow.session.flush()
    return uow.session.scalar(select(func.app.create_login(staff_id, scram_verifier(password))))


def set_password(uow: UnitOfWork, staff_id: int, password: str) -> None:
    if _on_server(uow):
        uow.session.execute(select(func.app.set_login_password(staff_id, scram_verifier(password))))


def disable_login(uow: UnitOfWork, staff_id: int) -> int:
    """No new connections for them, and their open ones ended; how many were ended."""
    if not _on_server(uow):
        return 0
    uow.session.flush()
    return uow.session.scalar(select(func.app.disable_login(staff_id))) or 0


def enable_login(uow: UnitOfWork, staff_id: int) -> None:
    if _on_server(uow):
        uow.session.flush()
        uow.session.execute(select(func.app.enable_login(staff_id)))
