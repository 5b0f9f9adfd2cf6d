"""The unit of work: one transaction, committed only when asked, rolled back otherwise."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from desktop.db.tables import Client

from . import add_client


def _client_count(uow_factory) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(Client))


def test_leaving_without_commit_rolls_back(uow_factory) -> None:
    with uow_factory() as uow:
        add_client(uow.session)
        assert uow.session.scalar(select(func.count()).select_from(Client)) == 1
    assert _client_count(uow_factory) == 0


def test_an_error_inside_rolls_back_and_is_raised(uow_factory) -> None:
    with pytest.raises(LookupError):
        with uow_factory() as uow:
            add_client(uow.session)
            raise LookupError("refused halfway")
    assert _client_count(uow_factory) == 0


def test_commit_keeps_the_work(uow_factory) -> None:
    with uow_factory() as uow:
        client = add_client(uow.session)
        uow.commit()
    assert client.first_name == "Ada", "results stay readable after a committed block"
    assert _client_count(uow_factory) == 1


def test_work_after_the_commit_is_rolled_back(uow_factory) -> None:
    with uow_factory() as uow:
        add_client(uow.session)
        uow.commit()
        add_client(uow.session, "Grace", "Hopper")
    with uow_factory() as uow:
        assert uow.session.scalars(select(Client.first_name)).all() == ["Ada"]


def test_the_session_exists_only_inside_the_block(uow_factory) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.session
    with uow:
        assert uow.dialect in ("sqlite", "postgresql")
        with pytest.raises(RuntimeError, match="already open"):
            uow.__enter__()
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.session
    with uow:  # reusable, one block after another
        assert uow.session.scalar(select(func.count()).select_from(Client)) == 0


def test_a_unit_opened_for_reading_commits_nothing_and_the_next_opening_is_a_transaction_again(
    uow_factory,
) -> None:
    uow = uow_factory()
    with pytest.raises(RuntimeError, match="commits nothing"):
        with uow.reading():
            assert uow.session.scalar(select(func.count()).select_from(Client)) == 0
            uow.commit()
    with uow:  # the same unit, opened again as usual: its work is one transaction
        add_client(uow.session)
        assert uow.session.in_transaction()
        uow.commit()
    assert _client_count(uow_factory) == 1


def _statement_clock(uow) -> tuple:
    """now() twice: equal within one transaction, apart when each statement is its own."""
    if uow.dialect != "postgresql":
        pytest.skip("the embedded file has no clock per statement to tell the two apart")
    read = "SELECT now(), pg_sleep(0.01)"
    return tuple(uow.session.execute(text(read)).scalar() for _ in range(2))


def test_a_unit_of_work_for_reading_sends_each_statement_alone_then_writes_in_one_again(
    uow_factory,
) -> None:
    with uow_factory().reading() as uow:
        first, second = _statement_clock(uow)
        assert first < second
        assert uow.session.scalar(select(func.count()).select_from(Client)) == 0
    # the pooled connection is transactional again for the next unit of work
    with uow_factory() as uow:
        first, second = _statement_clock(uow)
        assert first == second
        add_client(uow.session)
    assert _client_count(uow_factory) == 0
    uow = uow_factory()
    with uow.reading():
        pass
    with uow:  # the same object opens transactional afterwards
        assert len(set(_statement_clock(uow))) == 1
