"""Opening the practice's database for the window, a check of an installation, or screenshots."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..app import AppContext, StartupError, build_context
from ..config import Config
from ..services import demo
from ..viewing import remove_leftovers


def open_practice(
    args: argparse.Namespace, config: Config, progress: Callable[[float, str], None]
) -> AppContext:
    """The context on the configured (or demo) database, opened and checked; the demo practice
    made when it is missing. Raises StartupError with one line for the person or IT."""
    ctx = build_context(
        config,
        demo=args.demo,
        # A check of an installation refuses a database file it is told of that does not exist;
        # the app's own file in the data folder is made on first use, by a check too.
        create=args.demo or not args.smoke or config.database_url is None,
        progress=progress,
        # On a server the window's user connects as themselves at sign-in.
        sign_in_later=not args.smoke and not args.demo,
    )
    try:
        remove_leftovers(config.data_dir)  # documents a crashed run had open for viewing
        if args.demo:
            refuse_a_real_practice(ctx)
            demo.ensure_demo_practice(ctx.uow(), ctx.passwords)
    except BaseException:
        ctx.close()
        raise
    return ctx


def refuse_a_real_practice(ctx: AppContext) -> None:
    """--demo with --database fills an empty database with the demo practice; it never mixes
    the demo into a database that holds a real practice."""
    from ..services.practice import practice_info

    info = practice_info(ctx.uow())
    if info is not None and info.name != demo.DEMO_PRACTICE:
        raise StartupError(
            f"The database {ctx.database_label} holds the practice '{info.name}', so the demo "
            "practice was not put into it. Name an empty database for the demo."
        )
