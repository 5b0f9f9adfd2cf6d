"""Who runs a command that reads records or the audit trail (R19): the person, authenticated
exactly as the app does (password, then the second factor's code when they use one), or IT as
the schema's owner on PostgreSQL. A typed email alone is never enough."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass

from sqlalchemy import func, select, text

from ..app import AppContext
from ..db.boundary.names import roles_for_database
from ..db.uow import UnitOfWork
from ..services import auth, second_factor
from ..services.errors import ServiceError
from ..services.principal import Principal


class NotAuthenticated(Exception):
    """The command may not run for whoever started it; the message says why, in one line."""


@dataclass(frozen=True)
class Caller:
    """The person running the command, or None for IT as the schema's owner."""

    principal: Principal | None


def _read_secret(args: argparse.Namespace, prompt: str, lines: list[str]) -> str:
    if args.password_stdin:
        return lines.pop(0) if lines else ""
    if not sys.stdin.isatty():
        raise NotAuthenticated(
            "No terminal to ask for your password: use --password-stdin in scripts."
        )
    return getpass.getpass(prompt)


def _is_schema_owner(ctx: AppContext) -> bool:
    database = ctx.engine.url.database or ""
    owner = roles_for_database(database).owner
    with ctx.engine.connect() as connection:
        exists = connection.scalar(
            select(func.count()).select_from(text("pg_roles")).where(text("rolname = :r")),
            {"r": owner},
        )
        if not exists:
            return False
        return bool(
            connection.scalar(text("SELECT pg_has_role(current_user, :r, 'MEMBER')"), {"r": owner})
        )


def authenticate(ctx: AppContext, args: argparse.Namespace) -> Caller:
    """The caller, authenticated; NotAuthenticated with one line otherwise. A person's sign-in
    is audited like the app's ("workstation (command line)")."""
    if getattr(args, "as_schema_owner", False):
        if ctx.embedded:
            raise NotAuthenticated(
                "--as-schema-owner is for a PostgreSQL server; on a database file, sign in "
                "with --email."
            )
        if not _is_schema_owner(ctx):
            raise NotAuthenticated(
                "This server login is not the schema's owner; sign in with --email instead."
            )
        return Caller(None)
    if not args.email:
        raise NotAuthenticated("Say who you are with --email; your password is asked for.")
    lines = sys.stdin.read().splitlines() if args.password_stdin else []
    password = _read_secret(args, f"Password for {args.email}: ", lines)
    workstation = f"{ctx.workstation} (command line)"[:120]
    try:
        principal = auth.sign_in(ctx.uow(), ctx.passwords, args.email, password, workstation)
    except ServiceError as refused:
        raise NotAuthenticated(refused.message) from None
    try:
        if principal.must_change_password:
            raise NotAuthenticated(
                "Your password is a temporary one: sign in to the app and choose your own first."
            )
        state = second_factor.second_factor_state(UnitOfWork(ctx.engine, ctx.clock), principal)
        if state.required and not state.enrolled:
            raise NotAuthenticated(
                "The practice requires a second factor: set it up in the app first."
            )
        if state.enrolled:
            code = _read_secret(args, "Code from your authenticator app: ", lines)
            try:
                second_factor.confirm_sign_in_code(
                    ctx.uow(), principal, ctx.passwords, password, code
                )
            except ServiceError as refused:
                raise NotAuthenticated(refused.message) from None
    except NotAuthenticated:
        auth.sign_out(ctx.uow(), principal)
        raise
    return Caller(principal)


def finish(ctx: AppContext, caller: Caller) -> None:
    """Record the end of the person's command-line session."""
    if caller.principal is not None:
        try:
            auth.sign_out(ctx.uow(), caller.principal)
        except ServiceError:
            pass
