"""A row asked for by id that the server's rules hide from this person (PostgreSQL, SPEC B5).

On SQLite the service loads the row and its policy refuses with the rule; on a server the row
never reaches a person who may not read it. Both say the same: which rule keeps it from them,
not that it "no longer exists".
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..db.uow import UnitOfWork
from .errors import PermissionRefused

_WORDS = {
    ("clients", "R2"): "This client is not on your list, so their profile is not yours to open.",
    ("chart_notes", "R3"): "This note belongs to a chart you may not read.",
    ("documents", "R3"): "This document belongs to a chart you may not read.",
    ("documents", "R2"): "This document belongs to a client who is not on your list.",
}


def refuse_if_hidden(uow: UnitOfWork, table: str, row_id: int) -> None:
    """Raise PermissionRefused when the row exists but the server's rules hide it; return
    when it does not exist (or on SQLite, where nothing is hidden)."""
    if uow.session.get_bind().dialect.name != "postgresql":
        return
    rule = uow.session.scalar(select(func.app.hidden_by_rule(table, row_id)))
    if rule is not None:
        raise PermissionRefused(rule, _WORDS[(table, rule)])
