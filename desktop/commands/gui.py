"""Start the application window, or check an installation with --smoke, or save screenshots."""

from __future__ import annotations

import argparse
import sys

from .. import APP_NAME, DESKTOP_ID, __version__
from ..app import AppContext, StartupError, build_context
from ..config import Config
from ..db import migrate
from ..logging_setup import configure_logging
from ..services import demo
from ..services.principal import Principal
from ..viewing import remove_leftovers


def run(args: argparse.Namespace, config: Config, splash=None) -> int:
    configure_logging()
    ctx = build_context(
        config,
        demo=args.demo,
        # A check of an installation refuses a database file it is told of that does not exist;
        # the app's own file in the data folder is made on first use, by a check too.
        create=args.demo or not args.smoke or config.database_url is None,
        progress=_progress_shower(splash),
        # On a server the window's user connects as themselves at sign-in.
        sign_in_later=not args.smoke and not args.demo,
    )
    remove_leftovers(config.data_dir)  # documents a crashed run had open for viewing
    try:
        if args.demo:
            _refuse_a_real_practice(ctx)
            demo.ensure_demo_practice(ctx.uow(), ctx.passwords)
        if args.smoke:
            return _smoke(ctx)
        if args.screenshots:
            if not args.demo:
                raise StartupError(
                    "--screenshots works with --demo, so no real client appears in them."
                )
            from ..views.screenshots import save_screenshots

            saved = save_screenshots(ctx, args.screenshots, args.as_email, demo.DEMO_PASSWORD)
            print(f"Saved {len(saved)} screenshots in {args.screenshots}.")
            return 0
        from ..views.session import run_gui

        return run_gui(ctx, splash=splash)
    finally:
        ctx.close()


def _progress_shower(splash):
    """Where start-up progress goes: the "Starting…" window, else the terminal."""
    if splash is not None:
        from ..views.splash import show_progress

        return lambda done, what: show_progress(splash, done, what)

    said: list[tuple[str, int]] = []

    def to_terminal(done: float, what: str) -> None:
        tenth = int(done * 10)
        if said and said[-1] == (what, tenth):
            return  # a line per tenth of the way, not per page
        said.append((what, tenth))
        print(f"{what}… {round(done * 100)}%", file=sys.stderr, flush=True)

    return to_terminal


def _refuse_a_real_practice(ctx: AppContext) -> None:
    """--demo with --database fills an empty database with the demo practice; it never mixes
    the demo into a database that holds a real practice."""
    from ..services.practice import practice_info

    info = practice_info(ctx.uow())
    if info is not None and info.name != demo.DEMO_PRACTICE:
        raise StartupError(
            f"The database {ctx.database_label} holds the practice '{info.name}', so the demo "
            "practice was not put into it. Name an empty database for the demo."
        )


def _smoke(ctx: AppContext) -> int:
    """Build the main window without showing it; one line on success."""
    from PySide6.QtWidgets import QApplication

    from ..services.practice import practice_info
    from ..views.session import build_main_window

    app = QApplication.instance() or QApplication([DESKTOP_ID])
    info = practice_info(ctx.uow())
    checker = Principal(0, "installation-check", "Installation check", frozenset(), ctx.workstation)
    window = build_main_window(ctx, checker)
    window.close()
    app.processEvents()
    state = migrate.schema_state(ctx.engine)
    practice = f"practice '{info.name}'" if info else "no practice set up yet"
    print(
        f"{APP_NAME} {__version__} OK: database {ctx.database_label} at schema {state.current}, "
        f"{practice}, main window built ({app.platformName()})."
    )
    return 0
