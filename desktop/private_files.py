"""Files the app writes for its user (exports): readable and writable by that user only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO


def open_owner_only(path: Path) -> TextIO:
    """Open `path` for writing text; a new file is made owner-only, an existing one becomes so."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.chmod(path, 0o600)
    return os.fdopen(fd, "w", newline="", encoding="utf-8")


def write_owner_only(path: Path, data: bytes) -> None:
    """Write `data` to `path`, readable and writable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
