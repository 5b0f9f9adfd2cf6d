"""Staff logins change only the columns the services write (column-level UPDATE grants, and a
trigger where people who change the same rows may change different columns). Rules only: no
table changes; the boundary refresh after the upgrade applies the new grants on PostgreSQL.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 16:30:00
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
