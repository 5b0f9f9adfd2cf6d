"""The one start-up error every layer may raise, in a module that loads nothing else."""

from __future__ import annotations


class StartupError(Exception):
    """Clinic Desk cannot start on this database; the message is one line for the user or IT."""
