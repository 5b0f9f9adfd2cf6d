"""R19: the practice's idle time and second-factor rule (Owner only, audited), and the lock:
the signed-in person's password unlocks; wrong passwords are counted; all of it audited."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from desktop.services import audit, auth, practice_settings, second_factor, session_lock
from desktop.services.errors import (
    InvalidInput,
    PermissionRefused,
    SignInRefused,
    UnlockRefused,
)
from desktop.services.practice_settings import PracticeSettings
from desktop.services.principal import Role

from .conftest import PASSWORD, row_counts

NAME, ZONE = "Harbour Therapy Group", "America/Toronto"


def test_a_new_practice_locks_after_fifteen_minutes_and_asks_no_second_factor(uow, owner):
    assert practice_settings.read_settings(uow()) == PracticeSettings(NAME, ZONE, 15, "off")


def test_the_owner_changes_the_settings_and_the_change_is_audited(uow, owner):
    saved = practice_settings.update_settings(
        uow(), owner, PracticeSettings(" Harbour Therapy ", "Europe/Dublin", 5, "everyone")
    )
    assert practice_settings.read_settings(uow()) == saved
    assert saved == PracticeSettings("Harbour Therapy", "Europe/Dublin", 5, "everyone")
    entry = audit.recent_entries(uow(), owner, 1)[0]
    assert entry.action == audit.Action.PRACTICE_SETTINGS_CHANGED
    assert entry.details["idle_minutes"] == {"before": 15, "after": 5}


def test_the_practice_address_is_saved_line_by_line_and_audited(uow, owner):
    typed = PracticeSettings(NAME, ZONE, address="  220 Harbour Street \n\n Toronto ON  ")
    saved = practice_settings.update_settings(uow(), owner, typed)
    assert saved.address == "220 Harbour Street\nToronto ON"
    assert practice_settings.read_settings(uow()).address == saved.address
    entry = audit.recent_entries(uow(), owner, 1)[0]
    assert entry.details["address"] == {"before": "", "after": "220 Harbour Street\nToronto ON"}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (PracticeSettings(NAME, ZONE, 0, "off"), "idle_minutes"),
        (PracticeSettings(NAME, ZONE, 61, "off"), "idle_minutes"),
        (PracticeSettings(NAME, ZONE, 15, "sometimes"), "second_factor"),
        (PracticeSettings("   ", ZONE, 15, "off"), "name"),
        (PracticeSettings(NAME, "Mars/Olympus", 15, "off"), "time_zone"),
        (PracticeSettings(NAME, ZONE, 15, "off", "x" * 301), "address"),
    ],
)
def test_bad_settings_say_why_and_change_nothing(engine, uow, owner, settings, field):
    before = row_counts(engine)
    with pytest.raises(InvalidInput) as refused:
        practice_settings.update_settings(uow(), owner, settings)
    assert refused.value.field == field
    assert row_counts(engine) == before


def test_every_problem_of_the_form_at_once(owner):
    problems = practice_settings.settings_problems(PracticeSettings("", "Nowhere", 99, "x"))
    assert [p.field for p in problems] == ["name", "time_zone", "idle_minutes", "second_factor"]


def test_only_the_owner_changes_the_settings(engine, uow, owner, add_member):
    manager = add_member("Mo Reyes", Role.MANAGER)
    before = row_counts(engine)
    with pytest.raises(PermissionRefused, match="Only the Owner"):
        practice_settings.update_settings(uow(), manager, PracticeSettings(NAME, ZONE, 5, "off"))
    assert row_counts(engine) == before


def test_lock_and_unlock_with_ones_password_are_audited(uow, passwords, owner):
    session_lock.lock_session(uow(), owner, 15)
    with pytest.raises(UnlockRefused, match="not your password"):
        session_lock.unlock_session(uow(), owner, passwords, "someone else's")
    session_lock.unlock_session(uow(), owner, passwords, PASSWORD)
    actions = [e.action for e in audit.recent_entries(uow(), owner, 3)]
    assert actions == [
        audit.Action.SESSION_UNLOCKED,
        audit.Action.UNLOCK_FAILED,
        audit.Action.SESSION_LOCKED,
    ]


def test_five_wrong_passwords_at_the_lock_sign_out_and_lock_the_account(
    uow, passwords, owner, add_member
):
    scheduler = add_member("Sam Front", Role.SCHEDULER)
    for _ in range(auth.MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(UnlockRefused) as refused:
            session_lock.unlock_session(uow(), scheduler, passwords, "guess guess guess")
        assert not refused.value.signed_out
    with pytest.raises(UnlockRefused, match="signed you out") as refused:
        session_lock.unlock_session(uow(), scheduler, passwords, "guess guess guess")
    assert refused.value.signed_out
    with pytest.raises(SignInRefused, match="locked"):
        auth.sign_in(uow(), passwords, scheduler.email, PASSWORD, "x")


def test_unlock_asks_for_the_code_when_the_practice_requires_it(uow, passwords, clock, owner):
    offer = second_factor.new_secret(owner)
    totp = pyotp.TOTP(offer.secret)
    second_factor.enrol(uow(), owner, passwords, PASSWORD, offer.secret, totp.at(clock.now()))
    practice_settings.update_settings(
        uow(), owner, PracticeSettings(NAME, ZONE, 15, "record_keepers")
    )
    clock.advance(timedelta(minutes=2))
    with pytest.raises(InvalidInput, match="6-digit code"):
        session_lock.unlock_session(uow(), owner, passwords, PASSWORD)
    session_lock.unlock_session(uow(), owner, passwords, PASSWORD, totp.at(clock.now()))


def test_an_idle_sign_out_is_audited(uow, owner):
    session_lock.idle_sign_out(uow(), owner, "someone else signed in")
    entry = audit.recent_entries(uow(), owner, 1)[0]
    assert entry.action == audit.Action.IDLE_SIGN_OUT
    assert entry.details == {"reason": "someone else signed in"}
