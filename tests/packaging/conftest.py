"""Fixtures for the release tools in build/: key pairs and a small fake release (no real bundle)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
if str(BUILD) not in sys.path:
    sys.path.insert(0, str(BUILD))

ARCHIVE_NAME = "clinicdesk-0.0.0-linux-x86_64.tar.gz"


def run_tool(
    script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run build/SCRIPT as IT or CI would; the signing-key variables only as given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CLINICDESK_SIGNING_KEY")}
    return subprocess.run(
        [sys.executable, str(BUILD / script), *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def key_pair(tmp_path: Path) -> tuple[Path, Path]:
    """A throwaway release key pair (secret, public), made with `release.py keygen`."""
    result = run_tool("release.py", "keygen", str(tmp_path / "key"))
    assert result.returncode == 0, result.stderr
    return tmp_path / "key" / "clinicdesk-release.key", tmp_path / "key" / "clinicdesk-release.pub"


@pytest.fixture
def signed_release(tmp_path: Path, key_pair: tuple[Path, Path]) -> Path:
    """A release folder with a small fake archive, SHA256SUMS and its signature."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / ARCHIVE_NAME).write_bytes(os.urandom(64 * 1024))
    result = run_tool(
        "release.py", "sign", str(folder), env={"CLINICDESK_SIGNING_KEY_FILE": str(key_pair[0])}
    )
    assert result.returncode == 0, result.stderr
    return folder
