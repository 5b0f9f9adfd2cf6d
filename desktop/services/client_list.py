"""The client list (R1): "My Clients" and "All Clients", searched, sorted and paged by the database.

Which clients match is `client_search.py`; this orders and pages them. A page is the ids in
order and how many match; the details of its rows (providers, next appointment, linked
profiles) come from `client_rows.py` for those ids only, so 200,000 clients cost one page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, Subquery, func, select

from ..db.tables import Appointment, Client
from ..db.uow import UnitOfWork
from .boundary import checked
from .client_rows import ClientRow, rows_in
from .client_search import Matching, matching
from .errors import InvalidInput
from .policy import may_see_all_clients, refused
from .principal import Principal

SCOPES = ("mine", "all")
SORTS = ("name", "date_of_birth", "next_appointment")
#: the most rows one page may hold.
MAX_PAGE = 1000


@dataclass(frozen=True)
class ClientPage:
    """One page of the list and how many rows match in all."""

    rows: list[ClientRow]
    total: int
    #: the page's client ids in order (a row the principal may no longer see has no ClientRow).
    ids: list[int] = field(default_factory=list)


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


def _ordered_ids(found: Matching, now: datetime, sort: str, descending: bool) -> Select:
    """SELECT the matching ids in the list's order; nulls always last."""
    if sort not in SORTS:
        raise InvalidInput("Sort by name, date of birth or next appointment.", field="sort")
    query = found.select()
    keys = []
    if (sort == "date_of_birth" or found.few) and not found.has_clients:
        query = query.join(Client, Client.id == found.id)
    if sort == "date_of_birth":
        keys.append(Client.date_of_birth)
    elif sort == "next_appointment":
        upcoming = _next_appointments(now)
        query = query.outerjoin(upcoming, upcoming.c.client_id == found.id)
        keys.append(upcoming.c.starts_at)
    if found.few:
        # Sort the few matches rather than walk the whole name index looking them up (SQLite).
        keys += [Client.sort_name.concat(""), Client.id]
    else:
        keys += [found.name, found.id]
    ordering = [key.desc() if descending else key.asc() for key in keys]
    if sort != "name":
        ordering[0] = ordering[0].nulls_last()
    return query.order_by(*ordering)


def _query_parts(
    principal: Principal,
    now: datetime,
    scope: str,
    search: str,
    status: str | None,
    sort: str,
    descending: bool,
) -> tuple[Matching, Select]:
    _require_list(principal, scope)
    found = matching(principal, scope, search or "", status)
    return found, _ordered_ids(found, now, sort, descending)


@checked
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
    """One page of "My Clients" (scope "mine") or "All Clients" (scope "all", R1), and how
    many clients match in all."""
    with uow:
        found, ordered = _query_parts(principal, uow.now(), scope, search, status, sort, descending)
        page = ordered.offset(max(0, offset)).limit(max(1, min(limit, MAX_PAGE)))
        connection = uow.session.connection()
        ids = connection.scalars(page).all()
        total = connection.scalar(found.select(func.count()))
        return ClientPage(rows=rows_in(uow, principal, ids), total=total or 0, ids=list(ids))


@checked
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
    with uow:
        _found, ordered = _query_parts(
            principal, uow.now(), scope, search, status, sort, descending
        )
        return uow.session.connection().scalars(ordered).all()
