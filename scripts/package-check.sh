#!/usr/bin/env bash
# Packaging check: build a signed release with a throwaway key, verify it, see a tampered archive
# and a wrong key refused, then run the installed bundle for real (SQLite, PostgreSQL, keyring,
# offscreen and on an X display). Safe to repeat; exits non-zero on the first failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
started=$SECONDS

# A Secret Service (GNOME Keyring on a private D-Bus session) for the keyring check, the .desktop
# file validator, and a virtual X server.
debian_packages=(gnome-keyring dbus-daemon dbus-bin desktop-file-utils xvfb xauth)
"$root/scripts/ensure-debian-packages.sh" "${debian_packages[@]}"
# PyInstaller and cryptography come from the project's "release" extra (once per pyproject.toml).
stamp_value="release $(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f .venv/.release-stamp ] || [ "$(cat .venv/.release-stamp)" != "$stamp_value" ]; then
    if ! .venv/bin/python -m pip install -q -e ".[release]" >.venv/release-install.log 2>&1; then
        cat .venv/release-install.log >&2
        exit 1
    fi
    echo "$stamp_value" >.venv/.release-stamp
fi
python=.venv/bin/python

scratch="$(mktemp -d "${TMPDIR:-/tmp}/clinicdesk-package-check.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

step() { printf '\n== %s\n' "$*"; }

# Run a command that must be refused: exit status 1 and the given words in its message.
expect_refused() {
    local words="$1"
    shift
    local status=0
    "$@" >"$scratch/out.txt" 2>&1 || status=$?
    cat "$scratch/out.txt"
    if [ "$status" -ne 1 ] || ! grep -q "$words" "$scratch/out.txt"; then
        echo "package-check: expected exit 1 and '$words', got exit $status" >&2
        exit 1
    fi
}

step "Throwaway release key (outside the source tree)"
$python build/release.py keygen "$scratch/key"
export CLINICDESK_SIGNING_KEY_FILE="$scratch/key/clinicdesk-release.key"
public_key="$scratch/key/clinicdesk-release.pub"

step "Release: bundle, archive, SHA256SUMS, signature"
build_started=$SECONDS
$python build/release.py
build_seconds=$((SECONDS - build_started))
version="$($python -c 'import sys; sys.path.insert(0, "build"); from project import read_project; print(read_project().version)')"
release_dir="build/out/release/$version"
archive="$(ls "$release_dir"/clinicdesk-"$version"-linux-*.tar.gz)"

step "Verify the release"
$python build/verify.py "$archive" --public-key "$public_key"
if command -v minisign >/dev/null; then
    minisign -Vm "$release_dir/SHA256SUMS" -p "$public_key"
fi
(cd "$release_dir" && sha256sum --check SHA256SUMS)

step "A tampered archive is refused"
mkdir "$scratch/tampered"
cp "$release_dir"/* "$scratch/tampered/"
tampered="$scratch/tampered/$(basename "$archive")"
$python - "$tampered" <<'EOF'
import sys
with open(sys.argv[1], "r+b") as archive:
    archive.seek(archive.seek(0, 2) // 2)
    byte = archive.read(1)
    archive.seek(-1, 1)
    archive.write(bytes([byte[0] ^ 0x01]))
EOF
expect_refused "does not match its checksum" $python build/verify.py "$tampered" --public-key "$public_key"

step "Altered sums are refused"
cp "$archive" "$tampered"
$python - "$scratch/tampered/SHA256SUMS" <<'EOF'
import sys
with open(sys.argv[1], encoding="utf-8") as sums:
    text = sums.read()
with open(sys.argv[1], "w", encoding="utf-8") as sums:
    sums.write(("1" if text[0] == "0" else "0") + text[1:])  # as if the archive were swapped
EOF
expect_refused "The signature does not match SHA256SUMS" \
    $python build/verify.py "$tampered" --public-key "$public_key"

step "A wrong key is refused"
$python build/release.py keygen "$scratch/other-key"
expect_refused "was signed with key" \
    $python build/verify.py "$archive" --public-key "$scratch/other-key/clinicdesk-release.pub"

step "Linux menu entry"
desktop-file-validate build/linux/clinicdesk.desktop
tar -tzf "$archive" >"$scratch/archive-contents"  # not piped into grep -q: that would end tar early
grep -q '^clinicdesk/share/applications/clinicdesk.desktop$' "$scratch/archive-contents"

step "The installed bundle works (extracted from the archive, away from the source tree)"
mkdir "$scratch/opt"
tar -xzf "$archive" -C "$scratch/opt"
$python build/check_bundle.py "$scratch/opt/clinicdesk" --require-keyring

echo
echo "package-check: release built in ${build_seconds} s; whole check $((SECONDS - started)) s; all checks passed."
