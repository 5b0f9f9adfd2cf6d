"""Pooled connections to a clinic's server: a connection idle for a while is checked before use
and replaced when the server ended it; one used a moment ago is used at once."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.db import engine as engine_module
from desktop.db.engine import create_database_engine


@pytest.fixture
def server_engine(postgres_server, fresh_postgres_database):
    engine = create_database_engine(fresh_postgres_database())
    yield engine
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _end_backend(postgres_server, pid: int) -> None:
    with psycopg.connect(
        str(postgres_server.admin_url.set(drivername="postgresql")), autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_an_idle_connection_the_server_ended_is_replaced_before_use(
    server_engine, postgres_server, monkeypatch
) -> None:
    first = _backend_pid(server_engine)
    _end_backend(postgres_server, first)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
    second = _backend_pid(server_engine)  # checked, found dead, connected anew: no error
    assert second != first


def test_a_connection_used_a_moment_ago_is_not_pinged(server_engine, postgres_server) -> None:
    first = _backend_pid(server_engine)
    assert _backend_pid(server_engine) == first  # the same connection, back from the pool
    _end_backend(postgres_server, first)
    # Not checked (used within PING_AFTER_IDLE_S): the statement itself finds the connection
    # gone, and the pool replaces it for the next unit of work.
    with pytest.raises(DBAPIError) as failure:
        _backend_pid(server_engine)
    assert failure.value.connection_invalidated
    assert _backend_pid(server_engine) != first
