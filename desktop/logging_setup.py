"""What the app logs: to the terminal only (no log file), and never client data.

An error is logged with its traceback (code locations) and the first line of its message; the
lines a database adds after it (the failing row, the statement's values) are left out."""

from __future__ import annotations

import logging
import sys
import traceback

#: at most this much of an error's first line is logged.
FIRST_LINE_CHARS = 200


class NoClientDataFormatter(logging.Formatter):
    """Formats a record as usual, but an exception only as its traceback and first line."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_text  # another handler may have kept the full text: not used here
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = saved

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        kind, error, trace = ei
        frames = "".join(traceback.format_tb(trace)) if trace is not None else ""
        first = str(error).strip().splitlines()[0][:FIRST_LINE_CHARS] if str(error).strip() else ""
        name = kind.__name__ if kind is not None else "Error"
        return f"Traceback (most recent call last):\n{frames}{name}: {first}"


def configure_logging(stream=None) -> logging.Handler:
    """Send warnings and errors to stderr in the form above; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(NoClientDataFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, NoClientDataFormatter)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    return handler
