"""Every public service function, given hostile input, refuses with a named error and a plain
message, and a refusal changes nothing (SPEC: "A refused or invalid action changes nothing").

The functions are found by looking at `desktop.services`: every function a screen, a command
or a test calls with what a person typed (it takes the acting `principal`, or `passwords` to
sign in or set up). Each parameter gets values from a list chosen by its type: text that is
huge (10 MB), holds a NUL byte, half of a character (a lone surrogate), right-to-left marks or
SQL; ids out of range or of the wrong type; dates at the edges of the calendar (years 1 and
9999); None where a password goes; and ordinary values, so a call gets past its first check.
Runs on SQLite and PostgreSQL with a bounded number of examples per function.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import pkgutil
import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import desktop.services
from desktop.clock import FixedClock
from desktop.db.uow import UnitOfWork
from desktop.services import charts, clients, practice, scheduling, staff
from desktop.services.clients import ClientDraft
from desktop.services.errors import ServiceError, SignInRefused
from desktop.services.principal import Principal, Role
from tests.sqlite_key import engine_for

from .conftest import PASSWORD, snapshot

#: examples per function and database: enough to meet every kind of value a few times.
EXAMPLES = 12
NOW = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
#: the modules whose functions are not entry points for what people type.
NOT_ENTRY_POINTS = {"policy", "principal", "errors", "validation", "boundary", "demo", "passwords"}
#: types of parameters that only code passes (loaded rows, facts): such functions are internal.
INTERNAL_TYPES = ("Client", "ChartShare", "ProviderFacts", "Decision", "ZoneInfo")
#: helpers that work inside a unit of work their caller opened.
IN_CALLERS_TRANSACTION = {"rows_in"}

HUGE = "x" * 10_000_000
TEXT = [
    "",
    " ",
    "\x00",
    "Ana\x00Castillo",
    "\ud800",
    "Zo\udce9",
    "\u202eedoc\u202c",
    "\u200f\u200e\u061c",
    "'; DROP TABLE clients; --",
    "%' OR '1'='1",
    "名前 テスト",
    "😀" * 300,
    "two\nlines",
    HUGE,
    "Session",
    "active",
    "owner@harbour.test",
    PASSWORD,
    "11",
]
WRONG = [None, 0, -1, 3.5, b"bytes", [], {}, object()]
IDS = [0, -1, 1, 2, 3, 4, 2**31, 2**63, 2**70, True, "1", 1.0, None, "\x00"]
DATES = [
    date(1, 1, 1),
    date(9999, 12, 31),
    date(1899, 12, 31),
    date(2026, 3, 4),
    "2026-03-04",
    "\x00",
    None,
    datetime(9999, 12, 31, tzinfo=UTC),
    17,
]
MOMENTS = [
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    datetime(1, 1, 1),
    datetime(2026, 3, 3, 10),
    datetime(2026, 3, 3, 15, tzinfo=UTC),
    datetime(2026, 3, 4, 15, tzinfo=UTC),
    "2026-03-03T10:00",
    date(2026, 3, 3),
    None,
    2**70,
]
BOOLS = [True, False, None, "no", 2]
ID_LISTS = [[], [1, 2], [2**70], ["x"], [None], None, "12", 5, [1, "\x00"]]
HOURS = [
    [(0, time(9), time(17))],
    [(9, time(9), time(17))],
    [(0, "09:00", None)],
    [(1,)],
    None,
    "Mondays",
    [(2**70, time(9), time(10))],
]


def _values(annotation) -> st.SearchStrategy:
    """Hostile and ordinary values for a parameter of this type."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return _values(args[0]) if args else st.sampled_from(WRONG)
    if annotation is str:
        return st.sampled_from(TEXT + WRONG)
    if annotation is bool:
        return st.sampled_from(BOOLS)
    if annotation is int:
        return st.sampled_from(IDS)
    if annotation is datetime:
        return st.sampled_from(MOMENTS)
    if annotation is date:
        return st.sampled_from(DATES)
    if annotation is bytes:
        return st.sampled_from([b"", b"%PDF-1.4 \x00\xff", "text", None, HUGE.encode()])
    if annotation is typing.TextIO:
        return st.builds(io.StringIO)
    if origin is Callable or annotation is Callable:
        return st.just(None)
    if origin in (list, Sequence, Iterable) and args and typing.get_origin(args[0]) is tuple:
        return st.sampled_from(HOURS)
    if origin in (list, Sequence, Iterable):
        return st.sampled_from(ID_LISTS)
    if origin in (set, frozenset):
        return st.sampled_from(
            [frozenset(), frozenset({Role.PROVIDER}), {"owner"}, None, "provider", [Role.OWNER]]
        )
    if dataclasses.is_dataclass(annotation):
        hints = typing.get_type_hints(annotation)
        fields = {f.name: _values(hints[f.name]) for f in dataclasses.fields(annotation)}
        return st.one_of(st.builds(annotation, **fields), st.sampled_from(WRONG))
    return st.sampled_from(WRONG + TEXT[:5])


def _is_entry_point(function) -> bool:
    parameters = inspect.signature(function).parameters
    names = list(parameters)
    if not names or names[0] != "uow" or not {"principal", "passwords"} & set(names):
        return False
    if function.__name__.endswith("_in_transaction") or function.__name__ in IN_CALLERS_TRANSACTION:
        return False
    return not any(
        re.search(rf"\b{kind}\b", str(p.annotation))
        for kind in INTERNAL_TYPES
        for p in parameters.values()
    )


def entry_points() -> list[Callable]:
    found = []
    for info in pkgutil.iter_modules(desktop.services.__path__):
        if info.name in NOT_ENTRY_POINTS:
            continue
        module = importlib.import_module(f"desktop.services.{info.name}")
        for name, value in sorted(vars(module).items()):
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ == module.__name__ and _is_entry_point(value):
                found.append(value)
    return found


ENTRY_POINTS = entry_points()


def arguments(function) -> st.SearchStrategy:
    hints = typing.get_type_hints(function)
    fixed = {"uow", "principal", "passwords"}
    return st.fixed_dictionaries(
        {
            name: _values(hints.get(name, object))
            for name in inspect.signature(function).parameters
            if name not in fixed
        }
    )


def build_practice(engine, passwords) -> Principal:
    """The Owner (also a provider), a colleague, a client with a note and an appointment."""

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, FixedClock(NOW))

    owner = practice.set_up_practice(
        uow(),
        passwords,
        practice.PracticeSetup(
            "Harbour Therapy Group",
            "America/Toronto",
            "Dr. Maya Okafor",
            "owner@harbour.test",
            PASSWORD,
            PASSWORD,
            owner_is_provider=True,
        ),
        "front-desk-1",
    )
    colleague = staff.add_staff(
        uow(),
        owner,
        passwords,
        staff.NewStaff(
            "Ana Castillo", "ana@harbour.test", PASSWORD, frozenset({Role.PROVIDER}), "group"
        ),
    )
    client = clients.create_client(uow(), owner, ClientDraft(first_name="Kim", last_name="Chen"))
    charts.create_note(
        uow(), owner, client.id, kind="progress", title="Intake", body="Met.", session_date=None
    )
    scheduling.book_appointment(
        uow(),
        owner,
        scheduling.BookingRequest(colleague.id, client.id, datetime(2026, 3, 3, 15, tzinfo=UTC)),
    )
    return owner


@pytest.mark.parametrize(
    "function",
    ENTRY_POINTS,
    ids=[f"{f.__module__.rsplit('.', 1)[1]}.{f.__name__}" for f in ENTRY_POINTS],
)
def test_hostile_input_is_refused_by_name_and_changes_nothing(database_url, passwords, function):
    engine = engine_for(database_url)
    try:
        owner = build_practice(engine, passwords)
        parameters = inspect.signature(function).parameters

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(args=arguments(function))
        def call(args: dict) -> None:
            fixed = {"uow": UnitOfWork(engine, FixedClock(NOW))}
            if "principal" in parameters:
                fixed["principal"] = owner
            if "passwords" in parameters:
                fixed["passwords"] = passwords
            before = snapshot(engine)
            try:
                function(**fixed, **args)
            except SignInRefused:
                pass  # a failed sign-in is audited and counted (R13), by design
            except ServiceError as refusal:
                assert refusal.message and "Traceback" not in refusal.message
                assert snapshot(engine) == before, f"{function.__name__} refused but changed rows"

        call()
    finally:
        engine.dispose()


def test_every_public_service_function_is_called():
    names = {f.__name__ for f in ENTRY_POINTS}
    for expected in (
        "sign_in",
        "create_client",
        "list_clients",
        "book_appointment",
        "export_ics",
        "start_chart_share",
        "add_staff",
        "create_note",
        "set_up_practice",
    ):
        assert expected in names


# -- the cases found by fuzzing, one by one ---------------------------------------------------


def test_a_nul_byte_or_half_a_character_in_a_search_is_refused_in_plain_words(uow, owner):
    from desktop.services import client_list
    from desktop.services.errors import InvalidInput

    for text in ("Chen\x00", "\ud800"):
        with pytest.raises(InvalidInput) as refused:
            client_list.list_clients(uow(), owner, scope="all", search=text)
        assert refused.value.field == "search"
    with pytest.raises(InvalidInput) as refused:
        client_list.list_clients(uow(), owner, scope="all", search="Chen\x00")
    assert refused.value.message == "The search cannot contain control characters."


def test_a_sign_in_with_a_nul_byte_or_no_password_is_refused_and_not_counted(
    uow, owner, passwords, engine
):
    from desktop.services import auth
    from desktop.services.errors import InvalidInput

    before = snapshot(engine)
    for email, password in (("owner@harbour.test\x00", PASSWORD), ("owner@harbour.test", None)):
        with pytest.raises(InvalidInput) as refused:
            auth.sign_in(uow(), passwords, email, password, "front-desk-1")
        assert "must be text" in refused.value.message or "control" in refused.value.message
    assert snapshot(engine) == before


@pytest.mark.parametrize("year", [1, 9999])
def test_booking_or_exporting_at_the_edges_of_the_calendar_is_refused(uow, owner, year, engine):
    from desktop.services import calendar_export
    from desktop.services.errors import InvalidInput

    client = clients.create_client(uow(), owner, ClientDraft(first_name="Kim", last_name="Chen"))
    moment = datetime(year, 12 if year > 1 else 1, 31 if year > 1 else 1, 12, tzinfo=UTC)
    before = snapshot(engine)
    with pytest.raises(InvalidInput) as refused:
        scheduling.book_appointment(
            uow(), owner, scheduling.BookingRequest(owner.staff_id, client.id, moment)
        )
    assert (
        refused.value.message == ("The starts at must be between the years 1900 and 2200.")
        or "between the years" in refused.value.message
    )
    with pytest.raises(InvalidInput):
        calendar_export.export_ics(uow(), owner, owner.staff_id, moment, NOW)
    assert snapshot(engine) == before


def test_half_a_character_in_a_name_is_refused_naming_the_field(uow, owner, engine):
    from desktop.services.errors import InvalidInput

    before = snapshot(engine)
    with pytest.raises(InvalidInput) as refused:
        clients.create_client(uow(), owner, ClientDraft(first_name="Zo\udce9", last_name="Chen"))
    assert refused.value.field == "first_name"
    assert refused.value.message == "The first name contains a broken character; type it again."
    assert snapshot(engine) == before
