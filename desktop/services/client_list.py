"""The client list (R1): "My Clients" and "All Clients", searched, sorted and paged by the database.

The query returns ids in order; the details of a page's rows (providers, next appointment,
linked profiles) are fetched for those ids only, so a list of 200,000 clients costs one page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Subquery, func, or_, select

from ..db.tables import Appointment, Client, ClientProviderLink, LinkedProfile, Staff
from ..db.tables.clients import LINK_STATUSES
from ..db.uow import UnitOfWork
from .errors import InvalidInput
from .policy import may_see_all_clients, refused
from .policy.scopes import linked_client_ids, visible_clients
from .principal import Principal

SCOPES = ("mine", "all")
SORTS = ("name", "date_of_birth", "next_appointment")
#: the most rows one page may hold.
MAX_PAGE = 1000
#: ids per IN (...) list, well under every database's limit on parameters.
_CHUNK = 500
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE = re.compile(r"^[\d\s()+.\-]*\d{3}[\d\s()+.\-]*$")


@dataclass(frozen=True)
class LinkStatus:
    """One provider who has the client on their list, and the client's status with them."""

    provider_id: int
    provider_name: str
    status: str


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list."""

    id: int
    #: "Last, First", as the list shows it.
    display_name: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    #: one per linked provider, in the order of `provider_names`.
    statuses: tuple[LinkStatus, ...]
    #: the linked providers' names, comma-joined, by name.
    provider_names: str
    #: the next booked appointment at or after now, in UTC; None when there is none.
    next_appointment: datetime | None
    #: the person's other profiles (R14, "Self") that the principal may see.
    linked_profile_ids: tuple[int, ...]

    def status_with(self, provider_id: int) -> str | None:
        """The client's status with one provider, or None when not on that provider's list."""
        return next((s.status for s in self.statuses if s.provider_id == provider_id), None)


@dataclass(frozen=True)
class ClientPage:
    """One page of the list and how many rows match in all."""

    rows: list[ClientRow]
    total: int


def _require_list(principal: Principal, scope: str) -> None:
    """R1: "All Clients" is for group-wide roles; everyone may ask for their own list."""
    if scope not in SCOPES:
        raise InvalidInput("Choose My Clients or All Clients.", field="scope")
    if scope == "all" and not may_see_all_clients(principal):
        refused(
            "R1",
            "All Clients is for the Owner, Managers, Record Custodians, Schedulers and Billers. "
            "My Clients shows the clients on your list.",
        ).require()


def _like(text: str) -> str:
    """`text` for a LIKE pattern with "/" as the escape character: % and _ match themselves."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _name_condition(text: str) -> ColumnElement[bool]:
    """Prefix of last name, "last first", first name (any later word), or "first last".

    Only `sort_name` (lower("last first"), lower-cased by Python so accents fold on SQLite too)
    is read, so the database answers from the (sort_name, id) index without the table rows.
    """
    words = text.split(" ")
    patterns = [f"{_like(text)}%", f"% {_like(text)}%", f"%-{_like(text)}%"]
    for cut in range(1, len(words)):
        first, last = " ".join(words[:cut]), " ".join(words[cut:])
        patterns.append(f"{_like(last)}% {_like(first)}")
    return or_(*(Client.sort_name.like(pattern, escape="/") for pattern in patterns))


def _normalized(search: str) -> str:
    return " ".join((search or "").replace(",", " ").split()).lower()[:200]


def _birth_date(text: str) -> date | None:
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _is_contact_search(text: str) -> bool:
    """A birth date, email or phone search: few matches, found in the table rows, not the index."""
    return _birth_date(text) is not None or "@" in text or bool(_PHONE.match(text))


def _search_condition(search: str) -> ColumnElement[bool] | None:
    """A YYYY-MM-DD date of birth, an email or phone number containing the text, else a name."""
    text = _normalized(search)
    if not text:
        return None
    born = _birth_date(text)
    if born is not None:
        return Client.date_of_birth == born
    if "@" in text:
        return func.lower(Client.email).like(f"%{_like(text)}%", escape="/")
    if _PHONE.match(text):
        pattern = f"%{_like(text)}%"
        return or_(
            Client.phone_mobile.like(pattern, escape="/"),
            Client.phone_home.like(pattern, escape="/"),
        )
    return _name_condition(text)


def _conditions(
    principal: Principal, scope: str, search: str, status: str | None
) -> list[ColumnElement[bool]]:
    if scope == "mine":
        conditions = [Client.id.in_(linked_client_ids(principal.staff_id))]
    else:
        conditions = [visible_clients(principal, Client.id)]
    if status:
        if status not in LINK_STATUSES:
            raise InvalidInput("Choose active, inactive or discharged.", field="status")
        with_status = select(ClientProviderLink.client_id).where(
            ClientProviderLink.ended_at.is_(None), ClientProviderLink.status == status
        )
        if scope == "mine":
            with_status = with_status.where(ClientProviderLink.provider_id == principal.staff_id)
        conditions.append(Client.id.in_(with_status))
    matched = _search_condition(search or "")
    if matched is not None:
        conditions.append(matched)
    return conditions


def _next_appointments(now: datetime) -> Subquery:
    """Each client's first booked appointment at or after `now`."""
    return (
        select(
            Appointment.client_id.label("client_id"),
            func.min(Appointment.starts_at).label("starts_at"),
        )
        .where(Appointment.status == "booked", Appointment.starts_at >= now)
        .group_by(Appointment.client_id)
        .subquery("next_appointments")
    )


def _ordered_ids(
    principal: Principal,
    now: datetime,
    scope: str,
    search: str,
    status: str | None,
    sort: str,
    descending: bool,
):
    """SELECT Client.id of the matching clients in the list's order; nulls always last."""
    if sort not in SORTS:
        raise InvalidInput("Sort by name, date of birth or next appointment.", field="sort")
    query = select(Client.id).where(*_conditions(principal, scope, search, status))
    keys = []
    if sort == "date_of_birth":
        keys.append(Client.date_of_birth)
    elif sort == "next_appointment":
        upcoming = _next_appointments(now)
        query = query.outerjoin(upcoming, upcoming.c.client_id == Client.id)
        keys.append(upcoming.c.starts_at)
    if _is_contact_search(_normalized(search)):
        # Sort the few matches rather than walk the whole name index looking them up (SQLite).
        keys += [Client.sort_name.concat(""), Client.id]
    else:
        keys += [Client.sort_name, Client.id]
    ordering = [key.desc() if descending else key.asc() for key in keys]
    if sort != "name":
        ordering[0] = ordering[0].nulls_last()
    return query.order_by(*ordering)


def list_clients(
    uow: UnitOfWork,
    principal: Principal,
    *,
    scope: str,
    search: str = "",
    status: str | None = None,
    sort: str = "name",
    descending: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> ClientPage:
    """One page of "My Clients" (scope "mine") or "All Clients" (scope "all", R1)."""
    _require_list(principal, scope)
    with uow:
        ordered = _ordered_ids(principal, uow.now(), scope, search, status, sort, descending)
        page = ordered.offset(max(0, offset)).limit(max(1, min(limit, MAX_PAGE)))
        ids = list(uow.session.scalars(page))
        total = uow.session.scalar(
            select(func.count())
            .select_from(Client)
            .where(*_conditions(principal, scope, search, status))
        )
        return ClientPage(rows=_rows(uow, principal, ids), total=total or 0)


def client_ids(
    uow: UnitOfWork,
    principal: Principal,
    scope: str,
    search: str = "",
    status: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> list[int]:
    """The ids of every matching client, in order, for a lazy list that fetches rows as shown."""
    _require_list(principal, scope)
    with uow:
        query = _ordered_ids(principal, uow.now(), scope, search, status, sort, descending)
        return list(uow.session.scalars(query))


def client_rows(uow: UnitOfWork, principal: Principal, ids: Sequence[int]) -> list[ClientRow]:
    """The rows of these clients in the order given, without those the principal may not see."""
    with uow:
        return _rows(uow, principal, ids)


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _rows(uow: UnitOfWork, principal: Principal, ids: Sequence[int]) -> list[ClientRow]:
    found: dict[int, ClientRow] = {}
    for chunk in _chunks(list(dict.fromkeys(ids))):
        found.update(_rows_of_chunk(uow, principal, chunk))
    return [found[i] for i in ids if i in found]


def _rows_of_chunk(uow: UnitOfWork, principal: Principal, ids: list[int]) -> dict[int, ClientRow]:
    session = uow.session
    clients = session.execute(
        select(Client.id, Client.first_name, Client.last_name, Client.date_of_birth).where(
            Client.id.in_(ids), visible_clients(principal, Client.id)
        )
    ).all()
    ids = [c.id for c in clients]
    if not ids:
        return {}
    links: dict[int, list[LinkStatus]] = defaultdict(list)
    for client_id, provider_id, name, status in session.execute(
        select(
            ClientProviderLink.client_id,
            ClientProviderLink.provider_id,
            Staff.display_name,
            ClientProviderLink.status,
        )
        .join(Staff, Staff.id == ClientProviderLink.provider_id)
        .where(ClientProviderLink.client_id.in_(ids), ClientProviderLink.ended_at.is_(None))
        .order_by(ClientProviderLink.client_id, Staff.display_name, Staff.id)
    ):
        links[client_id].append(LinkStatus(provider_id, name, status))
    upcoming = dict(
        session.execute(
            select(Appointment.client_id, func.min(Appointment.starts_at))
            .where(
                Appointment.client_id.in_(ids),
                Appointment.status == "booked",
                Appointment.starts_at >= uow.now(),
            )
            .group_by(Appointment.client_id)
        ).all()
    )
    linked = _linked_profile_ids(uow, principal, ids)
    return {
        c.id: ClientRow(
            id=c.id,
            display_name=f"{c.last_name}, {c.first_name}",
            first_name=c.first_name,
            last_name=c.last_name,
            date_of_birth=c.date_of_birth,
            statuses=tuple(links[c.id]),
            provider_names=", ".join(s.provider_name for s in links[c.id]),
            next_appointment=upcoming.get(c.id),
            linked_profile_ids=tuple(sorted(linked[c.id])),
        )
        for c in clients
    }


def _linked_profile_ids(
    uow: UnitOfWork, principal: Principal, ids: list[int]
) -> dict[int, set[int]]:
    """For each client, the ids of their linked profiles the principal may see (both directions)."""
    pairs = uow.session.execute(
        select(LinkedProfile.client_id, LinkedProfile.other_client_id).where(
            or_(LinkedProfile.client_id.in_(ids), LinkedProfile.other_client_id.in_(ids))
        )
    ).all()
    linked: dict[int, set[int]] = defaultdict(set)
    if not pairs:
        return linked
    involved = sorted({client_id for pair in pairs for client_id in pair})
    visible = set(
        uow.session.scalars(
            select(Client.id).where(Client.id.in_(involved), visible_clients(principal, Client.id))
        )
    )
    asked = set(ids)
    for a, b in pairs:
        if a in asked and b in visible:
            linked[a].add(b)
        if b in asked and a in visible:
            linked[b].add(a)
    return linked
