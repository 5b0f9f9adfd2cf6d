"""Build a signed Clinic Desk release on this computer: bundle, archive, SHA256SUMS and its signature.

    python build/release.py                 # all four steps, into build/out/release/VERSION/
    python build/release.py bundle          # the PyInstaller bundle only (build/out/dist/)
    python build/release.py archive         # archive the bundle as it is (after platform signing)
    python build/release.py sign [DIR]      # SHA256SUMS over DIR's archives, and its signature
    python build/release.py keygen DIR      # a new key pair (a throwaway one for CI, or the real one)

The signing key comes from CLINICDESK_SIGNING_KEY (the key file's text), or the file named by
CLINICDESK_SIGNING_KEY_FILE or --key-file; never from the repository. See docs/release-signing.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

from project import OUT, ROOT, platform_tag, read_project
from signing import SigningKeyError, load_secret_key, trusted_comment, write_key_pair
from verify import (
    SIGNATURE_SUFFIX,
    SUMS_NAME,
    Refused,
    file_sha256,
    key_id_text,
    verify_release,
)

SPEC = ROOT / "build" / "clinicdesk.spec"
DIST = OUT / "dist"
WORK = OUT / "work"
DESKTOP_FILE = ROOT / "build" / "linux" / "clinicdesk.desktop"
ARCHIVE_SUFFIXES = (".tar.gz", ".zip", ".dmg")


class ReleaseError(Exception):
    """A step cannot be done; the message says why and what to do."""


def release_dir(version: str) -> Path:
    return OUT / "release" / version


def bundle_path() -> Path:
    """The built bundle: the one folder (Linux, Windows) or the .app (macOS)."""
    project = read_project()
    if sys.platform == "darwin":
        return DIST / f"{project.app_name}.app"
    return DIST / project.command


# -- bundle ---------------------------------------------------------------------------------------


def build_bundle(*, clean: bool = False) -> Path:
    """Run PyInstaller on build/clinicdesk.spec; work files and output stay under build/out/."""
    command = [
        sys.executable, "-m", "PyInstaller", str(SPEC),
        "--noconfirm", "--log-level", "WARN",
        "--distpath", str(DIST), "--workpath", str(WORK),
    ]  # fmt: skip
    if clean:
        command.append("--clean")
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise ReleaseError(f"PyInstaller failed (exit {result.returncode}); see its output above.")
    bundle = bundle_path()
    print(f"release: bundle built in {time.monotonic() - started:.0f} s: {bundle}")
    return bundle


# -- archive --------------------------------------------------------------------------------------


def _linux_share(staging: Path) -> list[tuple[Path, str]]:
    """The .desktop file and the icons, as (file, path inside the archive's share/)."""
    sys.path.insert(0, str(ROOT / "build"))
    import icons

    files = [(DESKTOP_FILE, "applications/clinicdesk.desktop")]
    svg = ROOT / "resources" / "icons" / "app.svg"
    if svg.is_file():
        files.append((svg, "icons/hicolor/scalable/apps/clinicdesk.svg"))
        try:
            icons.write_icons(staging)
        except (ImportError, ValueError, OSError) as error:
            print(f"release: no PNG icons ({error}); the SVG icon is still included.")
        for size in icons.PNG_SIZES:
            png = staging / f"clinicdesk-{size}.png"
            if png.is_file():
                files.append((png, f"icons/hicolor/{size}x{size}/apps/clinicdesk.png"))
    else:
        print(f"release: {svg} is missing; the archive has no icon for the menu.")
    return files


def _normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Owned by root in the archive, whoever built it; no build account names inside."""
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def archive_linux(bundle: Path, target: Path, command: str) -> None:
    staging = WORK / "share-staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=command, filter=_normalise)
        for source, inside in _linux_share(staging):
            archive.add(source, arcname=f"{command}/share/{inside}", filter=_normalise)


def archive_windows(bundle: Path, target: Path, command: str) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(bundle.rglob("*")):
            archive.write(path, Path(command) / path.relative_to(bundle))


def archive_macos(bundle: Path, target: Path) -> None:
    # ditto keeps the symbolic links and extended attributes the code signature depends on.
    subprocess.run(
        ["ditto", "-c", "-k", "--sequesterRsrc", "--keepParent", str(bundle), str(target)],
        check=True,
    )


def make_archive() -> Path:
    """Archive the bundle as it stands (signed already on Windows and macOS)."""
    project = read_project()
    bundle = bundle_path()
    if not bundle.exists():
        raise ReleaseError(f"No bundle at {bundle}: run `python build/release.py bundle` first.")
    folder = release_dir(project.version)
    folder.mkdir(parents=True, exist_ok=True)
    tag = platform_tag()
    suffix = ".tar.gz" if tag.startswith("linux") else ".zip"
    target = folder / f"{project.command}-{project.version}-{tag}{suffix}"
    target.unlink(missing_ok=True)
    started = time.monotonic()
    if sys.platform == "darwin":
        archive_macos(bundle, target)
    elif sys.platform == "win32":
        archive_windows(bundle, target, project.command)
    else:
        archive_linux(bundle, target, project.command)
    size = target.stat().st_size / 1e6
    print(
        f"release: archive written in {time.monotonic() - started:.0f} s: {target} ({size:.0f} MB)"
    )
    return target


# -- sums and signature --------------------------------------------------------------------------


def sign_release(folder: Path, key_file: Path | None) -> Path:
    """Write SHA256SUMS over every archive in `folder`, sign it, and check the result."""
    key = load_secret_key(key_file, ROOT)
    archives = sorted(
        path for path in folder.iterdir() if path.is_file() and path.name.endswith(ARCHIVE_SUFFIXES)
    )
    if not archives:
        raise ReleaseError(f"No archive in {folder} to sign.")
    sums = folder / SUMS_NAME
    sums.write_text(
        "".join(f"{file_sha256(path)}  {path.name}\n" for path in archives), encoding="utf-8"
    )
    version = read_project().version
    signature = key.sign(sums.read_bytes(), trusted_comment(version, SUMS_NAME))
    signature_path = folder / (SUMS_NAME + SIGNATURE_SUFFIX)
    signature_path.write_text(
        signature.file_text("signature from the Clinic Desk release key"), encoding="utf-8"
    )
    for archive in archives:  # the same check IT makes, before anything leaves this computer
        verify_release(archive, sums, signature_path, key.public)
    print(
        f"release: {sums.name} over {len(archives)} archive(s), signed with key "
        f"{key_id_text(key.key_id)}: {signature_path}"
    )
    return signature_path


# -- command line --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="release.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "step",
        nargs="?",
        default="all",
        choices=("all", "bundle", "archive", "sign", "keygen"),
        help="default: all (bundle, archive, sign)",
    )
    parser.add_argument(
        "folder", nargs="?", type=Path, help="sign: the archives' folder; keygen: where"
    )
    parser.add_argument(
        "--key-file", type=Path, help="the signing key file (outside the source tree)"
    )
    parser.add_argument("--clean", action="store_true", help="rebuild PyInstaller's caches")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    try:
        if args.step == "keygen":
            if args.folder is None:
                raise ReleaseError("keygen needs a folder outside the source tree.")
            secret, public = write_key_pair(args.folder, ROOT)
            print(f"release: new key pair: {secret} (secret, keep it so) and {public} (publish it)")
            return 0
        if args.step in ("all", "sign"):
            load_secret_key(args.key_file, ROOT)  # fail before a long build, not after it
        if args.step in ("all", "bundle"):
            build_bundle(clean=args.clean)
        if args.step in ("all", "archive"):
            make_archive()
        if args.step in ("all", "sign"):
            folder = args.folder or release_dir(read_project().version)
            sign_release(folder, args.key_file)
    except (ReleaseError, SigningKeyError, Refused) as error:
        print(f"release: {error}", file=sys.stderr)
        return 1
    if args.step == "all":
        print(
            f"release: done in {time.monotonic() - started:.0f} s: {release_dir(read_project().version)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
