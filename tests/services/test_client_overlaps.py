"""A client booked with two providers at overlapping times: the booking form warns, naming the
other appointment; the person may book anyway (family sessions), and that choice is audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop.db.tables import AuditEvent
from desktop.services import scheduling
from desktop.services.errors import Conflict
from desktop.services.scheduling import RepeatRule

from .conftest import snapshot
from .test_scheduling import at, request, set_up_calendar


@pytest.fixture
def cal(uow, owner, add_member):
    return set_up_calendar(uow, owner, add_member)


def test_booking_a_client_at_the_time_of_their_appointment_with_another_provider_is_refused(
    uow, cal
):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ana, cal.kim, at(3, 10, 10)))
    clash = request(cal.ben, cal.kim, at(3, 10, 10, 30))
    (overlap,) = scheduling.client_overlaps(uow(), cal.scheduler, clash)
    assert overlap.text == (
        "Kim Chen already has an appointment with Ana Castillo on Tue 10 Mar 2026, 10:00–10:50."
    )
    before = snapshot(uow().engine)
    with pytest.raises(Conflict) as refused:
        scheduling.book_appointment(uow(), cal.scheduler, clash)
    assert refused.value.message.startswith(overlap.text)
    assert "Nothing was booked" in refused.value.message
    assert snapshot(uow().engine) == before


def test_booking_anyway_is_allowed_and_audited_with_the_other_appointment(uow, cal):
    first = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ana, cal.kim, at(3, 10, 10))
    )
    result = scheduling.book_appointment(
        uow(),
        cal.scheduler,
        request(cal.ben, cal.kim, at(3, 10, 10), appointment_type="Family session"),
        client_overlap_allowed=True,
    )
    assert len(result.appointments) == 1
    with uow() as work:
        details = work.session.scalars(
            select(AuditEvent.details)
            .where(AuditEvent.action == scheduling.BOOKED)
            .order_by(AuditEvent.seq.desc())
        ).first()
    assert json.loads(details)["client_overlaps"] == [first.appointments[0].id]


def test_back_to_back_and_cancelled_appointments_are_no_overlap(uow, cal):
    booked = scheduling.book_appointment(
        uow(), cal.scheduler, request(cal.ana, cal.kim, at(3, 10, 10))
    )
    assert (
        scheduling.client_overlaps(
            uow(), cal.scheduler, request(cal.ben, cal.kim, at(3, 10, 10, 50))
        )
        == []
    )
    scheduling.cancel_appointment(
        uow(), cal.scheduler, booked.appointments[0].id, reason="Client ill"
    )
    assert (
        scheduling.client_overlaps(uow(), cal.scheduler, request(cal.ben, cal.kim, at(3, 10, 10)))
        == []
    )


def test_a_series_warns_about_each_date_that_overlaps(uow, cal):
    scheduling.book_appointment(uow(), cal.scheduler, request(cal.ana, cal.kim, at(3, 17, 10)))
    weekly = request(
        cal.ben, cal.kim, at(3, 10, 10), repeat=RepeatRule(frequency="weekly", count=3)
    )
    (overlap,) = scheduling.client_overlaps(uow(), cal.scheduler, weekly)
    assert "Tue 17 Mar 2026" in overlap.text
