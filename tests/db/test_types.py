"""UTCDateTime: every stored moment knows its zone and comes back in UTC, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import StatementError

from desktop.db.tables import Practice, ProviderTimeOff, Staff

from . import NOW, seed


def _practice(created_at: datetime) -> Practice:
    return Practice(id=1, name="Riverside Counselling", time_zone="UTC", created_at=created_at)


def test_a_naive_datetime_is_refused(uow_factory) -> None:
    with uow_factory() as uow:
        uow.session.add(_practice(datetime(2025, 3, 3, 9, 0)))
        with pytest.raises(StatementError, match="naive datetime"):
            uow.session.flush()


def test_a_naive_datetime_is_refused_in_a_query(uow_factory) -> None:
    with uow_factory() as uow:
        query = select(Practice).where(Practice.created_at > datetime(2025, 3, 3))
        with pytest.raises(StatementError, match="naive datetime"):
            uow.session.execute(query)


def test_an_aware_datetime_comes_back_in_utc(engine: Engine, uow_factory) -> None:
    moment = datetime(2025, 7, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("America/New_York"))
    with uow_factory() as uow:
        uow.session.add(_practice(moment))
        uow.commit()

    with uow_factory() as uow:
        if engine.dialect.name == "postgresql":
            # A server or session in another zone must not change what the application sees.
            uow.session.execute(text("SET TIME ZONE 'Asia/Kolkata'"))
        stored = uow.session.scalars(select(Practice.created_at)).one()
        raw = uow.session.execute(
            text(
                "SELECT created_at FROM practice"
                if engine.dialect.name == "sqlite"
                else "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') "
                "FROM practice"
            )
        ).scalar_one()

    assert stored == moment
    assert stored.tzinfo is UTC
    assert stored == datetime(2025, 7, 1, 13, 30, 15, 123456, tzinfo=UTC)
    assert str(raw).startswith("2025-07-01 13:30:15.123456"), "stored as UTC"


def test_moments_in_different_zones_sort_by_time(uow_factory) -> None:
    plus_two = timezone(timedelta(hours=2))
    with uow_factory() as uow:
        ids = seed(uow.session)
        spans = {
            "utc-9:00": datetime(2025, 3, 4, 9, 0, tzinfo=UTC),
            "cest-10:00 (8:00 UTC)": datetime(2025, 3, 4, 10, 0, tzinfo=plus_two),
            "chicago-2:30 (8:30 UTC)": datetime(
                2025, 3, 4, 2, 30, tzinfo=ZoneInfo("America/Chicago")
            ),
        }
        for reason, start in spans.items():
            uow.session.add(
                ProviderTimeOff(
                    provider_id=ids.provider_a,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    reason=reason,
                )
            )
        uow.commit()

    with uow_factory() as uow:
        ordered = uow.session.scalars(
            select(ProviderTimeOff.reason).order_by(ProviderTimeOff.starts_at)
        )
        later = uow.session.scalars(
            select(ProviderTimeOff.reason).where(
                ProviderTimeOff.starts_at
                > datetime(2025, 3, 4, 10, 45, tzinfo=plus_two)  # 8:45 UTC
            )
        )
        assert list(ordered) == ["cest-10:00 (8:00 UTC)", "chicago-2:30 (8:30 UTC)", "utc-9:00"]
        assert list(later) == ["utc-9:00"]


def test_none_stays_none(uow_factory) -> None:
    with uow_factory() as uow:
        ids = seed(uow.session)
        uow.commit()
    with uow_factory() as uow:
        staff = uow.session.get(Staff, ids.provider_a)
        assert staff.locked_until is None and staff.created_at == NOW
