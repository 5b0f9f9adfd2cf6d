#!/usr/bin/env bash
# Start Clinic Desk on the embedded demo practice, after setting up what it needs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    echo "No screen found: starting on a virtual screen (Xvfb)."
    exec xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/clinicdesk --demo "$@"
fi
exec .venv/bin/clinicdesk --demo "$@"
