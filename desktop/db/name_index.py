"""The words of each client's name, indexed for search as you type (`client_name_words`).

A client named "Élodie O'Brien-Dubois" is found by typing any word's beginning: "elo", "o'b",
"obr", "dub". The words are folded (lower case, accents and apostrophe styles made plain), so
"zoe" finds Zoë. One row per distinct word, carrying the client's `sort_name` so a search can
be sorted and paged from this table's index alone.

`shared` is how many leading characters a word shares with the client's previous word in sorted
order. A client's words that start with a prefix of length k are next to each other when sorted,
and only the first of them shares fewer than k characters with the word before it, so
``word`` in the prefix's range ``AND shared < k`` yields each client exactly once: counting and
paging need no DISTINCT.

The rows follow the client: whenever a client is inserted, or its `sort_name` changes, through
the ORM, its words are written again in the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
from os.path import commonprefix

from sqlalchemy import delete, event, insert, inspect

from .tables.clients import Client, ClientNameWord

#: the longest word kept, the column's length.
MAX_WORD = ClientNameWord.word.type.length or 100
#: the most words of a search that are matched; more are ignored.
MAX_SEARCH_WORDS = 6
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def fold(text: str) -> str:
    """`text` as the index keeps it: lower case, accents and ligatures made plain, one
    apostrophe."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold()


def _tokens(text: str) -> list[str]:
    return [token[:MAX_WORD] for token in _SEPARATORS.split(fold(text)) if token]


def name_words(sort_name: str) -> list[tuple[str, int]]:
    """The distinct words of a name, sorted, each with the length of the prefix it shares with
    the word before it. A word with an apostrophe is kept with and without it ("o'brien",
    "obrien")."""
    words: set[str] = set()
    for token in _tokens(sort_name):
        words.add(token)
        if "'" in token:
            bare = token.replace("'", "")
            if bare:
                words.add(bare)
    result, previous = [], ""
    for word in sorted(words):
        result.append((word, len(commonprefix([previous, word]))))
        previous = word
    return result


def search_words(text: str) -> list[str]:
    """The words of a name search, folded like the index; commas count as spaces."""
    return _tokens(text.replace(",", " "))[:MAX_SEARCH_WORDS]


def prefix_end(prefix: str) -> str | None:
    """The smallest text after every text starting with `prefix` (in code-point order), or None
    when there is none: words in [prefix, prefix_end) are exactly those starting with it."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            following = last + 1
            if 0xD800 <= following <= 0xDFFF:  # surrogates are not characters
                following = 0xE000
            return prefix[:-1] + chr(following)
        prefix = prefix[:-1]
    return None


def word_rows(client_id: int, sort_name: str) -> list[dict[str, object]]:
    """The `client_name_words` rows of one client."""
    return [
        {"client_id": client_id, "word": word, "shared": shared, "sort_name": sort_name}
        for word, shared in name_words(sort_name)
    ]


def _write_words(connection, client: Client) -> None:
    rows = word_rows(client.id, client.sort_name)
    connection.execute(delete(ClientNameWord).where(ClientNameWord.client_id == client.id))
    if rows:
        connection.execute(insert(ClientNameWord), rows)


@event.listens_for(Client, "after_insert")
def _client_inserted(_mapper, connection, client: Client) -> None:
    _write_words(connection, client)


@event.listens_for(Client, "after_update")
def _client_updated(_mapper, connection, client: Client) -> None:
    if inspect(client).attrs.sort_name.history.has_changes():
        _write_words(connection, client)
