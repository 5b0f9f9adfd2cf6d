"""Cold start of the Clinic Desk bundle to its sign-in dialog, against a minimal PySide6 dialog bundle.

    python bench/startup_bench.py [--runs 7] [--rebuild]

Builds the minimal bundle in this run (same PyInstaller, same options, same Qt trimming): a
QDialog with two line edits, titled "Sign in to Minimal". Uses the Clinic Desk bundle in
build/out/dist (building it when missing or with --rebuild), then starts each bundle as a new
process, alternately, on an X display (Xvfb), and times it from launch to the moment the X
server maps its window titled "Sign in to ..." (any window before it, such as a splash, does not
count). Clinic Desk opens on the demo practice, prepared beforehand, so its dialog is the
sign-in a clinic sees every morning; its encrypted file's key is in a private Secret Service
keyring (GNOME Keyring on its own D-Bus session), as on a desktop. Each start is a new process;
the files are in the page cache after one unmeasured start of each. Prints each run with the
load average, each median, then the ratio last. Target: within 1.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build"))

from check_bundle import secret_service  # noqa: E402
from project import OUT  # noqa: E402
from x11_window import time_to_window, virtual_display  # noqa: E402

BENCH_OUT = OUT / "bench"
APP_BUNDLE = OUT / "dist" / "clinicdesk" / "clinicdesk"
MINIMAL_BUNDLE = BENCH_OUT / "dist" / "minimal" / "minimal"
TARGET_RATIO = 1.5
#: both programs' sign-in dialogs are titled so ("Sign in to Clinic Desk", "Sign in to Minimal").
DIALOG_TITLE = "Sign in to "

MINIMAL_APP = '''"""A minimal PySide6 sign-in dialog: the floor any Qt bundle starts from."""

import sys

from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

app = QApplication(sys.argv)
dialog = QDialog()
dialog.setWindowTitle("Sign in to Minimal")
layout = QVBoxLayout(dialog)
layout.addWidget(QLineEdit())
password = QLineEdit()
password.setEchoMode(QLineEdit.EchoMode.Password)
layout.addWidget(password)
dialog.open()
sys.exit(app.exec())
'''

MINIMAL_SPEC = """# The benchmark's minimal bundle: built like build/clinicdesk.spec (one folder, windowed).
import sys

sys.path.insert(0, {build!r})
import qt_trim

qt_trim.skip_unused_plugins()
a = Analysis([{script!r}], excludes=qt_trim.excludes(), noarchive=False, optimize=0)
qt_trim.trim(a)
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, exclude_binaries=True, name="minimal", console=False, upx=False)
coll = COLLECT(exe, a.binaries, a.datas, upx=False, name="minimal")
"""


def pyinstaller(spec: Path, dist: Path, work: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(spec), "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    return time.monotonic() - started


def build_minimal() -> float:
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    script = BENCH_OUT / "minimal.py"
    script.write_text(MINIMAL_APP, encoding="utf-8")
    spec = BENCH_OUT / "minimal.spec"
    spec.write_text(
        MINIMAL_SPEC.format(build=str(ROOT / "build"), script=str(script)), encoding="utf-8"
    )
    return pyinstaller(spec, BENCH_OUT / "dist", BENCH_OUT / "work")


def build_app() -> float:
    return pyinstaller(ROOT / "build" / "clinicdesk.spec", OUT / "dist", OUT / "work")


def clean_env(scratch: Path) -> dict[str, str]:
    runtime = scratch / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "DISPLAY": os.environ["DISPLAY"],
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "xcb",
        "CLINICDESK_DATA_DIR": str(scratch / "data"),
        "CLINICDESK_CONFIG_DIR": str(scratch / "config"),
    }
    if os.environ.get("XAUTHORITY"):
        env["XAUTHORITY"] = os.environ["XAUTHORITY"]
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="startup_bench.py", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="starts of each bundle (default 7)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the Clinic Desk bundle too")
    args = parser.parse_args(argv)

    if args.rebuild or not APP_BUNDLE.is_file():
        print(f"Clinic Desk bundle built in {build_app():.0f} s", flush=True)
    print(f"minimal bundle built in {build_minimal():.0f} s", flush=True)

    scratch = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-"))
    try:
        with secret_service(scratch / "keyring") as keyring_env:
            return measure(args.runs, {**clean_env(scratch), **keyring_env}, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(runs: int, env: dict[str, str], scratch: Path) -> int:
    prepared = subprocess.run(
        [str(APP_BUNDLE), "--demo", "--smoke"], env=env, capture_output=True, text=True
    )
    if prepared.returncode != 0:
        print(f"cannot prepare the demo practice:\n{prepared.stderr}", file=sys.stderr)
        return 1
    programs = {
        "minimal": [str(MINIMAL_BUNDLE)],
        "clinicdesk": [str(APP_BUNDLE), "--demo"],
    }

    def start(command: list[str]) -> tuple[float, float]:
        wall, cpu = time_to_window(command, env, cwd=str(scratch), title=DIALOG_TITLE)
        return wall, cpu or 0.0

    print(f"Start-up of each bundle to its sign-in dialog (load {os.getloadavg()[0]:.2f})")
    times: dict[str, list[float]] = {name: [] for name in programs}
    cpu: dict[str, list[float]] = {name: [] for name in programs}
    for command in programs.values():  # one start each to fill the file cache
        start(command)
    for run in range(runs):
        for name, command in programs.items():
            wall, used = start(command)
            times[name].append(wall)
            cpu[name].append(used)
        print(
            f"  run {run + 1}: minimal {times['minimal'][-1] * 1000:.0f} ms "
            f"(CPU {cpu['minimal'][-1] * 1000:.0f} ms) · Clinic Desk "
            f"{times['clinicdesk'][-1] * 1000:.0f} ms (CPU {cpu['clinicdesk'][-1] * 1000:.0f} ms)"
            f" · load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    print(
        f"CPU used by the dialog, median: minimal {statistics.median(cpu['minimal']) * 1000:.0f} "
        f"ms, Clinic Desk {statistics.median(cpu['clinicdesk']) * 1000:.0f} ms "
        f"({statistics.median(cpu['clinicdesk']) / max(statistics.median(cpu['minimal']), 1e-9):.2f}x)"
    )

    minimal = statistics.median(times["minimal"])
    app = statistics.median(times["clinicdesk"])
    for label, median in (
        ("minimal PySide6 dialog bundle", minimal),
        ("Clinic Desk bundle (clinicdesk --demo)", app),
    ):
        print(f"{label}: median {median:.3f} s to the sign-in dialog")
    verdict = "within" if app / minimal <= TARGET_RATIO else "over"
    print(
        f"ratio: {app / minimal:.2f}x ({verdict} the {TARGET_RATIO}x target, "
        f"load {os.getloadavg()[0]:.2f})"
    )
    return 0


if __name__ == "__main__":
    if os.environ.get("DISPLAY"):
        raise SystemExit(main())
    with virtual_display() as display:  # no screen here: a private Xvfb
        os.environ["DISPLAY"] = display
        os.environ.pop("XAUTHORITY", None)
        raise SystemExit(main())
