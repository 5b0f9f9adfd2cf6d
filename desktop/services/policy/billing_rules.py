"""R11 Billing: the fee schedule, charges, payments and superbills are the Owner's and the
Billers' work. A Manager runs staff and the schedule, not the practice's money, so is refused
like everyone else. Two faces: the decision and the SQL scope of the billing tables."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false

from ..principal import Principal
from .decision import Decision
from .scopes import visible_clients
from .staff_rules import may_use_billing


def may_keep_billing(principal: Principal) -> Decision:
    """R11: record and change billing (fee schedule, charges, payments, superbills): the
    Owner and Billers, the same people who open the Billing tab."""
    return may_use_billing(principal)


def billing_rows(principal: Principal, client_id_column) -> ColumnElement[bool]:
    """R11 scope: the charges and payments a principal reads: none without the Billing tab;
    with it, those of every client they see (R1, R17)."""
    if not may_use_billing(principal):
        return false()
    return visible_clients(principal, client_id_column)
