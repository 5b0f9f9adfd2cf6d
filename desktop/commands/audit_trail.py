"""`clinicdesk audit verify | export | checkpoint | new-key`: prove the trail is unaltered,
export a period as CSV, sign and export checkpoints (B6, B8)."""

from __future__ import annotations

import argparse
import sys

from ..app import AppContext, StartupError, build_context
from ..config import Config
from ..private_files import open_owner_only
from ..services import audit, checkpoints
from ..services.audit_key import AuditKey, write_key_file
from ..services.audit_key import workstation_key as find_workstation_key
from ..services.errors import ServiceError
from ..services.policy import may_read_audit
from ..services.principal import Principal
from .authenticate import NotAuthenticated, authenticate, finish


def run(args: argparse.Namespace, config: Config) -> int:
    from ..cli import fail

    if args.audit_command == "new-key":
        try:
            return _new_key(args)
        except ServiceError as error:
            return fail(error.message)
    # Never a new empty database: a path that does not exist is a mistake to report.
    ctx = build_context(config, create=False)
    caller = None
    try:
        try:
            caller = authenticate(ctx, args)
        except NotAuthenticated as refused:
            return fail(str(refused))
        principal = caller.principal
        if principal is not None and not may_read_audit(principal):
            return fail("Only the Owner or a Record Custodian can read the audit trail.")
        if args.audit_command == "verify":
            return _verify(ctx, args)
        if args.audit_command == "checkpoint":
            return _checkpoint(ctx, args)
        if principal is None:
            return fail("An export is made by a person: sign in with --email.")
        return _export(ctx, args, principal)
    except ServiceError as error:
        return fail(error.message)
    finally:
        if caller is not None:
            finish(ctx, caller)
        ctx.close()


def _key(ctx: AppContext, create: bool) -> AuditKey | None:
    return find_workstation_key(ctx.config.audit_key_file, ctx.embedded, create=create)


class _ProgressLine:
    """ "Verifying… 42% (420,000 of 1,000,000 entries)" rewritten in place on a terminal; nothing
    when the output goes to a file or another program."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.shown = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.shown:
            return
        share = done * 100 // total if total else 100
        print(f"\r{self.what}… {share}% ({done:,} of {total:,} entries)", end="", file=sys.stderr)
        sys.stderr.flush()

    def end(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _verify(ctx: AppContext, args: argparse.Namespace) -> int:
    exported = checkpoints.read_checkpoint_file(args.checkpoints) if args.checkpoints else None
    key = _key(ctx, create=False)
    public_keys = [key.public_hex] if key else []
    if exported is not None:
        public_keys.append(exported.public_key)
    line = _ProgressLine("Verifying the audit trail")
    try:
        result = audit.verify_chain(
            ctx.uow(),
            public_keys=public_keys,
            exported=exported.checkpoints if exported else (),
            progress=line,
        )
    finally:
        line.end()
    if not result.ok:
        where = f"entry {result.first_bad_seq}" if result.first_bad_seq else "a checkpoint"
        print(
            f"The audit trail of {ctx.database_label} has been tampered with: {result.problem} "
            f"({where}; {result.checked} entries before it are intact)."
        )
        return 3
    if not result.checkpoints:
        signed = "no signed checkpoint yet"
    elif result.signatures_checked:
        signed = f"{result.checkpoints} signed checkpoints checked"
    else:
        signed = (
            f"{result.checkpoints} checkpoints match, but their signatures were not checked: "
            "this computer has no audit key; give --checkpoints FILE"
        )
    print(
        f"The audit trail of {ctx.database_label} is intact: {result.checked} entries verified, "
        f"{signed}."
    )
    return 0


def _checkpoint(ctx: AppContext, args: argparse.Namespace) -> int:
    from ..cli import fail

    key = _key(ctx, create=True)
    if key is None:
        return fail(
            "This computer holds no audit signing key. Name the key file IT keeps in the site "
            "configuration ([audit] signing_key); see the IT guide."
        )
    point = checkpoints.sign_checkpoint(ctx.uow(), key, ctx.workstation)
    count = _write_checkpoints(ctx, key, args.output)
    print(f"Signed the audit trail up to entry {point.seq}; {count} checkpoints in {args.output}.")
    return 0


def _write_checkpoints(ctx: AppContext, key: AuditKey, path) -> int:
    try:
        with open_owner_only(path) as out:
            return checkpoints.write_checkpoint_file(
                out, key.public_hex, checkpoints.stored_checkpoints(ctx.uow())
            )
    except OSError as error:
        raise StartupError(f"Cannot write {path}: {error.strerror}.") from None


def _export(ctx: AppContext, args: argparse.Namespace, principal: Principal) -> int:
    from ..cli import fail, parse_day

    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    key = _key(ctx, create=True)
    line = _ProgressLine("Exporting the audit trail")
    try:
        with open_owner_only(args.output) as out:
            count = audit.export_csv(ctx.uow(), principal, out, start, end, key=key, progress=line)
    except ServiceError as error:
        args.output.unlink(missing_ok=True)
        return fail(error.message)
    except OSError as error:
        return fail(f"Cannot write {args.output}: {error.strerror}.")
    finally:
        line.end()
    print(f"Exported {count} audit entries to {args.output}.")
    if args.checkpoints:
        if key is None:
            return fail("This computer holds no audit signing key; no checkpoint was written.")
        written = _write_checkpoints(ctx, key, args.checkpoints)
        print(f"Wrote {written} signed checkpoints to {args.checkpoints}.")
    return 0


def _new_key(args: argparse.Namespace) -> int:
    key = write_key_file(args.key_file)
    print(
        f"Made the practice's audit signing key in {args.key_file} (readable by you only; key "
        f"id {key.key_id[:16]}). Keep a copy where IT keeps secrets; see the IT guide."
    )
    return 0
