"""Start the application window, or check an installation with --smoke, or save screenshots.

The window's path loads only what the sign-in dialog needs before it shows; the database layer
loads behind it (views/startup.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .. import APP_NAME, DESKTOP_ID, __version__
from ..config import Config
from ..logging_setup import configure_logging
from ..startup_error import StartupError


def run(args: argparse.Namespace, config: Config) -> int:
    configure_logging()
    if not args.smoke and not args.screenshots:
        from ..views.startup import start_desktop

        def open_practice(progress: Callable[[float, str], None]):
            from .opening import open_practice

            return open_practice(args, config, progress)

        return start_desktop(config, demo=args.demo, open_practice=open_practice)

    from .opening import open_practice

    ctx = open_practice(args, config, _to_terminal())
    try:
        if args.smoke:
            return _smoke(ctx)
        if not args.demo:
            raise StartupError(
                "--screenshots works with --demo, so no real client appears in them."
            )
        from ..services import demo
        from ..views.screenshots import save_screenshots

        saved = save_screenshots(ctx, args.screenshots, args.as_email, demo.DEMO_PASSWORD)
        print(f"Saved {len(saved)} screenshots in {args.screenshots}.")
        return 0
    finally:
        ctx.close()


def _to_terminal() -> Callable[[float, str], None]:
    """Start-up progress on the terminal: a line per tenth of the way, not per page."""
    said: list[tuple[str, int]] = []

    def to_terminal(done: float, what: str) -> None:
        tenth = int(done * 10)
        if said and said[-1] == (what, tenth):
            return
        said.append((what, tenth))
        print(f"{what}… {round(done * 100)}%", file=sys.stderr, flush=True)

    return to_terminal


def _smoke(ctx) -> int:
    """Build the main window without showing it; one line on success."""
    from PySide6.QtWidgets import QApplication

    from ..db import migrate
    from ..services.practice import practice_info
    from ..services.principal import Principal
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
