"""The index of name words: folding, the "shared" prefix that makes each client count once, and
keeping the rows in step with the clients table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text

from desktop.db.name_index import fold, name_words, prefix_end, search_words, word_rows
from desktop.db.tables import Client, ClientNameWord
from desktop.db.uow import UnitOfWork

from . import add_client


def test_words_are_folded_split_on_spaces_and_hyphens_and_sorted() -> None:
    assert name_words("o'brien-dubois élodie") == [
        ("dubois", 0),
        ("elodie", 0),
        ("o'brien", 0),
        ("obrien", 1),
    ]
    assert fold("Zoë ＡＢＣ ﬁona Søren") == "zoe abc fiona søren"
    assert fold("O’Brien") == "o'brien"


def test_a_repeated_word_is_kept_once_and_a_long_one_is_cut() -> None:
    assert name_words("ana ana") == [("ana", 0)]
    assert name_words("x" * 150 + " y") == [("x" * 100, 0), ("y", 0)]


def test_search_words_treat_commas_as_spaces_and_keep_six() -> None:
    assert search_words("  Chen,Amelia ") == ["chen", "amelia"]
    assert search_words(", - ,") == []
    assert len(search_words("a b c d e f g h")) == 6


def test_prefix_end_is_the_first_text_after_every_text_with_the_prefix() -> None:
    assert prefix_end("gr") == "gs"
    assert prefix_end("a\U0010ffff") == "b"
    assert prefix_end("\U0010ffff") is None
    assert prefix_end("\ud7ff") == "\ue000"  # surrogates are not characters


def _matches(names: dict[int, str], prefix: str) -> list[int]:
    """The clients a prefix search finds, read the way the database reads the index."""
    end = prefix_end(prefix)
    return sorted(
        client_id
        for client_id, name in names.items()
        for word, shared in name_words(name)
        if word >= prefix and (end is None or word < end) and shared < len(prefix)
    )


_NAME = st.text(alphabet="abcé' -", min_size=1, max_size=24)


@given(names=st.dictionaries(st.integers(1, 50), _NAME, max_size=12), prefix=_NAME)
def test_a_prefix_range_finds_each_client_with_such_a_word_exactly_once(names, prefix) -> None:
    (prefix_word, *_) = search_words(prefix) or ["a"]
    expected = sorted(
        client_id
        for client_id, name in names.items()
        if any(word.startswith(prefix_word) for word, _ in name_words(name))
    )
    assert _matches(names, prefix_word) == expected


def _add_client(uow: UnitOfWork, first: str, last: str) -> int:
    with uow:
        client = add_client(uow.session, first, last)
        uow.commit()
        return client.id


def _words(engine: Engine, client_id: int) -> list[tuple[str, int, str]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(ClientNameWord.word, ClientNameWord.shared, ClientNameWord.sort_name)
                .where(ClientNameWord.client_id == client_id)
                .order_by(ClientNameWord.word)
            )
        ]


def test_a_new_client_gets_its_words_and_a_renamed_one_new_words(
    engine: Engine, uow_factory
) -> None:
    uow = uow_factory
    client_id = _add_client(uow(), "Zoë", "Okafor-Smith")
    assert _words(engine, client_id) == [
        ("okafor", 0, "okafor-smith zoë"),
        ("smith", 0, "okafor-smith zoë"),
        ("zoe", 0, "okafor-smith zoë"),
    ]
    with uow() as work:
        client = work.session.get(Client, client_id)
        client.last_name, client.sort_name = "Oakes", "oakes zoë"
        work.commit()
    assert _words(engine, client_id) == [("oakes", 0, "oakes zoë"), ("zoe", 0, "oakes zoë")]


def test_saving_a_client_without_renaming_keeps_its_words(engine: Engine, uow_factory) -> None:
    client_id = _add_client(uow_factory(), "Ana", "Lee")
    with engine.begin() as connection:  # mark the rows, to see whether they are rewritten
        connection.execute(text("UPDATE client_name_words SET sort_name = 'marked'"))
    with uow_factory() as work:
        work.session.get(Client, client_id).email = "ana@example.test"
        work.commit()
    assert _words(engine, client_id) == [("ana", 0, "marked"), ("lee", 0, "marked")]


@pytest.mark.parametrize("sort_name", ["chen amelia", "o'brien-dubois élodie", "x"])
def test_word_rows_carry_the_client_and_its_sort_name(sort_name: str) -> None:
    rows = word_rows(7, sort_name)
    assert {row["client_id"] for row in rows} == {7}
    assert {row["sort_name"] for row in rows} == {sort_name}
    assert [(row["word"], row["shared"]) for row in rows] == name_words(sort_name)
