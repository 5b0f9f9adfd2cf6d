"""Names of the PostgreSQL roles of one practice's database, and of each person's login."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

#: room left in PostgreSQL's 63-byte names for the suffixes below.
_PREFIX_LENGTH = 40


@dataclass(frozen=True)
class BoundaryRoles:
    """The roles of one database: who owns the schema, who carries staff grants, and so on."""

    #: NOLOGIN; owns every table and function. IT's upgrade login becomes it (SET ROLE).
    owner: str
    #: NOLOGIN; carries the grants every staff login receives (member of nothing else).
    staff: str
    #: NOLOGIN with CREATEROLE; owns only the functions that create and disable logins.
    logins: str
    #: the sign-in gate: may call the failed sign-in function and nothing else.
    gate: str


def role_prefix(database: str) -> str:
    """The database's name in lower case, letters, digits and underscores only."""
    return re.sub(r"[^a-z0-9_]", "_", database.lower())[:_PREFIX_LENGTH]


def roles_for_database(database: str) -> BoundaryRoles:
    prefix = role_prefix(database)
    return BoundaryRoles(
        owner=f"{prefix}_owner",
        staff=f"{prefix}_staff",
        logins=f"{prefix}_logins",
        gate=f"{prefix}_gate",
    )


def login_name(database: str, email: str) -> str:
    """A person's login on the server: the database's prefix and a digest of their email.

    The app computes it from the email typed at sign-in, so no list of logins is ever asked
    for; the server function `app.login_name` computes the same name.
    """
    digest = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:16]
    return f"{role_prefix(database)}_{digest}"


def gate_login_name(database: str) -> str:
    """The sign-in gate's login (a member of the database's gate role, with its password kept
    once per workstation): the one login that may record a failed sign-in and nothing else."""
    return f"{role_prefix(database)}_signin_gate"
