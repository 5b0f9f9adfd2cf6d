"""A release is signed with the release key; IT's check accepts it and refuses anything altered."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from .conftest import ARCHIVE_NAME, run_tool


def verify(folder: Path, public_key: Path | str, *extra: str) -> subprocess.CompletedProcess:
    return run_tool(
        "verify.py", str(folder / ARCHIVE_NAME), "--public-key", str(public_key), *extra
    )


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_genuine_release_is_accepted(signed_release: Path, key_pair: tuple[Path, Path]) -> None:
    assert (signed_release / "SHA256SUMS").read_text().endswith(f"  {ARCHIVE_NAME}\n")
    result = verify(signed_release, key_pair[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"OK: {ARCHIVE_NAME} matches SHA256SUMS")


def test_the_public_key_can_be_given_as_its_line(
    signed_release: Path, key_pair: tuple[Path, Path]
) -> None:
    line = key_pair[1].read_text().splitlines()[-1]
    assert verify(signed_release, line).returncode == 0


def test_a_tampered_archive_is_refused(signed_release: Path, key_pair: tuple[Path, Path]) -> None:
    flip_byte(signed_release / ARCHIVE_NAME, 32 * 1024)
    result = verify(signed_release, key_pair[1])
    assert result.returncode == 1
    assert result.stderr.startswith(f"REFUSED: {ARCHIVE_NAME} does not match its checksum")
    assert "Do not install this build." in result.stderr
    assert result.stdout == ""


def test_a_wrong_key_is_refused(
    signed_release: Path, key_pair: tuple[Path, Path], tmp_path: Path
) -> None:
    assert run_tool("release.py", "keygen", str(tmp_path / "other")).returncode == 0
    result = verify(signed_release, tmp_path / "other" / "clinicdesk-release.pub")
    assert result.returncode == 1
    assert "REFUSED: SHA256SUMS was signed with key" in result.stderr
    assert "not with the release key you gave" in result.stderr
    assert "Do not install this build." in result.stderr


def test_altered_sums_are_refused(signed_release: Path, key_pair: tuple[Path, Path]) -> None:
    """Someone swaps the archive and writes its checksum into SHA256SUMS: the signature breaks."""
    flip_byte(signed_release / ARCHIVE_NAME, 0)
    sums = signed_release / "SHA256SUMS"
    from verify import file_sha256

    sums.write_text(f"{file_sha256(signed_release / ARCHIVE_NAME)}  {ARCHIVE_NAME}\n")
    result = verify(signed_release, key_pair[1])
    assert result.returncode == 1
    assert "REFUSED: The signature does not match SHA256SUMS" in result.stderr


def test_an_altered_trusted_comment_is_refused(
    signed_release: Path, key_pair: tuple[Path, Path]
) -> None:
    signature = signed_release / "SHA256SUMS.minisig"
    lines = signature.read_text().splitlines()
    lines[2] = lines[2].replace("Clinic Desk", "Clinic Desk (patched)")
    signature.write_text("\n".join(lines) + "\n")
    result = verify(signed_release, key_pair[1])
    assert result.returncode == 1
    assert "signed comment" in result.stderr and "was altered" in result.stderr


def test_an_archive_the_sums_do_not_list_is_refused(
    signed_release: Path, key_pair: tuple[Path, Path]
) -> None:
    renamed = signed_release / "clinicdesk-0.0.1-linux-x86_64.tar.gz"
    shutil.copy(signed_release / ARCHIVE_NAME, renamed)
    result = run_tool("verify.py", str(renamed), "--public-key", str(key_pair[1]))
    assert result.returncode == 1
    assert "is not listed in SHA256SUMS" in result.stderr


def test_a_missing_signature_cannot_be_checked(
    signed_release: Path, key_pair: tuple[Path, Path]
) -> None:
    (signed_release / "SHA256SUMS.minisig").unlink()
    result = verify(signed_release, key_pair[1])
    assert result.returncode == 2
    assert result.stderr.startswith("CANNOT CHECK: The signature")
    assert "Nothing was verified." in result.stderr


def test_signing_without_a_key_says_where_the_key_comes_from(tmp_path: Path) -> None:
    (tmp_path / ARCHIVE_NAME).write_bytes(b"archive")
    result = run_tool("release.py", "sign", str(tmp_path))
    assert result.returncode == 1
    assert "No signing key" in result.stderr and "CLINICDESK_SIGNING_KEY" in result.stderr
    assert not (tmp_path / "SHA256SUMS.minisig").exists()


def test_the_key_can_come_from_the_environment_as_text(
    tmp_path: Path, key_pair: tuple[Path, Path]
) -> None:
    folder = tmp_path / "from-env"
    folder.mkdir()
    (folder / ARCHIVE_NAME).write_bytes(b"archive bytes")
    result = run_tool(
        "release.py", "sign", str(folder), env={"CLINICDESK_SIGNING_KEY": key_pair[0].read_text()}
    )
    assert result.returncode == 0, result.stderr
    assert verify(folder, key_pair[1]).returncode == 0


def test_a_signing_key_inside_the_source_tree_is_refused(
    tmp_path: Path, key_pair: tuple[Path, Path]
) -> None:
    from signing import SigningKeyError, load_secret_key

    with pytest.raises(SigningKeyError, match="inside the source tree"):
        load_secret_key(key_pair[0], repository=key_pair[0].parent.parent)
    assert load_secret_key(key_pair[0], repository=tmp_path / "elsewhere").key_id


def test_keygen_refuses_a_folder_in_the_repository() -> None:
    result = run_tool("release.py", "keygen", "build/out/never-a-key-here")
    assert result.returncode == 1
    assert "inside the source tree" in result.stderr


def test_the_secret_key_is_readable_by_its_owner_only(key_pair: tuple[Path, Path]) -> None:
    mode = stat.S_IMODE(key_pair[0].stat().st_mode)
    assert mode == 0o600


def test_a_damaged_key_is_refused(tmp_path: Path, key_pair: tuple[Path, Path]) -> None:
    from signing import SecretKey, SigningKeyError

    text = key_pair[0].read_text().splitlines()
    body = text[1]
    damaged = body[:100] + ("A" if body[100] != "A" else "B") + body[101:]
    with pytest.raises(SigningKeyError, match="damaged"):
        SecretKey.parse(f"{text[0]}\n{damaged}\n", "the test")


@pytest.mark.skipif(shutil.which("minisign") is None, reason="minisign is not installed")
def test_minisign_accepts_the_signature(signed_release: Path, key_pair: tuple[Path, Path]) -> None:
    result = subprocess.run(
        ["minisign", "-Vm", str(signed_release / "SHA256SUMS"), "-p", str(key_pair[1])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Signature and comment signature verified" in result.stdout
