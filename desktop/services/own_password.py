"""A person's own stored password hash, for the checks that ask for their password again (the
idle lock, a password change, the second factor's key).

On PostgreSQL no staff login reads `staff.password_hash` (SPEC B5: column grants); a person
signed in with their own login asks the database for theirs alone (`app.my_password_hash`).
IT's login and the embedded file read the column itself.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..db.tables import Staff
from ..db.uow import UnitOfWork


def password_hash_of(uow: UnitOfWork, staff: Staff) -> str:
    """The stored hash of `staff`'s password: theirs only, when a person is connected."""
    if uow.session.get_bind().dialect.name == "postgresql":
        me = uow.session.scalar(select(func.app.current_staff_id()))
        if me is not None:
            if me != staff.id:
                raise ValueError("a person reads no password hash but their own")
            return uow.session.scalar(select(func.app.my_password_hash()))
    return staff.password_hash
