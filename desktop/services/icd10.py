"""The ICD-10-CM code set (the CDC's April 2026 release, from the simple-icd-10-cm package):
billable codes with their descriptions, and a search by code or by words fast enough to run at
every keystroke. Loaded once, on first use (it takes a few seconds), then kept in memory."""

from __future__ import annotations

import heapq
import re
import warnings
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

#: what the code set is, for the screens.
CODE_SET = "ICD-10-CM, April 2026 release (fiscal year 2026)"
_CODE = re.compile(r"^[A-Za-z][0-9][0-9A-Za-z]?\.?[0-9A-Za-z]{0,4}$")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Diagnosis:
    """A billable ICD-10-CM code ("F41.1") and its description."""

    code: str
    description: str


@dataclass(frozen=True)
class _Index:
    #: by description length, then code: a code's position is its rank in a search.
    codes: list[Diagnosis]
    #: codes without dots, upper case, sorted, with their positions in `codes`.
    plain: list[tuple[str, int]]
    #: every word of the descriptions, sorted, with the codes it appears in.
    words: list[str]
    postings: dict[str, frozenset[int]]


@cache
def _index() -> _Index:
    with warnings.catch_warnings():  # the package reads its data with an older resources API
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm  # a few seconds: only when someone codes a diagnosis

        cm.get_all_codes()

    billable = dict.fromkeys(  # a few codes are listed twice: once each
        code
        for code in cm.get_all_codes(with_dots=True)
        if cm.is_leaf(code) and cm.is_category_or_subcategory(code)
    )
    codes = [Diagnosis(code, cm.get_description(code)) for code in billable]
    # shortest descriptions first: a search ranks its matches by their positions alone
    codes.sort(key=lambda d: (len(d.description), d.code))
    plain = sorted((d.code.replace(".", "").upper(), n) for n, d in enumerate(codes))
    postings: dict[str, set[int]] = {}
    for n, diagnosis in enumerate(codes):
        for word in set(_WORD.findall(diagnosis.description.lower())):
            postings.setdefault(word, set()).add(n)
    frozen = {word: frozenset(found) for word, found in postings.items()}
    return _Index(codes, plain, sorted(frozen), frozen)


def load() -> int:
    """Load the code set now (a screen does it before the first keystroke); how many codes."""
    return len(_index().codes)


def search_all() -> list[Diagnosis]:
    """Every billable code, in code order (for exports and the benchmark's baseline)."""
    index = _index()
    return [index.codes[n] for _code, n in index.plain]


def describe(code: str) -> Diagnosis | None:
    """The billable code `code` ("F411" or "F41.1"), or None when the code set has no such."""
    index = _index()
    key = code.replace(".", "").upper().strip()
    at = bisect_left(index.plain, (key, -1))
    if at < len(index.plain) and index.plain[at][0] == key:
        return index.codes[index.plain[at][1]]
    return None


def _by_code(index: _Index, text: str, limit: int) -> list[Diagnosis]:
    key = text.replace(".", "").upper()
    at = bisect_left(index.plain, (key, -1))
    found = []
    while at < len(index.plain) and index.plain[at][0].startswith(key) and len(found) < limit:
        found.append(index.codes[index.plain[at][1]])
        at += 1
    return found


def _word_matches(index: _Index, prefix: str) -> set[int]:
    """Codes whose description has a word starting with `prefix`."""
    found: set[int] = set()
    at = bisect_left(index.words, prefix)
    while at < len(index.words) and index.words[at].startswith(prefix):
        found |= index.postings[index.words[at]]
        at += 1
    return found


def search(text: str, limit: int = 40) -> list[Diagnosis]:
    """Billable codes matching what is typed: a code or its beginning ("F41", "f41.1"), or words
    that each begin a word of the description ("gen anx"), shortest descriptions first."""
    text = (text or "").strip()
    if not text:
        return []
    index = _index()
    if (_CODE.match(text) and any(ch.isdigit() for ch in text)) or (
        len(text) == 1 and text.isalpha()
    ):
        return _by_code(index, text, limit)
    words = sorted(set(_WORD.findall(text.lower())), key=len, reverse=True)
    if not words:
        return []
    found = _word_matches(index, words[0])
    for word in words[1:]:
        if not found:
            break
        found &= _word_matches(index, word)
    return [index.codes[n] for n in heapq.nsmallest(limit, found)]
