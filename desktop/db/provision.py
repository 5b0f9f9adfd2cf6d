"""IT's one-time set-up of a practice's server (`clinicdesk db provision`), after the upgrade:
the sign-in gate's login, a login for every active staff member who has none, and the lines
of pg_hba.conf that let staff and the gate in. Runs as IT's login (superuser, or CREATEROLE
and a member of the owner role); nothing here is reachable from a workstation's staff login.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from .boundary import gate_login_name
from .boundary.names import BoundaryRoles


def boundary_roles(connection: Connection) -> BoundaryRoles:
    """The roles this database was installed with (a copied database keeps the original's)."""
    row = connection.execute(
        text("SELECT owner_role, staff_role, logins_role, gate_role FROM app.boundary_roles")
    ).one()
    return BoundaryRoles(*row)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_gate(connection: Connection, verifier: str) -> str:
    """Create (or give a new password to) the sign-in gate's login; its name.

    The login is a member of the gate role and holds nothing else: it may connect and call
    `app.record_failed_sign_in`. `verifier` is a SCRAM-SHA-256 verifier, never a password."""
    if not verifier.startswith("SCRAM-SHA-256$") or "'" in verifier:
        raise ValueError("the gate's password reaches the server only as a SCRAM verifier")
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    login = gate_login_name(database)
    roles = boundary_roles(connection)
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": login}
    ).first()
    if exists:
        connection.exec_driver_sql(f"ALTER ROLE {_quoted(login)} LOGIN PASSWORD '{verifier}'")
    else:
        connection.exec_driver_sql(f"CREATE ROLE {_quoted(login)} LOGIN PASSWORD '{verifier}'")
    # It inherits the gate's one right; the gate is a member of nothing.
    connection.exec_driver_sql(f"GRANT {_quoted(roles.gate)} TO {_quoted(login)}")
    return login


def staff_without_login(connection: Connection) -> list[tuple[int, str, str]]:
    """(id, email, name) of every active staff member who has no login on this server yet."""
    rows = connection.execute(
        text(
            "SELECT s.id, s.email, s.display_name FROM public.staff s"
            " WHERE s.active AND NOT EXISTS"
            " (SELECT 1 FROM app.staff_logins l WHERE l.staff_id = s.id) ORDER BY s.id"
        )
    )
    return [(row[0], row[1], row[2]) for row in rows]


def hba_lines(database: str, roles: BoundaryRoles, network: str) -> str:
    """What IT adds to pg_hba.conf: staff and the gate over TLS with SCRAM-SHA-256 only."""
    gate = gate_login_name(database)
    width = max(len(database), 8)
    return "\n".join(
        (
            f"# {'TYPE':<8} {'DATABASE':<{width}} {'USER':<{len(roles.staff) + 1}} "
            f"{'ADDRESS':<18} METHOD",
            f"hostssl  {database:<{width}} +{roles.staff} {network:<18} scram-sha-256",
            f"hostssl  {database:<{width}} {gate:<{len(roles.staff) + 1}} {network:<18} "
            "scram-sha-256",
        )
    )
