"""The `clinicdesk` command: start the app, check an installation, upgrade a server, verify the audit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import APP_NAME, __version__
from .config import DEFAULT_BACKUPS_KEPT, ConfigError, load_config
from .startup_error import StartupError

#: the commands for IT; the window's usual start names none.
COMMANDS = ("db", "audit")
#: the window's options that take a value (the word after them is not a command).
_VALUED = ("--database", "--screenshots", "--as")


def _parser(*, with_commands: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinicdesk", description=f"{APP_NAME}: practice management for group practices."
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database to open: postgresql+psycopg://user@host/name or sqlite:///path "
        "(default: the site configuration, else the file in your data folder)",
    )
    parser.add_argument("--demo", action="store_true", help="open the demo practice")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="check the installation: open the database, build the main window, print one line",
    )
    parser.add_argument(
        "--screenshots", metavar="DIR", type=Path, help="save a picture of each main screen"
    )
    parser.add_argument(
        "--as",
        dest="as_email",
        default="owner@demo.clinic",
        metavar="EMAIL",
        help="with --screenshots: the demo login to sign in as",
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="database administration")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="bring the database to this release's schema")
    upgrade.add_argument("--database", dest="db_url", metavar="URL")
    status = db_commands.add_parser("status", help="show the database's schema revision")
    status.add_argument("--database", dest="db_url", metavar="URL")
    password = db_commands.add_parser(
        "set-password", help="store the database server password in the system keyring"
    )
    password.add_argument("--database", dest="db_url", metavar="URL")
    provision = db_commands.add_parser(
        "provision",
        help="set a server up once: upgrade, the sign-in gate, the first Owner, staff logins",
    )
    provision.add_argument("--database", dest="db_url", metavar="URL")
    provision.add_argument(
        "--network",
        default="10.0.0.0/24",
        metavar="CIDR",
        help="the workstations' network, for the pg_hba.conf lines printed (default 10.0.0.0/24)",
    )
    provision.add_argument("--practice", metavar="NAME", help="an empty server: the practice")
    provision.add_argument(
        "--time-zone", metavar="ZONE", help="an empty server: e.g. America/Toronto"
    )
    provision.add_argument("--owner-name", metavar="NAME", help="an empty server: the Owner's name")
    provision.add_argument("--owner-email", metavar="EMAIL", help="an empty server: their email")
    provision.add_argument(
        "--owner-provider", action="store_true", help="the Owner also sees clients as a provider"
    )
    backup = db_commands.add_parser(
        "backup", help="write a consistent, encrypted copy of the database while it is in use"
    )
    backup.add_argument("--database", dest="db_url", metavar="URL")
    backup.add_argument(
        "--to", type=Path, metavar="FILE", help="where (default: backups/ beside the database)"
    )
    backup.add_argument(
        "--passphrase",
        action="store_true",
        help="encrypt with a passphrase you type, to restore on another computer",
    )
    backup.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="automatic backups kept (default: the practice's [backups] keep, else "
        f"{DEFAULT_BACKUPS_KEPT})",
    )
    restore = db_commands.add_parser(
        "restore", help="put a backup back into an empty database (then verify its audit trail)"
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--database", dest="db_url", metavar="URL")
    restore.add_argument("--passphrase", action="store_true", help="the backup has a passphrase")
    restore.add_argument(
        "--replace", action="store_true", help="overwrite a database that already holds a practice"
    )

    audit = commands.add_parser("audit", help="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = audit_commands.add_parser("verify", help="prove that the audit trail is unaltered")
    verify.add_argument("--database", dest="db_url", metavar="URL")
    sign_in_arguments(verify, owner_allowed=True)
    verify.add_argument(
        "--checkpoints",
        type=Path,
        metavar="FILE",
        help="also check the trail against signed checkpoints exported earlier",
    )
    checkpoint = audit_commands.add_parser(
        "checkpoint", help="sign the head of the audit trail now and export every checkpoint"
    )
    checkpoint.add_argument("--database", dest="db_url", metavar="URL")
    sign_in_arguments(checkpoint, owner_allowed=True)
    checkpoint.add_argument("--output", type=Path, required=True, metavar="FILE.json")
    new_key = audit_commands.add_parser(
        "new-key", help="make the practice's audit signing key in a new file (for a server)"
    )
    new_key.add_argument("key_file", type=Path, metavar="FILE")
    export = audit_commands.add_parser("export", help="write the audit trail as CSV")
    export.add_argument("--database", dest="db_url", metavar="URL")
    export.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    export.add_argument(
        "--to", dest="end", metavar="YYYY-MM-DD", help="up to, not including, this day"
    )
    export.add_argument("--output", type=Path, required=True, metavar="FILE.csv")
    export.add_argument(
        "--checkpoints",
        type=Path,
        metavar="FILE.json",
        help="also write every signed checkpoint, including the one this export makes",
    )
    sign_in_arguments(export, owner_allowed=False)
    return parser


def sign_in_arguments(parser: argparse.ArgumentParser, *, owner_allowed: bool) -> None:
    """Who runs a command that reads the audit trail (R19): a person, or IT as schema owner."""
    parser.add_argument("--email", help="your sign-in email; your password is asked for")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password (and, on the next line, the second factor's code) from "
        "standard input, for scripts",
    )
    if owner_allowed:
        parser.add_argument(
            "--as-schema-owner",
            action="store_true",
            help="PostgreSQL only: run as the schema's owner (IT; the server password comes "
            "from the keyring), not as a person",
        )


def fail(message: str, code: int = 1) -> int:
    print(f"clinicdesk: {message}", file=sys.stderr)
    return code


def _names_a_command(argv: Sequence[str]) -> bool:
    """Whether the command line names a command (or asks for help, or has a word the window's
    options do not take): then the whole parser is built; else the commands' parsers, which
    cost the window's start-up time, are left out."""
    after_option = False
    for word in argv:
        if after_option:
            after_option = False
        elif word in _VALUED:
            after_option = True
        elif word in ("-h", "--help") or not word.startswith("-"):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(with_commands=_names_a_command(argv)).parse_args(argv)
    windowed = args.command is None and not args.smoke and not args.screenshots
    try:
        config = load_config(getattr(args, "db_url", None) or args.database)
        if args.command == "db" and args.db_command in ("backup", "restore"):
            from .commands import backup

            return backup.run(args, config)
        if args.command == "db" and args.db_command == "provision":
            from .commands import provision

            return provision.run(args, config)
        if args.command == "db":
            from .commands import database

            return database.run(args, config)
        if args.command == "audit":
            from .commands import audit_trail

            return audit_trail.run(args, config)
        from .commands import gui

        return gui.run(args, config)
    except (ConfigError, StartupError) as error:
        if windowed:
            _show_startup_problem(str(error))
        return fail(str(error))
    except KeyboardInterrupt:
        return fail("stopped.", 130)


def _show_startup_problem(message: str) -> None:
    """Someone who started the app from a menu sees no terminal: tell them in a window too."""
    from PySide6.QtWidgets import QMessageBox

    from .views.style import ensure_application

    ensure_application()
    QMessageBox.critical(None, APP_NAME, f"{APP_NAME} cannot start.\n\n{message}")


def parse_day(value: str | None, label: str) -> datetime | None:
    """A YYYY-MM-DD argument as the start of that day in UTC."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise SystemExit(
            fail(f"{label} must be a date like 2026-01-31, not '{value[:40]}'.", 2)
        ) from None


def ask_password(prompt: str) -> str:
    import getpass  # the IT commands only: not loaded before the sign-in dialog

    return getpass.getpass(prompt)
