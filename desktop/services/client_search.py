"""Which clients a list shows (R1) and what a search matches, as SQL for the client list.

A name search reads `client_name_words` (every typed word the beginning of a word of the name,
in any order); My Clients reads the provider's open links; a birth date, email or phone search
and the rest of All Clients read `clients`. Each gives one row per client, so the list counts
and pages without DISTINCT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    false,
    func,
    join,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import True_

from ..db.name_index import prefix_end, search_words
from ..db.tables import Client, ClientNameWord, ClientProviderLink
from ..db.tables.clients import FIRST_LETTERS, LINK_STATUSES
from .errors import InvalidInput
from .policy.scopes import linked_client_ids, visible_clients
from .principal import Principal

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE = re.compile(r"^[\d\s()+.\-]*\d{3}[\d\s()+.\-]*$")


def _like(text: str) -> str:
    """`text` for a LIKE pattern with "/" as the escape character: % and _ match themselves."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _normalized(search: str) -> str:
    return " ".join((search or "").replace(",", " ").split()).lower()[:200]


def _birth_date(text: str) -> date | None:
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _contact_condition(text: str) -> ColumnElement[bool] | None:
    """A YYYY-MM-DD date of birth, or an email or phone number containing the text; None for a
    name search."""
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
    return None


def _word_prefix(column, prefix: str) -> list[ColumnElement[bool]]:
    """`column` starts with `prefix`, as a range the word index answers."""
    conditions = [column >= prefix]
    end = prefix_end(prefix)
    if end is not None:
        conditions.append(column < end)
    return conditions


def _clients_with_word(prefix: str):
    """SELECT the ids of the clients with a name word starting with `prefix`."""
    return select(ClientNameWord.client_id).where(*_word_prefix(ClientNameWord.word, prefix))


def name_search_conditions(client_id, text: str) -> list[ColumnElement[bool]]:
    """Conditions on a client id column: every word of `text` begins a word of the client's
    name (any order, accents and apostrophes folded). No words, no conditions."""
    return [client_id.in_(_clients_with_word(word)) for word in search_words(text)]


@dataclass(frozen=True)
class Matching:
    """The matching clients, one row each: where they are read from, their id column, the name
    column to sort by, and the conditions (a list, so the scope's can be added)."""

    #: `clients`; a provider's open links joined to `clients`; or the name words.
    source: FromClause
    id: ColumnElement[int]
    name: ColumnElement[str]
    conditions: list[ColumnElement[bool]]
    #: `clients` is part of `source`, so its columns may be sorted by.
    has_clients: bool = True
    #: few clients match (a contact search, or one provider's list): sorting them is quicker
    #: than walking the whole name index for them.
    few: bool = False

    def select(self, *columns) -> Select:
        return select(*(columns or (self.id,))).select_from(self.source).where(*self.conditions)


def matching(principal: Principal, scope: str, search: str, status: str | None) -> Matching:
    """R1 and the search: which clients the list shows.

    A name search reads `client_name_words` (each typed word the beginning of a word of the
    name, in any order; the longest typed word through the index, one row per client). My
    Clients reads the provider's open links (one per client). A birth date, email or phone
    search and the rest of All Clients read `clients`.
    """
    if status and status not in LINK_STATUSES:
        raise InvalidInput("Choose active, inactive or discharged.", field="status")
    text = _normalized(search)
    contact = _contact_condition(text) if text else None
    words = search_words(text) if text and contact is None else []
    if text and contact is None and not words:  # only separators typed: no name matches
        return Matching(Client.__table__, Client.id, Client.sort_name, [false()])
    if words:
        found = _name_search(words)
    elif scope == "mine":
        return _my_clients(principal, status, contact)
    else:
        conditions = [] if contact is None else [contact]
        few = contact is not None
        found = Matching(Client.__table__, Client.id, Client.sort_name, conditions, few=few)
    found.conditions.extend(_scope_conditions(principal, scope, status, found.id))
    return found


#: the name words a search reads, and a provider's open links (My Clients); made once, as
#: SQLAlchemy caches the statements built on them.
_MATCHED = aliased(ClientNameWord, name="matched")
_MINE = aliased(ClientProviderLink, name="mine")


#: the name word's column of its first letters, by how many letters (the index of each reads
#: each client once, in list order).
_FIRST_LETTERS = dict((letters, column) for column, letters in FIRST_LETTERS)


def _driving_word(words_of, prefix: str) -> list[ColumnElement[bool]]:
    """The words starting with `prefix`, each client once. One or two letters match many
    clients: compared with the word's first letters (`shared` as a literal, as in the index's
    condition), so the page is read from their index in list order and stops after its rows;
    longer prefixes are a range of the word index, few enough to sort."""
    letters = len(prefix)
    column = _FIRST_LETTERS.get(letters)
    if column is not None:
        return [getattr(words_of, column) == prefix, words_of.shared < literal_column(str(letters))]
    return [*_word_prefix(words_of.word, prefix), words_of.shared < letters]


def _name_search(words: list[str]) -> Matching:
    """The clients with a name word starting with each of `words`: the longest word (the fewest
    matches) read through the index, once per client; the others as conditions."""
    driving = max(words, key=len)
    others = list(words)
    others.remove(driving)
    words_of = _MATCHED
    conditions = _driving_word(words_of, driving)
    conditions += [words_of.client_id.in_(_clients_with_word(word)) for word in others]
    return Matching(words_of, words_of.client_id, words_of.sort_name, conditions, False)


def _my_clients(
    principal: Principal, status: str | None, contact: ColumnElement[bool] | None
) -> Matching:
    """R1: the clients on the principal's list, from their open links (one per client)."""
    mine = _MINE
    conditions = [mine.provider_id == principal.staff_id, mine.ended_at.is_(None)]
    if status:
        conditions.append(mine.status == status)
    if contact is None:  # counted from the links alone; joined to `clients` to be sorted
        return Matching(mine, mine.client_id, Client.sort_name, conditions, False, few=True)
    source = join(mine, Client, Client.id == mine.client_id)
    return Matching(source, mine.client_id, Client.sort_name, [*conditions, contact], few=True)


def _scope_conditions(
    principal: Principal, scope: str, status: str | None, client_id
) -> list[ColumnElement[bool]]:
    """My Clients or All Clients (R1), and the status filter, on a client id column."""
    if scope == "mine":
        conditions = [client_id.in_(linked_client_ids(principal.staff_id))]
    else:
        visible = visible_clients(principal, client_id)
        conditions = [] if isinstance(visible, True_) else [visible]
    if status:
        with_status = select(ClientProviderLink.client_id).where(
            ClientProviderLink.ended_at.is_(None), ClientProviderLink.status == status
        )
        if scope == "mine":
            with_status = with_status.where(ClientProviderLink.provider_id == principal.staff_id)
        conditions.append(client_id.in_(with_status))
    return conditions
