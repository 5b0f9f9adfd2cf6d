"""`clinicdesk audit verify | export`: prove the trail is unaltered; export a period as CSV."""

from __future__ import annotations

import argparse

from ..app import build_context
from ..config import Config
from ..private_files import open_owner_only
from ..services import audit
from ..services.errors import ServiceError
from ..services.policy import may_read_audit
from .authenticate import NotAuthenticated, authenticate, finish


def run(args: argparse.Namespace, config: Config) -> int:
    from ..cli import _fail, parse_day

    ctx = build_context(config, create=False)  # a path that does not exist is refused
    caller = None
    try:
        try:
            caller = authenticate(ctx, args)
        except NotAuthenticated as refused:
            return _fail(str(refused))
        principal = caller.principal
        if principal is not None and not may_read_audit(principal):
            return _fail("Only the Owner or a Record Custodian can read the audit trail.")
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
        if principal is None:
            return _fail("An export is made by a person: sign in with --email.")
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
        if caller is not None:
            finish(ctx, caller)
        ctx.close()
