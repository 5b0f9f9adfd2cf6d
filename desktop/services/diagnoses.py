"""Coded diagnoses (R2): a provider's ICD-10-CM codes for a client, one primary and the others
in order, chosen from the code set by code or words (`icd10.search`). The free-text diagnosis
of earlier releases stays readable beside them until someone codes it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..db.tables import ClientProviderLink
from ..db.uow import UnitOfWork
from . import audit, icd10
from .boundary import checked
from .errors import Conflict, InvalidInput, NotFound
from .icd10 import Diagnosis
from .policy import may_edit_client
from .principal import Principal
from .record_facts import client_name, is_linked, load_client

DIAGNOSES_CHANGED = "client.diagnoses_changed"
#: the most codes one provider keeps for a client (a claim form takes twelve).
MAX_CODES = 12


def coded(codes: tuple[str, ...] | list[str]) -> list[Diagnosis]:
    """The codes with their descriptions, in order; a code the code set no longer has is
    shown with a note instead of a description."""
    out = []
    for code in codes:
        found = icd10.describe(code)
        out.append(found or Diagnosis(code, "(not in this code set: choose a current code)"))
    return out


def _clean_codes(codes: list[str]) -> list[str]:
    cleaned: list[str] = []
    for code in codes:
        found = icd10.describe(code) if isinstance(code, str) else None
        if found is None:
            raise InvalidInput(
                f"{code!s:.12} is not a billable ICD-10-CM code. Choose one from the search.",
                "codes",
            )
        if found.code not in cleaned:
            cleaned.append(found.code)
    if len(cleaned) > MAX_CODES:
        raise InvalidInput(f"Keep at most {MAX_CODES} diagnoses for one provider.", "codes")
    return cleaned


@checked
def set_diagnosis_codes(
    uow: UnitOfWork,
    principal: Principal,
    client_id: int,
    provider_id: int,
    codes: list[str],
    expected_version: int,
) -> list[Diagnosis]:
    """Replace one linked provider's codes for the client, the first being the primary (R2:
    whoever may edit the profile; not a Biller). Audited with the codes, never free text."""
    cleaned = _clean_codes(list(codes))
    with uow:
        linked = is_linked(uow, client_id, principal.staff_id)
        may_edit_client(principal, principal_linked=linked).require()
        client = load_client(uow, client_id)
        link = uow.session.scalars(
            select(ClientProviderLink).where(
                ClientProviderLink.client_id == client_id,
                ClientProviderLink.provider_id == provider_id,
                ClientProviderLink.ended_at.is_(None),
            )
        ).one_or_none()
        if link is None:
            raise NotFound(
                f"{client_name(client)} is no longer on that provider's list. Refresh the profile."
            )
        stale = Conflict(
            f"{client_name(client)}'s provider settings were changed a moment ago; nothing was "
            "saved. Open them again."
        )
        if link.version != expected_version:
            raise stale
        text = "\n".join(cleaned) or None
        if link.diagnosis_codes != text:
            link.diagnosis_codes = text
            try:
                uow.session.flush()
            except StaleDataError:
                raise stale from None
            audit.record(
                uow,
                principal,
                DIAGNOSES_CHANGED,
                client_id=client.id,
                subject=f"link:{client.id}:{provider_id}",
                details={"provider": provider_id, "codes": cleaned},
            )
        uow.commit()
        return coded(cleaned)
