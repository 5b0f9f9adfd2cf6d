"""The orders of the client list as queries of ids (`Part`): each order read from its index,
those in two parts (with a birth date or an upcoming appointment, then the others) one part
after the other. `client_list.py` pages them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import aliased

from ..db.tables import Appointment, Client
from .client_rows import PAGE_DETAILS
from .client_search import Matching

_OFFSET = bindparam("offset", type_=Integer, literal_execute=True)
_LIMIT = bindparam("limit", type_=Integer, literal_execute=True)


@dataclass(frozen=True)
class Part:
    """The matching ids of one part of the list (`query`, unordered, selecting `id`) and the keys
    it is ordered by."""

    query: Select
    id: ColumnElement[int]
    keys: tuple
    descending: bool
    #: the key a row has before its name: None, "date_of_birth" or "next_appointment".
    lead: str | None = None
    #: `clients` is joined in `query` (else the page joins it for the lines' details).
    clients: bool = True

    def after(self) -> Part:
        """The part from just past the row whose keys are the parameters `after_0`, `after_1`...,
        sought by the order's index (as quick far down as at the top)."""
        keys = tuple_(*self.keys)
        values = tuple_(*(bindparam(f"after_{i}", type_=k.type) for i, k in enumerate(self.keys)))
        later = keys < values if self.descending else keys > values
        return replace(self, query=self.query.where(later))

    def ordered(self) -> Select:
        return self.query.order_by(*_ordered(self.keys, self.descending))

    def page(self, deep: bool = False) -> Subquery:
        """The page's ids (`page_id`) with their keys (`key_0`...) and, unless `deep` (read at an
        offset), the lines' details, for the lines' statement; its parameters are `offset` and
        `limit`."""
        keys = [key.label(f"key_{i}") for i, key in enumerate(self.keys)]
        query, details = self.query, () if deep else PAGE_DETAILS
        if details and not self.clients:
            query = query.join(Client, Client.id == self.id)
        query = query.with_only_columns(
            self.id.label("page_id"), *keys, *details, maintain_column_froms=True
        )
        ordered = query.order_by(*_ordered(self.keys, self.descending))
        return ordered.offset(_OFFSET).limit(_LIMIT).subquery("page")

    def order_of(self, page: Subquery) -> list:
        keys = [page.c[f"key_{i}"] for i in range(len(self.keys))]
        return _ordered(keys, self.descending)


def is_upcoming(now: datetime):
    """A booked appointment at or after `now`."""
    return (Appointment.status == "booked", Appointment.starts_at >= now)


def _name_keys(found: Matching) -> list:
    if found.few:
        # Sort the few matches rather than walk the whole name index looking them up (SQLite).
        return [Client.sort_name.concat(""), Client.id]
    return [found.name, found.id]


def _ordered(keys, descending: bool) -> list:
    return [key.desc() if descending else key.asc() for key in keys]


def _has_clients(found: Matching) -> bool:
    """`with_clients` joins `clients` (or the source has it)."""
    return found.few or found.has_clients


def with_clients(found: Matching, query: Select, *, always: bool = False) -> Select:
    if (always or found.few) and not found.has_clients:
        return query.join(Client, Client.id == found.id)
    return query


def name_order(found: Matching, descending: bool) -> tuple[Part, ...]:
    """SELECT the matching ids in name order: the name index."""
    query = with_clients(found, found.select())
    keys = tuple(_name_keys(found))
    return (Part(query, found.id, keys, descending, clients=_has_clients(found)),)


def birth_date_order(found: Matching, descending: bool) -> tuple[Part, ...]:
    """Those with a birth date by it, then those without by name (nulls last, either way). Two
    queries, each read in order from the birth-date index in either direction; one query with
    NULLS LAST would sort every client when descending on PostgreSQL."""
    query = with_clients(found, found.select(), always=True)
    names = tuple(_name_keys(found))
    known = query.where(Client.date_of_birth.is_not(None))
    unknown = query.where(Client.date_of_birth.is_(None))
    return (
        Part(known, found.id, (Client.date_of_birth, *names), descending, "date_of_birth"),
        Part(unknown, found.id, names, descending),
    )


#: an upcoming appointment, and one of the same client that comes before it (the client's next
#: appointment is the upcoming one with none before it).
_UPCOMING = aliased(Appointment, name="upcoming")
_EARLIER = aliased(Appointment, name="earlier")


def next_appointment_order(found: Matching, now, descending: bool) -> tuple[Part, ...]:
    """Those with an upcoming appointment by its time, then the others by name (nulls last,
    either way). Many clients: read the upcoming appointments in time order from their index,
    each client at their first one, so a page stops after its rows; few: their next
    appointments, looked up one by one, sorted."""
    names = tuple(_name_keys(found))
    if found.few:
        upcoming = (
            select(func.min(Appointment.starts_at))
            .where(Appointment.client_id == found.id, *is_upcoming(now))
            .scalar_subquery()
        )
        query = with_clients(found, found.select())
        known = query.where(upcoming.is_not(None))
        first = Part(
            known, found.id, (upcoming, *names), descending, "next_appointment",
            _has_clients(found),
        )  # fmt: skip
    else:
        a, b = _UPCOMING, _EARLIER
        before = or_(b.starts_at < a.starts_at, and_(b.starts_at == a.starts_at, b.id < a.id))
        is_next = ~exists().where(
            b.client_id == a.client_id, b.status == "booked", b.starts_at >= now, before
        )
        query = (
            with_clients(found, found.select())
            .join(a, a.client_id == found.id)
            .where(a.status == "booked", a.starts_at >= now, is_next)
        )
        first = Part(
            query, found.id, (a.starts_at, *names), descending, "next_appointment",
            _has_clients(found),
        )  # fmt: skip
    none_booked = ~exists().where(Appointment.client_id == found.id, *is_upcoming(now))
    rest = with_clients(found, found.select().where(none_booked))
    rest_part = Part(rest, found.id, names, descending, clients=_has_clients(found))
    return first, rest_part
