"""Start-up loads only what the sign-in dialog needs before it shows: no database layer, no
keyring, no password hashing, no migrations, no PostgreSQL driver (they load behind it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.config import load_config
from desktop.sign_in_memory import remember

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "keyring", "argon2", "alembic", "psycopg", "desktop.app", "desktop.db")

#: in a new process: start the app as from the menu; at the sign-in dialog's first show, print
#: which heavy modules are loaded and what the dialog says, then leave.
DRIVER = """
import json, os, sys
from desktop.views import login_dialog

shown = login_dialog.LoginDialog.showEvent

def show_event(self, event):
    shown(self, event)
    heavy = sorted(
        name for name in sys.modules
        if any(name == h or name.startswith(h + ".") for h in json.loads(sys.argv[1]))
    )
    print(json.dumps({"heavy": heavy, "practice": self.practice_label.text(),
                      "open": self.ctx is not None}), flush=True)
    os._exit(0)

login_dialog.LoginDialog.showEvent = show_event
from desktop.cli import main
sys.exit(main(sys.argv[2:]))
"""


def child_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CLINICDESK_DATA_DIR": str(tmp_path / "data"),
        "CLINICDESK_CONFIG_DIR": str(tmp_path / "config"),
        "PYTHONPATH": str(ROOT),
    }


def first_dialog(tmp_path: Path, *args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(HEAVY), *args],
        env=child_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no sign-in dialog (exit {result.returncode}): {result.stderr[-2000:]}"
    return json.loads(lines[-1])


def test_the_sign_in_dialog_shows_before_the_database_layer_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLINICDESK_CONFIG_DIR", str(tmp_path / "config"))
    remember(load_config(), demo=False, practice_name="Riverside", database_label="x")

    shown = first_dialog(tmp_path)

    assert shown == {"heavy": [], "practice": "Riverside", "open": False}


def test_the_demo_and_a_server_also_show_the_sign_in_first(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CLINICDESK_CONFIG_DIR", str(tmp_path / "config"))
    remember(load_config(), demo=True, practice_name="Demo", database_label="x")

    assert first_dialog(tmp_path, "--demo") == {"heavy": [], "practice": "Demo", "open": False}
    server = ["--database", "postgresql+psycopg://127.0.0.1:9/clinic"]
    assert first_dialog(tmp_path, *server) == {"heavy": [], "practice": "", "open": False}


def test_importing_the_sign_in_path_loads_no_database_layer():
    code = (
        "import json, sys\n"
        "import desktop.cli, desktop.commands.gui, desktop.views.startup\n"
        "import desktop.views.login_dialog\n"
        "print(json.dumps(sorted(n for n in sys.modules if n.split('.')[0] in "
        "('sqlalchemy', 'keyring', 'argon2', 'alembic', 'psycopg'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_the_window_start_and_the_commands_parse_as_before(capsys):
    from desktop.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["aduit", "verify"])  # a mistyped command is still told apart from an option
    assert ended.value.code == 2
    assert "invalid choice: 'aduit'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "audit" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--database", "db", "--screenshots"])  # "db" as a value, not the command
    assert "expected one argument" in capsys.readouterr().err
