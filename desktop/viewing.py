"""Documents opened for viewing: written to an owner-only folder of this run of the app, removed
when their window closes and, after a crash, at the next start."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

#: the folder in the data folder that holds one sub-folder per running app.
VIEWING_FOLDER = "viewing"


def viewing_root(data_dir: Path) -> Path:
    return data_dir / VIEWING_FOLDER


def new_viewing_folder(data_dir: Path) -> Path:
    """An owner-only folder for this run's opened documents, named after this process."""
    root = viewing_root(data_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))  # made 0700


def write_for_viewing(folder: Path, document_id: int, file_name: str, content: bytes) -> Path:
    """The document's bytes in an owner-only file, under its own name, ready for a viewer."""
    place = folder / str(document_id)
    place.mkdir(mode=0o700, exist_ok=True)
    path = place / Path(file_name).name
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    path.chmod(0o600)
    return path


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # no signal-0 probe there; a viewer holding a file keeps it anyway
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(data_dir: Path) -> list[Path]:
    """Remove the viewing folders of runs that are no longer running (a crash, a power cut)."""
    root = viewing_root(data_dir)
    if not root.is_dir():
        return []
    removed = []
    for folder in root.iterdir():
        pid_text = folder.name.split("-", 1)[0]
        if pid_text.isdigit() and _running(int(pid_text)):
            continue
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.unlink(missing_ok=True)
        removed.append(folder)
    return removed
