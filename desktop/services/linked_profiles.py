"""Linked profiles (R14): a second profile of the same person, linked to the first as "Self".

Each profile has its own provider links and charts; nothing is shared between them. All the
profiles of one person are linked pairwise, so "the person's other profiles" is one lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from ..db.tables import Client, LinkedProfile
from ..db.uow import UnitOfWork
from . import audit
from .boundary import checked
from .clients import DEMOGRAPHIC_FIELDS, ClientProfile, profile_of
from .policy import may_link_profiles, may_see_client
from .policy.scopes import visible_clients
from .principal import Principal
from .record_facts import is_linked
from .supervision_facts import load_client_for
from .validation import clean_text

SELF = "Self"


@dataclass(frozen=True)
class LinkedProfileRow:
    """Another profile of the same person, as the profile screen lists it."""

    client_id: int
    #: "Last, First".
    display_name: str
    date_of_birth: date | None
    relationship: str
    reason: str | None
    linked_at: datetime


def _linked_ids(uow: UnitOfWork, client_id: int) -> list[int]:
    """Every profile linked to this one, whoever may see them."""
    rows = uow.session.execute(
        select(LinkedProfile.client_id, LinkedProfile.other_client_id).where(
            or_(LinkedProfile.client_id == client_id, LinkedProfile.other_client_id == client_id)
        )
    ).all()
    return sorted({a if b == client_id else b for a, b in rows})


@checked
def create_linked_profile(
    uow: UnitOfWork, principal: Principal, client_id: int, reason: str
) -> ClientProfile:
    """Create a second profile of the client's person (R14: Owner, Manager, Record Custodian).

    The demographics are copied; the new profile starts with no providers, no charts and no
    billing notes. It is linked as "Self" to the client and to the person's other profiles.
    """
    may_link_profiles(principal).require()
    why = clean_text(reason, "The reason for a second profile", max_length=200, field="reason")
    with uow:
        session = uow.session
        original = load_client_for(uow, principal, client_id)
        others = _linked_ids(uow, client_id)
        now = uow.now()
        copy = Client(
            **{name: getattr(original, name) for name in DEMOGRAPHIC_FIELDS},
            sort_name=original.sort_name,
            created_at=now,
            created_by=principal.staff_id,
            updated_at=now,
        )
        session.add(copy)
        session.flush()
        family = [client_id, *others]
        for profile_id in family:
            low, high = sorted((profile_id, copy.id))
            session.add(
                LinkedProfile(
                    client_id=low,
                    other_client_id=high,
                    relationship=SELF,
                    reason=why,
                    created_at=now,
                    created_by=principal.staff_id,
                )
            )
        session.flush()
        audit.record(
            uow,
            principal,
            audit.Action.CLIENT_CREATED,
            client_id=copy.id,
            subject=f"client:{copy.id}",
            details={"linked_profile_of": client_id},
        )
        for profile_id in [copy.id, *family]:
            linked_to = [copy.id] if profile_id != copy.id else family
            audit.record(
                uow,
                principal,
                audit.Action.PROFILES_LINKED,
                client_id=profile_id,
                subject=f"client:{profile_id}",
                details={"relationship": SELF, "linked_to": linked_to, "reason": why},
            )
        profile = profile_of(uow, copy)
        uow.commit()
        return profile


@checked
def linked_profiles(
    uow: UnitOfWork, principal: Principal, client_id: int
) -> list[LinkedProfileRow]:
    """The person's other profiles that the principal may see, oldest first (R2, R14)."""
    with uow:
        linked = is_linked(uow, client_id, principal.staff_id)
        may_see_client(principal, principal_linked=linked).require()
        load_client_for(uow, principal, client_id)
        pair = or_(
            and_(LinkedProfile.client_id == client_id, LinkedProfile.other_client_id == Client.id),
            and_(LinkedProfile.other_client_id == client_id, LinkedProfile.client_id == Client.id),
        )
        rows = uow.session.execute(
            select(
                Client.id,
                Client.first_name,
                Client.last_name,
                Client.date_of_birth,
                LinkedProfile.relationship,
                LinkedProfile.reason,
                LinkedProfile.created_at,
            )
            .join(LinkedProfile, pair)
            .where(visible_clients(principal, Client.id))
            .order_by(Client.id)
        ).all()
        return [
            LinkedProfileRow(
                client_id=row.id,
                display_name=f"{row.last_name}, {row.first_name}",
                date_of_birth=row.date_of_birth,
                relationship=row.relationship,
                reason=row.reason,
                linked_at=row.created_at,
            )
            for row in rows
        ]
