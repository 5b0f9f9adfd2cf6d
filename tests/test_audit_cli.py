"""`clinicdesk audit verify | checkpoint | export | new-key` as IT uses them (B6, B8)."""

from __future__ import annotations

import io
import json
import stat
import sys

import pytest

from desktop.cli import main
from desktop.services.demo import DEMO_PASSWORD
from tests.sqlite_key import open_file

#: the demo Owner signs in to the audit commands: a typed email alone is never enough (R19).
OWNER = ("--email", "owner@demo.clinic", "--password-stdin")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run the command line; an audit command that reads the trail runs as the demo Owner, whose
    password arrives on standard input."""
    if args[:1] == ("audit",) and args[1] != "new-key" and "--email" not in args:
        args = (*args, *OWNER)
    saved = sys.stdin
    sys.stdin = io.StringIO(DEMO_PASSWORD + "\n")
    try:
        code = main(list(args))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_url(capsys, tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path))
    assert run_cli(capsys, "--demo", "--smoke")[0] == 0
    return f"sqlite:///{tmp_path / 'clinicdesk-demo.sqlite'}"


def test_B6_verify_of_a_file_that_does_not_exist_is_refused_and_makes_nothing(capsys, tmp_path):
    missing = tmp_path / "typo.sqlite"
    code, _, err = run_cli(capsys, "audit", "verify", "--database", f"sqlite:///{missing}")
    assert code == 1 and "There is no database file" in err and err.count("\n") == 1
    assert not missing.exists()


def test_B8_a_checkpoint_exported_to_a_file_catches_an_old_copy_put_back(
    capsys, tmp_path, demo_url
):
    path = demo_url.removeprefix("sqlite:///")
    kept = tmp_path / "kept-by-it.json"
    for _ in range(2):  # a few entries: each export is recorded
        assert _export(capsys, demo_url, tmp_path / "trail.csv") == 0
    code, out, _ = run_cli(
        capsys, "audit", "checkpoint", "--database", demo_url, "--output", str(kept)
    )
    assert code == 0 and "Signed the audit trail up to entry" in out
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    in_file = json.loads(kept.read_text())["checkpoints"]
    signed_up_to = in_file[-1]["seq"]
    code, out, _ = run_cli(
        capsys, "audit", "verify", "--database", demo_url, "--checkpoints", str(kept)
    )
    assert code == 0 and f"{len(in_file)} signed checkpoints checked" in out, out
    with open_file(path) as connection:  # the trail cut back, as an old backup would have it
        for name in ("audit_events_no_delete", "audit_checkpoints_no_delete"):
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute(f"DELETE FROM audit_events WHERE seq >= {signed_up_to}")
        connection.execute("DELETE FROM audit_checkpoints")
        connection.execute(
            "UPDATE audit_head SET last_seq = (SELECT max(seq) FROM audit_events),"
            " last_hash = (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1)"
        )
    code, out, _ = run_cli(capsys, "audit", "verify", "--database", demo_url)
    assert code == 0  # the database alone looks whole
    code, out, _ = run_cli(
        capsys, "audit", "verify", "--database", demo_url, "--checkpoints", str(kept)
    )
    # The entries after the cut are gone (the sign-in of this very check is appended in their
    # place): the chain no longer passes through the checkpoint kept in the file.
    assert code == 3 and f"checkpoint of entry {signed_up_to}" in out
    assert "(in the checkpoint file)" in out


def _export(capsys, url, path, *more: str) -> int:
    path.unlink(missing_ok=True)
    args = ["audit", "export", "--database", url, *OWNER]
    return run_cli(capsys, *args, "--output", str(path), *more)[0]


def test_B8_export_signs_and_writes_its_checkpoints(capsys, tmp_path, demo_url):
    csv_file, kept = tmp_path / "trail.csv", tmp_path / "points.json"
    code, out, err = run_cli(
        capsys, "audit", "export", "--database", demo_url, *OWNER,
        "--output", str(csv_file), "--checkpoints", str(kept),
    )  # fmt: skip
    assert code == 0 and "signed checkpoints to" in out
    assert err == ""  # no progress line when the output is not a terminal
    entries = len(csv_file.read_text().splitlines()) - 1
    newest = json.loads(kept.read_text())["checkpoints"][-1]
    assert newest["seq"] == entries + 1  # every entry exported, and the export's own entry


def test_B6_verify_shows_a_progress_line_on_a_terminal(capsys, demo_url, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    assert main(["audit", "verify", "--database", demo_url, *OWNER]) == 0
    shown = terminal.getvalue()
    assert shown.startswith("\rVerifying the audit trail… ") and "100% (" in shown


def test_B8_new_key_writes_an_owner_only_key_and_never_overwrites(capsys, tmp_path):
    key_file = tmp_path / "audit.key"
    code, out, _ = run_cli(capsys, "audit", "new-key", str(key_file))
    assert code == 0 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_text()
    code, _, err = run_cli(capsys, "audit", "new-key", str(key_file))
    assert code == 1 and "never overwritten" in err and key_file.read_text() == before
