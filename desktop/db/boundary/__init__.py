"""The database as the last line of defence on PostgreSQL (SPEC B5): roles, grants, row-level
security and the functions that staff logins may call. Built by migration 0004; SQLite has none.

`install` runs inside the upgrade's transaction, as a role that may create roles (IT's
provisioning login). Role names are made from the database's name (`BoundaryRoles`), because
roles belong to the whole server while one server may hold several databases.
"""

from __future__ import annotations

from sqlalchemy import Connection

from . import audit_sql, logins_sql, policies_sql, roles_sql
from .names import BoundaryRoles, gate_login_name, login_name, roles_for_database

__all__ = [
    "BoundaryRoles",
    "gate_login_name",
    "install",
    "login_name",
    "roles_for_database",
    "uninstall",
]


def install(connection: Connection) -> BoundaryRoles:
    """Create (or reuse) the roles, hand every table to the schema owner, and close the schema."""
    database = connection.exec_driver_sql("SELECT current_database()").scalar_one()
    roles = roles_for_database(database)
    for statement in (
        *roles_sql.statements(connection, roles),
        *audit_sql.statements(roles),
        *logins_sql.statements(roles),
        *policies_sql.statements(roles),
        *roles_sql.closing_statements(roles),
    ):
        _run(connection, statement)
    return roles


def uninstall(connection: Connection) -> None:
    """Undo `install` for this database (the roles stay: other databases may use them)."""
    # The names recorded at install: a database copied from another keeps the original's roles.
    row = connection.exec_driver_sql(
        "SELECT owner_role, staff_role, logins_role, gate_role FROM app.boundary_roles"
    ).one()
    roles = BoundaryRoles(*row)
    for statement in (*policies_sql.drop_statements(), *roles_sql.drop_statements(roles)):
        _run(connection, statement)


def _run(connection: Connection, statement: str) -> None:
    # Straight to the driver without parameters: the SQL's own % signs stay as they are.
    connection.connection.driver_connection.execute(statement)
