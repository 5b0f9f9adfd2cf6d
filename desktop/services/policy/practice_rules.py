"""Practice settings kept by its leaders: note templates (the Owner and Managers)."""

from __future__ import annotations

from ..principal import Principal, Role
from .decision import ALLOWED, Decision, refused


def may_keep_note_templates(principal: Principal) -> Decision:
    """The Owner and Managers add and edit the practice's note templates; everyone writing
    notes uses them."""
    if principal.has(Role.OWNER, Role.MANAGER):
        return ALLOWED
    return refused("R12", "Only the Owner or a Manager changes the practice's note templates.")
