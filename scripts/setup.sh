#!/usr/bin/env bash
# Prepare this checkout on a Debian machine: system packages, a virtual environment and the package.
# Safe to repeat: each step is skipped when it is already done.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Libraries Qt needs to draw (offscreen and on X11), fonts, a virtual X server for the demo on a
# headless machine, and a PostgreSQL server for the networked-mode tests.
debian_packages=(
    libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
    libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core xvfb xauth
    postgresql postgresql-contrib
)
"$root/scripts/ensure-debian-packages.sh" "${debian_packages[@]}"

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp_value="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f .venv/.setup-stamp ] || [ "$(cat .venv/.setup-stamp)" != "$stamp_value" ]; then
    echo "Installing Clinic Desk and its Python packages into .venv"
    if ! { .venv/bin/python -m pip install -q --upgrade pip &&
        .venv/bin/python -m pip install -q -e ".[dev]"; } >.venv/install.log 2>&1; then
        cat .venv/install.log >&2
        exit 1
    fi
    echo "$stamp_value" > .venv/.setup-stamp
fi
