"""Connecting to a practice's PostgreSQL server as a person (SPEC B5): signing in to the app is
opening the database with that person's own login and password. No workstation keeps a shared
staff password; the only secret it may keep is the sign-in gate's (see `gate_engine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL

from .boundary import gate_login_name, login_name
from .engine import create_database_engine


class ServerRefused(Exception):
    """The server did not let a login in; `reason` says which way ("password", "disabled",
    "unreachable"), the message is the server's first line."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _reason(detail: str) -> str:
    # Unknown logins and wrong passwords read the same on the wire: SCRAM fails either way.
    if "password authentication failed" in detail or "authentication failed" in detail:
        return "password"
    if "not permitted to log in" in detail:
        return "disabled"
    return "unreachable"


@dataclass(frozen=True)
class ServerAccess:
    """Where the practice's server is: its address without any user or password."""

    url: URL
    ca_file: Path | None = None

    @property
    def database(self) -> str:
        return self.url.database or ""

    @property
    def gate_login(self) -> str:
        return gate_login_name(self.database)

    def login_for(self, email: str) -> str:
        return login_name(self.database, email)

    def engine_for(self, login: str, password: str) -> Engine:
        """An engine connected as `login`, tried once; raises ServerRefused."""
        url = self.url.set(username=login, password=password)
        engine = create_database_engine(url, ca_file=self.ca_file)
        try:
            with engine.connect():
                pass
        except (sa_exc.DBAPIError, psycopg.Error) as error:
            engine.dispose()
            detail = str(getattr(error, "orig", None) or error).strip().splitlines()
            first = detail[0][:300] if detail else "no answer"
            raise ServerRefused(_reason(first), first) from None
        return engine

    def person_engine(self, email: str, password: str) -> Engine:
        """The database opened as the person whose email this is; raises ServerRefused."""
        return self.engine_for(self.login_for(email), password)


def without_login(url: URL) -> URL:
    """The server's address alone: any user or password in it is IT's, never a person's."""
    return URL.create(
        url.drivername, host=url.host, port=url.port, database=url.database, query=url.query
    )
