"""What each line of the client list shows, fetched for a page of client ids at a time.

The statements are built once, with the ids, "now" and the principal as parameters: a list
fetches a page at every keystroke and scroll, and building SQL costs more than running it.
A page's lines are one statement (the details, the next appointment and the providers, one row
per open link); the linked profiles are read only for the lines that have one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery

from ..db.tables import Appointment, Client, ClientProviderLink, LinkedProfile, Staff
from ..db.uow import UnitOfWork
from .boundary import checked
from .policy import may_see_all_clients
from .policy.scopes import on_providers_list
from .principal import Principal, Role

#: ids per IN (...) list, well under every database's limit on parameters.
_CHUNK = 500


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


_IDS = bindparam("ids", expanding=True)

#: R1, R2 for a provider: the client is on their list (an open link).
_ON_MY_LIST = on_providers_list(Client.id, bindparam("me"))


def _next_appointment(client_id):
    """The client's next booked appointment at or after the parameter `now`."""
    return (
        select(func.min(Appointment.starts_at))
        .where(
            Appointment.client_id == client_id,
            Appointment.status == "booked",
            Appointment.starts_at >= bindparam("now"),
        )
        .scalar_subquery()
    )


def _has_linked(client_id):
    """The client has another profile linked (R14): read the pairs only for those that do."""
    return or_(
        exists().where(LinkedProfile.client_id == client_id),
        exists().where(LinkedProfile.other_client_id == client_id),
    )


_NEXT_APPOINTMENT = _next_appointment(Client.id)
_HAS_LINKED = _has_linked(Client.id)
#: the client's providers (an alias: the provider's own list in `_ON_MY_LIST` reads the table too).
_LINK = aliased(ClientProviderLink, name="link")
_OPEN_LINK = and_(_LINK.client_id == Client.id, _LINK.ended_at.is_(None))
#: a line's details and its providers: one row per open link (at least one per client), by
#: provider name. Two outer joins, not one to a nested join, which SQLite would build for every
#: link first.
_ROW_COLUMNS = (
    Client.id,
    Client.first_name,
    Client.last_name,
    Client.date_of_birth,
    _NEXT_APPOINTMENT,
    _HAS_LINKED,
    _LINK.provider_id,
    Staff.display_name,
    _LINK.status,
)
_ROWS = (
    select(*_ROW_COLUMNS)
    .select_from(Client)
    .outerjoin(_LINK, _OPEN_LINK)
    .outerjoin(Staff, Staff.id == _LINK.provider_id)
    .where(Client.id.in_(_IDS))
    .order_by(Client.id, Staff.display_name, Staff.id)
)
_VISIBLE = select(Client.id).where(Client.id.in_(_IDS))
_PAIRS = select(LinkedProfile.client_id, LinkedProfile.other_client_id).where(
    or_(LinkedProfile.client_id.in_(_IDS), LinkedProfile.other_client_id.in_(_IDS))
)


@checked
def client_rows(uow: UnitOfWork, principal: Principal, ids: Sequence[int]) -> list[ClientRow]:
    """The rows of these clients in the order given, without those the principal may not see."""
    with uow.reading():
        return rows_in(uow, principal, ids)


def rows_in(uow: UnitOfWork, principal: Principal, ids: Sequence[int]) -> list[ClientRow]:
    """`client_rows` inside an open unit of work."""
    found: dict[int, ClientRow] = {}
    for chunk in _chunks(list(dict.fromkeys(ids))):
        found.update(_rows_of_chunk(uow, principal, chunk))
    return [found[i] for i in ids if i in found]


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


#: each statement over `clients` as a group-wide role and as a provider may run it (R1, R2).
_FOR_EVERYONE = {"rows": _ROWS, "visible": _VISIBLE}
_FOR_A_PROVIDER = {name: statement.where(_ON_MY_LIST) for name, statement in _FOR_EVERYONE.items()}


def _visible_only(principal: Principal, name: str):
    """The statement `name` limited to the clients the principal may see; None when that is no
    client at all."""
    if may_see_all_clients(principal):
        return _FOR_EVERYONE[name]
    if principal.has(Role.PROVIDER):
        return _FOR_A_PROVIDER[name]
    return None


#: the client's details a page (`page_statement`) selects with its ids, from `clients`.
PAGE_DETAILS = (
    Client.first_name.label("first_name"),
    Client.last_name.label("last_name"),
    Client.date_of_birth.label("date_of_birth"),
)


def page_statement(
    principal: Principal, page: Subquery, order: Sequence, *, listed: bool = False
) -> Select | None:
    """The lines of one page of the list as one statement: `page` selects the page's client ids
    (column `page_id`), its keys and usually `PAGE_DETAILS` (`clients` read once, where the page
    is sought; a page read at a deep offset joins them after it, so the rows it skips are read
    from the index alone); `order` orders by those keys. Only clients the principal may see
    (parameter `me`: their staff id); None when that is no client at all. Its other parameter
    is `now`; the statement holds no value of its own, so it may be built once. `listed`: the
    page's clients come from the principal's own list already (My Clients, whose matching is
    the scope's), so it is not asked again of each line."""
    client_id = page.c.page_id
    link = aliased(ClientProviderLink, name="link")
    details = page.c if "first_name" in page.c else Client
    statement = (
        select(
            client_id,
            details.first_name,
            details.last_name,
            details.date_of_birth,
            _next_appointment(client_id),
            _has_linked(client_id),
            link.provider_id,
            Staff.display_name,
            link.status,
        )
        .select_from(page)
        .outerjoin(link, and_(link.client_id == client_id, link.ended_at.is_(None)))
        .outerjoin(Staff, Staff.id == link.provider_id)
        .order_by(*order, Staff.display_name, Staff.id)
    )
    if details is Client:
        statement = statement.join(Client, Client.id == client_id)
    if may_see_all_clients(principal):
        return statement
    if not principal.has(Role.PROVIDER):
        return None
    if listed:
        return statement
    return statement.where(on_providers_list(client_id, bindparam("me")))


def page_rows_in_transaction(
    uow: UnitOfWork, principal: Principal, statement: Select | None, values: dict
) -> list[ClientRow]:
    """The lines `statement` (from `page_statement`) reads with `values` (and `now`, `me`)."""
    if statement is None:
        return []
    values = {**values, "now": uow.now(), "me": principal.staff_id}
    found = uow.session.connection().execute(statement, values)
    return list(_lines(uow, principal, found.all()).values())


def _rows_of_chunk(uow: UnitOfWork, principal: Principal, ids: list[int]) -> dict[int, ClientRow]:
    statement = _visible_only(principal, "rows")
    if statement is None:
        return {}
    connection = uow.session.connection()
    found = connection.execute(
        statement, {"ids": ids, "now": uow.now(), "me": principal.staff_id}
    ).all()
    return _lines(uow, principal, found)


def _lines(uow: UnitOfWork, principal: Principal, found: Sequence) -> dict[int, ClientRow]:
    """The lines of rows of `_ROW_COLUMNS`, in the order their clients first come."""
    clients: dict[int, tuple] = {}
    links: dict[int, list[LinkStatus]] = defaultdict(list)
    for client_id, first, last, born, upcoming, has_linked, provider_id, name, status in found:
        clients.setdefault(client_id, (first, last, born, upcoming, has_linked))
        if provider_id is not None:
            links[client_id].append(LinkStatus(provider_id, name, status))
    with_linked = [client_id for client_id, details in clients.items() if details[4]]
    linked = _linked_profile_ids(uow, principal, with_linked) if with_linked else {}
    return {
        client_id: ClientRow(
            id=client_id,
            display_name=f"{last_name}, {first_name}",
            first_name=first_name,
            last_name=last_name,
            date_of_birth=born,
            statuses=tuple(links[client_id]),
            provider_names=", ".join(s.provider_name for s in links[client_id]),
            next_appointment=next_appointment,
            linked_profile_ids=tuple(sorted(linked.get(client_id, ()))),
        )
        for client_id, (first_name, last_name, born, next_appointment, _) in clients.items()
    }


def _linked_profile_ids(
    uow: UnitOfWork, principal: Principal, ids: list[int]
) -> dict[int, set[int]]:
    """For each client, the ids of their linked profiles the principal may see (both directions)."""
    connection = uow.session.connection()
    pairs = connection.execute(_PAIRS, {"ids": ids}).all()
    linked: dict[int, set[int]] = defaultdict(set)
    if not pairs:
        return linked
    involved = sorted({client_id for pair in pairs for client_id in pair})
    visible = set(
        connection.scalars(
            _visible_only(principal, "visible"), {"ids": involved, "me": principal.staff_id}
        )
    )
    asked = set(ids)
    for a, b in pairs:
        if a in asked and b in visible:
            linked[a].add(b)
        if b in asked and a in visible:
            linked[b].add(a)
    return linked
