"""`clinicdesk audit verify | export`: prove the trail is unaltered; export a period as CSV."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from ..app import build_context
from ..config import Config
from ..db.tables import Staff
from ..private_files import open_owner_only
from ..services import audit
from ..services.auth import principal_for
from ..services.errors import ServiceError


def run(args: argparse.Namespace, config: Config) -> int:
    from ..cli import _fail, parse_day

    ctx = build_context(config)
    try:
        if args.audit_command == "verify":
            result = audit.verify_chain(ctx.uow())
            if result.ok:
                print(
                    f"The audit trail of {ctx.database_label} is intact: {result.checked} entries verified."
                )
                return 0
            print(
                f"The audit trail of {ctx.database_label} has been tampered with: {result.problem} "
                f"(entry {result.first_bad_seq}; {result.checked} entries before it are intact)."
            )
            return 3
        start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
        with ctx.uow() as uow:
            staff = uow.session.scalars(
                select(Staff).where(Staff.email == args.email.lower())
            ).one_or_none()
            if staff is None or not staff.active:
                return _fail(f"No active staff member signs in as {args.email}.")
            principal = principal_for(staff, ctx.workstation)
        try:
            with open_owner_only(args.output) as out:
                count = audit.export_csv(ctx.uow(), principal, out, start, end)
        except ServiceError as error:
            args.output.unlink(missing_ok=True)
            return _fail(error.message)
        except OSError as error:
            return _fail(f"Cannot write {args.output}: {error.strerror}.")
        print(f"Exported {count} audit entries to {args.output}.")
        return 0
    finally:
        ctx.close()
