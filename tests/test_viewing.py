"""B9: a document opened for viewing is owner-only, and gone after a crash once the app starts again."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

from desktop.cli import main
from desktop.viewing import new_viewing_folder, remove_leftovers, write_for_viewing

ROOT = Path(__file__).resolve().parents[1]

#: a run of the app that opens a document for viewing, then waits to be killed.
VIEWER = """
import sys, time
from pathlib import Path
from desktop.viewing import new_viewing_folder, write_for_viewing
folder = new_viewing_folder(Path(sys.argv[1]))
print(write_for_viewing(folder, 7, "intake-form.pdf", b"%PDF private intake"), flush=True)
time.sleep(600)
"""


def _start_viewer(data_dir: Path) -> tuple[subprocess.Popen, Path]:
    process = subprocess.Popen(
        [sys.executable, "-c", VIEWER, str(data_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_an_opened_document_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    folder = new_viewing_folder(tmp_path)
    path = write_for_viewing(folder, 3, "../../consent.pdf", b"signed consent")

    assert path.parent.parent == folder and path.name == "consent.pdf"
    assert path.read_bytes() == b"signed consent"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for part in (path.parent, folder, folder.parent):
        assert stat.S_IMODE(part.stat().st_mode) == 0o700, part


def test_the_copy_left_by_a_killed_app_is_removed_at_the_next_start(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    data_dir = tmp_path / "data"
    viewer, opened = _start_viewer(data_dir)
    assert opened.read_bytes() == b"%PDF private intake"
    os.kill(viewer.pid, signal.SIGKILL)
    viewer.wait()
    assert opened.exists(), "a killed app cleans nothing up itself"

    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(data_dir))
    database = f"sqlite:///{tmp_path / 'clinicdesk.sqlite'}"
    assert main(["db", "upgrade", "--database", database]) == 0
    code = main(["--smoke", "--database", database])

    assert code == 0, capsys.readouterr().err
    assert not opened.exists() and list((data_dir / "viewing").iterdir()) == []


def test_a_document_another_running_window_has_open_is_left_alone(tmp_path: Path) -> None:
    viewer, opened = _start_viewer(tmp_path)
    try:
        assert remove_leftovers(tmp_path) == []
        assert opened.exists()
    finally:
        viewer.kill()
        viewer.wait()
    assert remove_leftovers(tmp_path) == [opened.parent.parent]
