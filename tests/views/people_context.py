"""Screen tests on PostgreSQL as the people themselves (SPEC B5).

A workstation on a server holds no staff password: each person's screens read and write through
their own login. The tests sign people in as the app does (`ServerAccess.person_engine`, then
`server_sign_in.begin_session`; the session controller goes through `AppContext.sign_in`), and a
unit of work opened by a service acting for a principal connects as that principal's own login.
Work with no principal (a test preparing rows, or IT's set-up) stays with the test server's
superuser, which stands for IT.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from sqlalchemy import Engine

from desktop.app import AppContext
from desktop.db.uow import UnitOfWork
from desktop.services import server_sign_in
from desktop.services.principal import Principal


class PersonUnitOfWork(UnitOfWork):
    """Connects as the principal of the service function that opens it (the `principal`
    argument of the function whose `with uow:` opens it), when that person has signed in."""

    def __init__(self, context: PeopleContext, **options) -> None:
        super().__init__(context.engine, context.clock, **options)
        self.context = context
        self.options = options

    def __enter__(self) -> UnitOfWork:
        principal = sys._getframe(1).f_locals.get("principal")
        if isinstance(principal, Principal):
            engine = self.context.person_engines.get(principal.email)
            if engine is not None:
                UnitOfWork.__init__(self, engine, self.clock, **self.options)
        return super().__enter__()


@dataclass
class PeopleContext(AppContext):
    """The app's context on a server, for tests that act as several people in turn."""

    #: email -> the engine of that person's own login, once they signed in.
    person_engines: dict[str, Engine] = field(default_factory=dict)
    #: the test server's superuser (IT), still at hand once a person signs in at this workstation.
    it_engine: Engine | None = None

    def __post_init__(self) -> None:
        self.it_engine = self.engine

    def uow(self) -> UnitOfWork:
        standing = {} if self.principal is None else {"on_open": self._check_standing}
        return PersonUnitOfWork(self, **standing)

    def sign_in(self, email: str, password: str) -> Principal:
        principal = super().sign_in(email, password)
        self.person_engines[principal.email] = self.engine
        return principal

    def connect_as(self, email: str, password: str) -> Principal:
        """Sign a person in as the app does, without making them this workstation's signed-in
        person: their connection serves every service called for them."""
        assert self.server is not None
        engine = self.server.person_engine(email, password)
        principal = server_sign_in.begin_session(UnitOfWork(engine, self.clock), self.workstation)
        old = self.person_engines.get(principal.email)
        if old is not None and old is not engine:
            old.dispose()
        self.person_engines[principal.email] = engine
        return principal

    def close(self) -> None:
        super().close()
        for engine in self.person_engines.values():
            engine.dispose()
