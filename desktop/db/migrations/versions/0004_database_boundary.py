"""The database enforces the rules on PostgreSQL (SPEC B5): roles, grants, row-level security,
an audit trail appended only through a function, and per-person logins. SQLite: nothing.

Needs a login that may create roles (IT's provisioning login, `clinicdesk db provision`).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

from alembic import op

from desktop.db import boundary

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        boundary.install(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        boundary.uninstall(op.get_bind())
