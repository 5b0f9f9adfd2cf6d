"""The unit of work: one transaction, rolled back unless the service commits it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from ..clock import Clock, SystemClock
from .engine import READ_WITHOUT_TRANSACTION
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

    #: set by `reading()` until the unit closes (kept if __init__ runs again before opening).
    _reading = False
    _connection: Connection | None = None

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
        """This unit of work, to be opened for reads only: no transaction is begun or rolled
        back around its statements. On a server each statement is its own transaction (two round
        trips fewer; the connection goes back to the pool transactional again); on the embedded
        file no write lock is taken. Only for services that write nothing and read in one
        statement, or need no single snapshot across their statements; row-level security
        applies to every statement alike. Nothing can be committed::

            with uow.reading():
                ...
        """
        self._reading = True
        return self

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        if self._reading and self.dialect == "postgresql":
            # the connection is taken at the first statement, as always (on_open's standing
            # check first: a refused reconnection still reads as the person's deactivation)
            self._session = self._factory(bind=_autocommit(self.engine))
        elif self._reading:  # the connection's "begin" takes no write lock (db/engine.py)
            try:
                self._connection = self.engine.connect().execution_options(
                    **{READ_WITHOUT_TRANSACTION: True}
                )
            except BaseException:
                self._reading = False
                raise
            self._session = self._factory(bind=self._connection)
        else:
            self._session = self._factory()
        if self.on_open is not None:
            try:
                self.on_open(self._session)
            except BaseException:
                self._close()
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
            self._close()

    def _close(self) -> None:
        try:
            if self._session is not None:
                self._session.close()
        finally:
            self._session = None
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            self._reading = False

    def commit(self) -> None:
        if self._reading:
            raise RuntimeError("a unit of work opened for reading commits nothing")
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
