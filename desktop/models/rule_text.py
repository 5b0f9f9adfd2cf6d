"""Reasons in plain words: the SPEC rule code ("(R5)") kept apart from what a person reads."""

from __future__ import annotations

import re

#: " (R5)" or " (R3, R5)" at the end of a sentence or before its full stop.
_RULE_CODES = re.compile(r"\s*\((?:[RB]\d+)(?:\s*,\s*[RB]\d+)*\)(?=\s*\.?\s*$)")
_CODE = re.compile(r"[RB]\d+")


def plain_reason(text: str) -> str:
    """The reason without its rule code: "Only the Owner adds staff (R12)." -> "… staff."."""
    match = _RULE_CODES.search(text)
    if match is None:
        return text
    return text[: match.start()] + text[match.end() :]


def rule_codes(text: str) -> list[str]:
    """The rule codes a reason ends with ("R3", "R5"), for a details tooltip or the log."""
    match = _RULE_CODES.search(text)
    return _CODE.findall(match.group(0)) if match else []


def details_text(rules: list[str] | tuple[str, ...]) -> str:
    """The line IT reads in a tooltip: which rule of the access rules decided this."""
    codes = [code for code in rules if code]
    if not codes:
        return ""
    word = "rule" if len(codes) == 1 else "rules"
    return f"Details: {word} {', '.join(codes)} of the practice's access rules."
