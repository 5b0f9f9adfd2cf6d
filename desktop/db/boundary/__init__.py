"""The database as the last line of defence on PostgreSQL (SPEC B5): roles, grants, row-level
security and the functions that staff logins may call. SQLite has none.

Two parts, so that the rules on the server are always those of the release that upgraded it:

- `install` (schema 0004, once): the roles, the `app` schema and its two tables. It runs inside
  the upgrade's transaction, as a role that may create roles (IT's provisioning login). Role
  names are made from the database's name (`BoundaryRoles`), because roles belong to the whole
  server while one server may hold several databases.
- `refresh` (after every upgrade to this release's head): the `app` functions, every policy,
  the ownership of every table and the grants, from this release's code. Policies and functions
  may therefore name any table of the head schema. A release that changes them without a new
  table still adds a migration, so that `db upgrade` runs and refreshes.
"""

from __future__ import annotations

from sqlalchemy import Connection

from . import audit_sql, emergency_sql, logins_sql, policies_sql, roles_sql
from .names import BoundaryRoles, gate_login_name, login_name, roles_for_database

__all__ = [
    "BoundaryRoles",
    "gate_login_name",
    "install",
    "installed",
    "login_name",
    "refresh",
    "roles_for_database",
    "uninstall",
]


def install(connection: Connection) -> BoundaryRoles:
    """Create (or reuse) the roles and the `app` schema; `refresh` then opens the doors."""
    database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
    roles = roles_for_database(database)
    for statement in roles_sql.statements(connection, roles):
        _run(connection, statement)
    return roles


def installed(connection: Connection) -> bool:
    """Whether schema 0004 has built the boundary in this database."""
    found = connection.exec_driver_sql("SELECT to_regclass('app.boundary_roles') IS NOT NULL")
    return bool(found.scalar_one())


def refresh(connection: Connection) -> BoundaryRoles:
    """Re-apply this release's functions, policies, ownership and grants (idempotent)."""
    roles = _recorded_roles(connection)
    for statement in (
        *roles_sql.function_statements(roles),
        *emergency_sql.function_statements(roles),
        *audit_sql.statements(roles),
        *logins_sql.statements(roles),
        *policies_sql.drop_statements(),
        *policies_sql.statements(roles),
        *roles_sql.closing_statements(roles),
    ):
        _run(connection, statement)
    return roles


def uninstall(connection: Connection) -> None:
    """Undo `install` and `refresh` for this database (the roles stay: other databases use them)."""
    roles = _recorded_roles(connection)
    for statement in (
        *policies_sql.drop_statements(),
        *policies_sql.disable_statements(),
        *roles_sql.drop_statements(roles),
    ):
        _run(connection, statement)


def _recorded_roles(connection: Connection) -> BoundaryRoles:
    # The names recorded at install: a database copied from another keeps the original's roles.
    row = connection.exec_driver_sql(
        "SELECT owner_role, staff_role, logins_role, gate_role FROM app.boundary_roles"
    ).one()
    return BoundaryRoles(*row)


def _run(connection: Connection, statement: str) -> None:
    # Straight to the driver without parameters: the SQL's own % signs stay as they are.
    connection.connection.driver_connection.execute(statement)
