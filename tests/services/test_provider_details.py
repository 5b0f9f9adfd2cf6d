"""R12: the Owner keeps a provider's credentials and licence, printed on superbills."""

from __future__ import annotations

import pytest

from desktop.services import audit, provider_details
from desktop.services.errors import Conflict, InvalidInput, PermissionRefused
from desktop.services.principal import Role

from .conftest import row_counts


def test_the_owner_saves_a_providers_credentials_and_licence_audited(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    shown = provider_details.provider_details(uow(), owner, ana.staff_id)
    assert (shown.credentials, shown.licence_number) == ("", "")

    saved = provider_details.set_provider_details(
        uow(), owner, ana.staff_id, " LCSW ", "LCSW 482913 · NPI 1245319870", shown.version
    )
    assert (saved.credentials, saved.licence_number) == ("LCSW", "LCSW 482913 · NPI 1245319870")
    assert provider_details.provider_details(uow(), owner, ana.staff_id) == saved
    entry = audit.recent_entries(uow(), owner, 1)[0]
    assert entry.action == audit.Action.PROVIDER_DETAILS_CHANGED
    assert entry.details["licence_number"] == {
        "before": "",
        "after": "LCSW 482913 · NPI 1245319870",
    }


def test_a_manager_and_the_provider_are_refused_and_nothing_changes(engine, uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    manager = add_member("Mo Reyes", Role.MANAGER)
    version = provider_details.provider_details(uow(), owner, ana.staff_id).version
    before = row_counts(engine)
    for person in (manager, ana):
        with pytest.raises(PermissionRefused, match="Only the Owner"):
            provider_details.set_provider_details(
                uow(), person, ana.staff_id, "PhD", "123", version
            )
    assert row_counts(engine) == before


def test_bad_input_and_a_stale_form_say_why(uow, owner, add_member):
    ana = add_member("Ana Castillo", Role.PROVIDER, records_owner="group")
    sam = add_member("Sam Lee", Role.SCHEDULER)
    version = provider_details.provider_details(uow(), owner, ana.staff_id).version
    problems = provider_details.details_problems("x" * 121, "line\nbreak")
    assert [p.field for p in problems] == ["credentials", "licence_number"]
    with pytest.raises(InvalidInput, match="not a provider"):
        provider_details.provider_details(uow(), owner, sam.staff_id)
    with pytest.raises(Conflict):
        provider_details.set_provider_details(uow(), owner, ana.staff_id, "", "1", version + 7)
