"""The boundary of every public service function: each argument is checked against the
function's type hints before the function runs, so bad input (wrong types, NUL bytes, half of
a character, ids no database holds, years 1 and 9999) is refused with InvalidInput and a plain
message, never a crash deep in a driver. Each service still checks what its rules say (lengths,
choices, permissions); this only makes sure what reaches them is what they were written for.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from enum import Enum
from typing import ParamSpec, TypeVar

from .errors import InvalidInput
from .validation import MAX_ID, require_text

P = ParamSpec("P")
T = TypeVar("T")

#: the calendar a clinic works in: dates and times outside it are typing mistakes.
FIRST_YEAR, LAST_YEAR = 1900, 2200
#: filled in by the services themselves, not typed by anyone.
_NOT_CHECKED = frozenset({"uow", "principal", "passwords", "out", "on_progress"})
#: how a parameter is named in a message, when its name alone would not read well.
_LABELS = {
    "search": "The search",
    "text": "The search",
    "email": "The email address",
    "owner_email": "The email address",
    "password": "The password",
    "password_again": "The password",
    "body": "The note",
    "file_name": "The file name",
    "workstation": "The workstation name",
    "starts_at": "The start time",
    "ends_at": "The end time",
    "new_start": "The new time",
    "start": "The start of the period",
    "end": "The end of the period",
    "until": "The end date",
}


def _label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    return "The " + name.removesuffix("_ids").removesuffix("_id").replace("_", " ")


def _refuse(label: str, what: str, field: str) -> InvalidInput:
    return InvalidInput(f"{label} must be {what}.", field=field)


def _check_int(value: object, name: str, label: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        if name.endswith("_id") or name.endswith("_ids"):
            raise InvalidInput(
                f"That {_label(name)[4:]} cannot be found. Refresh the screen and try again.",
                field=name,
            )
        raise _refuse(label, "a whole number", name)
    if name.endswith("_id") or name.endswith("_ids"):
        if not 0 < value <= MAX_ID:
            raise InvalidInput(
                f"That {_label(name)[4:]} cannot be found. Refresh the screen and try again.",
                field=name,
            )
    elif not -MAX_ID <= value <= MAX_ID:
        raise _refuse(label, f"a number under {MAX_ID:,}", name)


def _check_day(value: object, annotation, name: str, label: str) -> None:
    if not isinstance(value, annotation):
        example = "a date and time" if annotation is datetime else "a date such as 1985-04-23"
        raise _refuse(label, example, name)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidInput(
            f"{label} must be between the years {FIRST_YEAR} and {LAST_YEAR}.", field=name
        )


def _check_items(value: object, item_type, name: str, label: str) -> None:
    if isinstance(value, (str, bytes)) or not isinstance(
        value, (list, tuple, set, frozenset, dict, types.GeneratorType, range)
    ):
        if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
            return  # another kind of collection: the service reads it as it is
        raise _refuse(label, "a list", name)
    if isinstance(value, (types.GeneratorType, range)):
        return  # not read twice: the service reads it
    if item_type is int and value and all(type(item) is int for item in value):
        for item in (min(value), max(value)):  # a page of ids is checked at every scroll
            _check_int(item, name, label)
        return
    for item in value:
        check_value(item, item_type, name, label)


def check_value(value: object, annotation, name: str, label: str | None = None) -> None:
    """Raise InvalidInput unless `value` fits `annotation` (what a service was written for)."""
    label = label or _label(name)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return
        choices = [a for a in args if a is not type(None)]
        problems = []
        for choice in choices:
            try:
                check_value(value, choice, name, label)
                return
            except InvalidInput as problem:
                problems.append(problem)
        raise problems[0]
    if annotation is str:
        if not isinstance(value, str):
            raise _refuse(label, "text", name)
        require_text(value, label, field=name)
    elif annotation is bool:
        if not isinstance(value, bool):
            raise _refuse(label, "yes or no", name)
    elif annotation is int:
        _check_int(value, name, label)
    elif annotation in (datetime, date):
        _check_day(value, annotation, name, label)
    elif annotation is time:
        if not isinstance(value, time):
            raise _refuse(label, "a time of day", name)
    elif annotation is bytes:
        if not isinstance(value, (bytes, bytearray)):
            raise _refuse(label, "the contents of a file", name)
    elif origin in (list, set, frozenset, Sequence, Iterable) and args:
        _check_items(value, args[0], name, label)
    elif origin is tuple and args:
        if not isinstance(value, tuple) or (args[-1] is not Ellipsis and len(value) != len(args)):
            raise _refuse(label, "filled in completely", name)
        for item, item_type in zip(value, args, strict=False):
            check_value(item, item_type, name, label)
    elif inspect.isclass(annotation) and issubclass(annotation, Enum):
        if not isinstance(value, (annotation, str)):
            raise _refuse(label, "one of the choices offered", name)
    elif dataclasses.is_dataclass(annotation) and inspect.isclass(annotation):
        if not isinstance(value, annotation):
            raise InvalidInput("The form was not filled in; open it again.", field=name)
        hints = _hints(annotation)
        for item in dataclasses.fields(annotation):
            check_value(getattr(value, item.name), hints.get(item.name), item.name)


@functools.cache
def _hints(thing) -> dict:
    return typing.get_type_hints(thing)


def checked(function: Callable[P, T]) -> Callable[P, T]:
    """Check every argument of a public service function against its type hints first."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        bound = signature.bind(*args, **kwargs)
        hints = _hints(function)
        for name, value in bound.arguments.items():
            if name not in _NOT_CHECKED and name in hints:
                check_value(value, hints[name], name)
        return function(*args, **kwargs)

    return wrapper
