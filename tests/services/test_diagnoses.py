"""Coded diagnoses (R2): the ICD-10-CM search by code and by words, a provider's primary and
ordered other codes for a client, who may set them, and the free text kept readable."""

from __future__ import annotations

import pytest

from desktop.services import clients, diagnoses, icd10
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import snapshot
from .factories import make_client
from .test_scheduling import actions


def codes(found) -> list[str]:
    return [d.code for d in found]


def test_the_search_finds_codes_by_their_beginning_with_or_without_the_dot():
    assert codes(icd10.search("F41.1")) == ["F41.1"]
    assert codes(icd10.search("f411")) == ["F41.1"]
    assert {"F41.0", "F41.1", "F41.9"} <= set(codes(icd10.search("F41")))
    assert all(d.code.startswith("F") for d in icd10.search("f"))


def test_the_search_finds_codes_by_the_beginnings_of_words_in_any_order():
    found = icd10.search("anx gen")
    assert found[0] == icd10.Diagnosis("F41.1", "Generalized anxiety disorder")
    assert "M54.50" in codes(icd10.search("low back pain"))
    assert icd10.search("zzzz nothing") == [] and icd10.search("  ") == []


def test_only_billable_codes_are_offered_and_the_code_set_is_named():
    assert icd10.describe("F41") is None  # a category with subcodes is not billable
    assert icd10.describe("f41.1").description == "Generalized anxiety disorder"
    assert "F41" not in codes(icd10.search("F41"))
    assert "2026" in icd10.CODE_SET


@pytest.fixture
def chart(uow, owner, add_member):
    ben = add_member("Ben Adeyemi", Role.PROVIDER, records_owner="group")
    lou = make_client(uow(), "Lou", "Park", ben.staff_id)
    return ben, lou


def setting(uow, principal, client_id, provider_id):
    profile = clients.get_client(uow(), principal, client_id)
    return next(s for s in profile.providers if s.provider_id == provider_id)


def test_R2_a_provider_codes_one_primary_and_ordered_others(uow, chart):
    ben, lou = chart
    version = setting(uow, ben, lou, ben.staff_id).version
    saved = diagnoses.set_diagnosis_codes(
        uow(), ben, lou, ben.staff_id, ["f41.1", "F43.22", "F41.1"], version
    )
    assert codes(saved) == ["F41.1", "F43.22"]
    shown = setting(uow, ben, lou, ben.staff_id)
    assert shown.diagnosis_codes == ("F41.1", "F43.22")  # primary first
    changes = [d for a, _c, d in actions(uow) if a == "client.diagnoses_changed"]
    assert changes == [{"provider": ben.staff_id, "codes": ["F41.1", "F43.22"]}]


def test_R2_a_biller_cannot_code_and_unknown_codes_are_refused(uow, chart, add_member, engine):
    ben, lou = chart
    biller = add_member("Bea Biller", Role.BILLER)
    version = setting(uow, ben, lou, ben.staff_id).version
    before = snapshot(engine)
    with pytest.raises(PermissionRefused):
        diagnoses.set_diagnosis_codes(uow(), biller, lou, ben.staff_id, ["F41.1"], version)
    with pytest.raises(InvalidInput, match="F41 is not a billable"):
        diagnoses.set_diagnosis_codes(uow(), ben, lou, ben.staff_id, ["F41"], version)
    with pytest.raises(Conflict):
        diagnoses.set_diagnosis_codes(uow(), ben, lou, ben.staff_id, ["F41.1"], version + 1)
    assert snapshot(engine) == before


def test_R2_the_old_free_text_stays_readable_beside_the_codes(uow, chart):
    ben, lou = chart
    old = setting(uow, ben, lou, ben.staff_id)
    clients.update_provider_settings(
        uow(), ben, lou, ben.staff_id, "active", "GAD (per intake)", None, old.version
    )
    current = setting(uow, ben, lou, ben.staff_id)
    diagnoses.set_diagnosis_codes(uow(), ben, lou, ben.staff_id, ["F41.1"], current.version)
    after = setting(uow, ben, lou, ben.staff_id)
    assert (after.diagnosis, after.diagnosis_codes) == ("GAD (per intake)", ("F41.1",))
