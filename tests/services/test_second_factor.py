"""R19, RFC 6238: enrolment confirmed by one code, ten single-use recovery codes, codes accepted
one step either side of now and once only, the secret encrypted at rest, the Owner's reset."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from desktop.db.tables import RecoveryCode, SecondFactor
from desktop.services import audit, auth, password_change, second_factor
from desktop.services.errors import CodeRefused, InvalidInput, PermissionRefused, SignInRefused
from desktop.services.principal import Role

from .conftest import PASSWORD, row_counts


def code_at(secret, moment):
    return pyotp.TOTP(secret).at(moment)


@pytest.fixture
def enrolled(uow, passwords, clock, owner):
    offer = second_factor.new_secret(owner, "Harbour Therapy Group")
    codes = second_factor.enrol(
        uow(), owner, passwords, PASSWORD, offer.secret, code_at(offer.secret, clock.now())
    )
    clock.advance(timedelta(seconds=30))  # the enrolment's code is spent; wait for the next
    return offer.secret, codes


def test_enrolment_offers_a_secret_and_an_authenticator_address(owner):
    offer = second_factor.new_secret(owner, "Harbour Therapy Group")
    assert len(offer.secret) == 32
    assert offer.uri.startswith("otpauth://totp/") and offer.secret in offer.uri


def test_enrolment_gives_ten_recovery_codes_kept_hashed_and_the_secret_sealed(
    engine, uow, owner, enrolled
):
    secret, codes = enrolled
    assert len(codes) == 10 and len(set(codes)) == 10
    with uow() as unit:
        sealed = unit.session.get(SecondFactor, owner.staff_id).secret_encrypted
        hashes = unit.session.scalars(select(RecoveryCode.code_hash)).all()
    assert secret not in sealed
    assert second_factor.unseal(sealed, PASSWORD) == secret
    assert second_factor.unseal(sealed, "another password") is None
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    entries = audit.recent_entries(uow(), owner, 3)
    assert entries[0].action == audit.Action.SECOND_FACTOR_ENROLLED


def test_a_wrong_code_at_enrolment_stores_nothing(engine, uow, passwords, owner):
    offer = second_factor.new_secret(owner)
    before = row_counts(engine)
    with pytest.raises(InvalidInput, match="not right"):
        second_factor.enrol(uow(), owner, passwords, PASSWORD, offer.secret, "000000")
    assert row_counts(engine) == before


def test_a_code_is_accepted_once_and_one_step_of_clock_skew_is_forgiven(
    uow, passwords, clock, owner, enrolled
):
    secret, _ = enrolled
    clock.advance(timedelta(minutes=1))
    now = clock.now()
    second_factor.confirm_sign_in_code(  # the phone's clock half a minute behind
        uow(), owner, passwords, PASSWORD, code_at(secret, now - timedelta(seconds=30))
    )
    second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, code_at(secret, now))
    with pytest.raises(CodeRefused, match="already used"):
        second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, code_at(secret, now))
    clock.advance(timedelta(minutes=5))
    skewed = code_at(secret, clock.now() + timedelta(seconds=60))  # two steps ahead
    with pytest.raises(CodeRefused, match="phone's clock"):
        second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, skewed)


def test_a_recovery_code_works_once(uow, passwords, owner, enrolled):
    _, codes = enrolled
    second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, codes[3].upper())
    assert audit.recent_entries(uow(), owner, 1)[0].action == audit.Action.RECOVERY_CODE_USED
    with pytest.raises(CodeRefused, match="already used"):
        second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, codes[3])


def test_changing_ones_password_keeps_the_second_factor_working(
    uow, passwords, clock, owner, enrolled
):
    secret, _ = enrolled
    new = "a brand new passphrase"
    password_change.change_own_password(uow(), owner, passwords, PASSWORD, new, new)
    second_factor.confirm_sign_in_code(uow(), owner, passwords, new, code_at(secret, clock.now()))


def test_the_practice_rule_decides_who_is_asked(uow, owner, add_member):
    from desktop.services import practice_settings as ps

    scheduler = add_member("Sam Front", Role.SCHEDULER)
    assert not second_factor.second_factor_state(uow(), owner).required
    ps.update_settings(
        uow(),
        owner,
        ps.PracticeSettings("Harbour Therapy Group", "America/Toronto", 15, "record_keepers"),
    )
    assert second_factor.second_factor_state(uow(), owner).required
    assert not second_factor.second_factor_state(uow(), scheduler).required
    ps.update_settings(
        uow(),
        owner,
        ps.PracticeSettings("Harbour Therapy Group", "America/Toronto", 15, "everyone"),
    )
    assert second_factor.second_factor_state(uow(), scheduler).required


def test_only_the_owner_resets_an_enrolment_and_it_is_audited(
    engine, uow, passwords, clock, owner, add_member
):
    manager = add_member("Mo Reyes", Role.MANAGER)
    offer = second_factor.new_secret(manager)
    second_factor.enrol(
        uow(), manager, passwords, PASSWORD, offer.secret, code_at(offer.secret, clock.now())
    )
    before = row_counts(engine)
    with pytest.raises(PermissionRefused):
        second_factor.reset_enrolment(uow(), manager, manager.staff_id)
    assert row_counts(engine) == before
    second_factor.reset_enrolment(uow(), owner, manager.staff_id)
    assert not second_factor.second_factor_state(uow(), manager).enrolled
    entry = audit.recent_entries(uow(), owner, 1)[0]
    assert entry.action == audit.Action.SECOND_FACTOR_RESET
    assert entry.subject == f"staff:{manager.staff_id}"


def test_five_wrong_codes_in_a_row_lock_the_account(uow, passwords, owner, enrolled):
    for _ in range(auth.MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(CodeRefused) as refused:
            second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, "000000")
        assert not refused.value.signed_out
    with pytest.raises(CodeRefused, match="locked") as refused:
        second_factor.confirm_sign_in_code(uow(), owner, passwords, PASSWORD, "000000")
    assert refused.value.signed_out
    with pytest.raises(SignInRefused, match="locked"):
        auth.sign_in(uow(), passwords, owner.email, PASSWORD, "desk")
    entry = audit.recent_entries(uow(), owner, 1)[0]
    assert entry.action == audit.Action.SIGN_IN_FAILED
