"""The unit of work: one transaction, rolled back unless the service commits it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ..clock import Clock, SystemClock
from .server_ids import give_ids_before_insert

#: one session factory per engine: making a factory sets up a Session class and its events,
#: which would otherwise be paid by every unit of work.
_FACTORIES: WeakKeyDictionary[Engine, sessionmaker[Session]] = WeakKeyDictionary()


def _factory(engine: Engine) -> sessionmaker[Session]:
    factory = _FACTORIES.get(engine)
    if factory is None:
        factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        if engine.dialect.name == "postgresql":
            give_ids_before_insert(factory)
        _FACTORIES[engine] = factory
    return factory


#: each server engine with every statement its own transaction, for units of work that read.
_AUTOCOMMIT: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def _autocommit(engine: Engine) -> Engine:
    reading = _AUTOCOMMIT.get(engine)
    if reading is None:
        reading = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return reading


class UnitOfWork:
    """Opens a session on entry; leaving the block without `commit()` rolls everything back.

    It also carries the clock, so every service reads "now" from one injectable place::

        with uow:
            uow.session.add(row)
            uow.commit()
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock | None = None,
        on_open: Callable[[Session], None] | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        #: run on each opened session before any work (the signed-in person's standing, R19);
        #: what it raises leaves the block unopened.
        self.on_open = on_open
        self._factory = _factory(engine)
        self._session: Session | None = None
        self._reading = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open; use it in a `with` block")
        return self._session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def now(self) -> datetime:
        return self.clock.now()

    def reading(self) -> UnitOfWork:
        """This unit of work, to be opened for reads only: on a server each statement is then
        its own transaction (no BEGIN and ROLLBACK around them), so a list's page is one round
        trip. Only for services that write nothing and need no single snapshot across their
        statements; row-level security applies to every statement alike. The connection goes
        back to the pool transactional again. An embedded file opens as always::

            with uow.reading():
                ...
        """
        self._reading = True
        return self

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        if self._reading and self.engine.dialect.name == "postgresql":
            # the connection is taken at the first statement, as always (on_open's standing
            # check first: a refused reconnection still reads as the person's deactivation)
            self._session = self._factory(bind=_autocommit(self.engine))
        else:
            self._session = self._factory()
        if self.on_open is not None:
            try:
                self.on_open(self._session)
            except BaseException:
                self._session.close()
                self._session = None
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self._session = None
            self._reading = False

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
