"""The practice's settings (R19, Owner): its name, postal address (printed on superbills) and
time zone, the idle time after which every window locks, and who must sign in with a second
factor."""

from __future__ import annotations

from dataclasses import dataclass

from ..db.tables import Practice
from ..db.tables.practice import SECOND_FACTOR_RULES
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .errors import InvalidInput, NotFound
from .policy.session_rules import may_change_practice_settings
from .principal import Principal
from .validation import clean_text, clean_time_zone, require_text

MIN_IDLE_MINUTES, MAX_IDLE_MINUTES, DEFAULT_IDLE_MINUTES = 1, 60, 15
#: the second-factor rules as the settings screen offers them.
SECOND_FACTOR_CHOICES = {
    "off": "Not required",
    "record_keepers": "Required for Owner, Manager and Record Custodian",
    "everyone": "Required for everyone",
}


@dataclass(frozen=True)
class PracticeSettings:
    """What the Practice settings screen shows and saves."""

    name: str
    time_zone: str
    idle_minutes: int = DEFAULT_IDLE_MINUTES
    second_factor: str = "off"
    #: the postal address, one line per printed line (superbills print it under the name).
    address: str = ""


#: the fields saved, in the form's order.
_FIELDS = ("name", "address", "time_zone", "idle_minutes", "second_factor")
MAX_ADDRESS_LENGTH = 300


def _settings_of(practice: Practice) -> PracticeSettings:
    return PracticeSettings(
        practice.name,
        practice.time_zone,
        practice.idle_minutes,
        practice.second_factor,
        practice.address or "",
    )


def _clean_address(address: str) -> str:
    """The address's lines, each trimmed, empty ones left out, joined by line breaks."""
    text = require_text(address, "The address", field="address") or ""
    lines = [
        clean_text(
            line, "The address", max_length=MAX_ADDRESS_LENGTH, required=False, field="address"
        )
        for line in text.splitlines()
    ]
    cleaned = "\n".join(line for line in lines if line)
    if len(cleaned) > MAX_ADDRESS_LENGTH:
        raise InvalidInput(
            f"The address can have at most {MAX_ADDRESS_LENGTH} characters.", field="address"
        )
    return cleaned


def read_settings(uow: UnitOfWork) -> PracticeSettings:
    """The practice's settings (every signed-in person's session follows them)."""
    with uow:
        practice = uow.session.get(Practice, 1)
        if practice is None:
            raise NotFound("This database holds no practice yet.")
        return _settings_of(practice)


def settings_problems(settings: PracticeSettings) -> list[InvalidInput]:
    """Every problem of the settings form at once, in the form's order."""
    problems: list[InvalidInput] = []
    checks = (
        lambda: clean_text(settings.name, "The practice name", max_length=200, field="name"),
        lambda: _clean_address(settings.address),
        lambda: clean_time_zone(settings.time_zone),
        lambda: _clean_idle(settings.idle_minutes),
        lambda: _clean_rule(settings.second_factor),
    )
    for check in checks:
        try:
            check()
        except InvalidInput as problem:
            problems.append(problem)
    return problems


def _clean_idle(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidInput("The idle time must be a whole number of minutes.", field="idle_minutes")
    if not MIN_IDLE_MINUTES <= minutes <= MAX_IDLE_MINUTES:
        raise InvalidInput(
            f"The idle time must be between {MIN_IDLE_MINUTES} and {MAX_IDLE_MINUTES} minutes.",
            field="idle_minutes",
        )
    return minutes


def _clean_rule(rule: str) -> str:
    if rule not in SECOND_FACTOR_RULES:
        raise InvalidInput("Choose who must use a second factor.", field="second_factor")
    return rule


@checked
def update_settings(
    uow: UnitOfWork, principal: Principal, settings: PracticeSettings
) -> PracticeSettings:
    """Save the practice's settings (the Owner only); audited with what changed."""
    may_change_practice_settings(principal).require()
    problems = settings_problems(settings)
    if problems:
        raise problems[0]
    clean = PracticeSettings(
        clean_text(settings.name, "The practice name", max_length=200, field="name"),
        clean_time_zone(settings.time_zone),
        settings.idle_minutes,
        settings.second_factor,
        _clean_address(settings.address),
    )
    with uow:
        practice = uow.session.get(Practice, 1)
        if practice is None:
            raise NotFound("This database holds no practice yet.")
        before = _settings_of(practice)
        changed = {
            key: {"before": getattr(before, key), "after": getattr(clean, key)}
            for key in _FIELDS
            if getattr(before, key) != getattr(clean, key)
        }
        if changed:
            practice.name = clean.name
            practice.address = clean.address or None
            practice.time_zone = clean.time_zone
            practice.idle_minutes = clean.idle_minutes
            practice.second_factor = clean.second_factor
            audit.record(
                uow,
                principal,
                audit.Action.PRACTICE_SETTINGS_CHANGED,
                subject="practice:1",
                details=changed,
            )
            uow.commit()
    return clean
