"""Service tests run as the people themselves on PostgreSQL (SPEC B5).

A unit of work opened by a service that acts for a principal connects as that principal's own
login (row-level security and column grants on); one opened by a test to prepare or check rows
stays with the test server's superuser. The principal is the one the service was called with:
the `principal` argument of the function that opens the unit of work.
"""

from __future__ import annotations

import sys

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from desktop.clock import Clock
from desktop.db.boundary import login_name
from desktop.db.engine import create_database_engine
from desktop.db.uow import UnitOfWork
from desktop.services.principal import Principal

from .conftest import PASSWORD

__all__ = ["database_url", "pytestmark", "uow"]

#: these modules run every service test a second time, as each person: kept in CI, left out of
#: the quick run (`-m "not slow"`).
pytestmark = pytest.mark.slow


class PersonEngines:
    """One engine per person, connected with their login and `password`."""

    def __init__(self, url: str, password: str) -> None:
        self.url = make_url(url)
        self.password = password
        self.engines: dict[str, Engine | None] = {}
        #: emails of principals that had no login to connect with (their work ran as IT).
        self.without_login: set[str] = set()

    def engine_for(self, principal: Principal) -> Engine | None:
        if principal.email not in self.engines:
            url = self.url.set(
                username=login_name(self.url.database, principal.email), password=self.password
            )
            engine = create_database_engine(url)
            try:
                with engine.connect():
                    pass
            except (sa_exc.DBAPIError, psycopg.Error):
                engine.dispose()
                engine = None
                self.without_login.add(principal.email)
            self.engines[principal.email] = engine
        return self.engines[principal.email]

    def dispose(self) -> None:
        for engine in self.engines.values():
            if engine is not None:
                engine.dispose()


class PersonUnitOfWork(UnitOfWork):
    """Connects as the principal of the service function that opens it."""

    def __init__(self, engine: Engine, clock: Clock, people: PersonEngines) -> None:
        super().__init__(engine, clock)
        self.people = people

    def __enter__(self) -> UnitOfWork:
        principal = sys._getframe(1).f_locals.get("principal")
        if isinstance(principal, Principal):
            engine = self.people.engine_for(principal)
            if engine is not None:
                UnitOfWork.__init__(self, engine, self.clock)
        return super().__enter__()


@pytest.fixture
def database_url(postgres_server, _postgres_template, fresh_postgres_database) -> str:
    """PostgreSQL only: these tests are about the server's rules."""
    return fresh_postgres_database(_postgres_template)


@pytest.fixture
def uow(engine, clock, database_url):
    """Units of work that connect as the acting person (see the module's words)."""
    people = PersonEngines(database_url, PASSWORD)
    yield lambda: PersonUnitOfWork(engine, clock, people)
    people.dispose()
