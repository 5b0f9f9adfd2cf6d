"""Start-up from source to the sign-in dialog (not the splash), against a minimal PySide6 dialog.

Run:  .venv/bin/python -m bench.sign_in_dialog_bench [--runs 7]

Each start is a new Python process (offscreen Qt), timed by this process from launch until the
child says, from the dialog's first show event, that its dialog is up:

- Clinic Desk: `clinicdesk --demo` through its own entry point, until the sign-in dialog shows;
  the demo practice is prepared beforehand, as on any morning at a clinic (its key in a private
  Secret Service keyring on its own D-Bus session, as on a desktop);
- baseline: a minimal PySide6 program that shows a QDialog with two line edits.

Taken in turns after one unmeasured start of each (files in the page cache). Prints each run,
the medians and, last, the ratio. This complements `startup_bench.py`, which times the packaged
bundle to its sign-in dialog. Not a test: it only prints.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build"))

from check_bundle import secret_service  # noqa: E402

#: run inside the child: report the sign-in dialog's first show, then leave.
APP_DRIVER = """
import os, sys
from PySide6.QtCore import QTimer
from desktop.views import login_dialog

shown = login_dialog.LoginDialog.showEvent

def show_event(self, event):
    shown(self, event)
    print("shown", flush=True)
    QTimer.singleShot(0, lambda: os._exit(0))

login_dialog.LoginDialog.showEvent = show_event
from desktop.cli import main
sys.exit(main(["--demo"]))
"""

MINIMAL = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

class Dialog(QDialog):
    def showEvent(self, event):
        super().showEvent(event)
        print("shown", flush=True)
        QTimer.singleShot(0, lambda: os._exit(0))

app = QApplication(sys.argv)
dialog = Dialog()
layout = QVBoxLayout(dialog)
layout.addWidget(QLineEdit())
layout.addWidget(QLineEdit())
dialog.open()
sys.exit(app.exec())
"""


def time_to_dialog(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "shown":
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError(f"the program ended without showing its dialog ({child.wait()})")
    child.wait()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="clinicdesk-startup-"))
    with secret_service(scratch / "keyring") as keyring_env:
        measure(args.runs, scratch, keyring_env)


def measure(runs: int, scratch: Path, keyring_env: dict[str, str]) -> None:
    env = {
        **os.environ,
        **keyring_env,
        "QT_QPA_PLATFORM": "offscreen",
        "CLINICDESK_DATA_DIR": str(scratch / "data"),
        "CLINICDESK_CONFIG_DIR": str(scratch / "config"),
        "PYTHONPATH": str(ROOT),
    }
    prepared = subprocess.run(
        [sys.executable, "-m", "desktop", "--demo", "--smoke"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if prepared.returncode != 0:
        raise SystemExit(f"cannot prepare the demo practice:\n{prepared.stderr}")
    programs = {"minimal": MINIMAL, "clinicdesk": APP_DRIVER}
    print(f"Start-up to the first dialog, from source (load {os.getloadavg()[0]:.2f})")
    for code in programs.values():
        time_to_dialog(code, env)
    times: dict[str, list[float]] = {name: [] for name in programs}
    for run in range(runs):
        for name, code in programs.items():
            times[name].append(time_to_dialog(code, env))
        print(
            f"  run {run + 1}: minimal {times['minimal'][-1] * 1000:.0f} ms · sign-in dialog "
            f"{times['clinicdesk'][-1] * 1000:.0f} ms · load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    minimal = statistics.median(times["minimal"])
    app = statistics.median(times["clinicdesk"])
    print(
        f"Median: minimal PySide6 dialog {minimal * 1000:.0f} ms, sign-in dialog {app * 1000:.0f} ms"
    )
    print(
        f"Ratio sign-in dialog / minimal dialog: {app / minimal:.2f}x (target <= 1.5x, "
        f"load {os.getloadavg()[0]:.2f})"
    )


if __name__ == "__main__":
    main()
