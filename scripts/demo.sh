#!/usr/bin/env bash
# Start Clinic Desk on the embedded demo practice, after setting up what it needs.
#
# The demo's database is encrypted like a real practice's, with its key in the system keyring.
# On a machine with no keyring service (a server, a container), a private GNOME Keyring is started
# for this run on its own D-Bus session; it keeps the demo key in a folder of its own
# (~/.local/state/clinicdesk-demo-keyring), unlocked with a demo-only password, so the next run
# opens the same demo practice. On a machine with no screen, the app runs on a virtual one (Xvfb).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"

has_keyring() {
    .venv/bin/python - <<'PY'
import keyring
from keyring.backends import fail
backend = keyring.get_keyring()
raise SystemExit(1 if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0 else 0)
PY
}

started_pids=()
stop_started() {
    for pid in "${started_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap stop_started EXIT

if ! has_keyring; then
    "$root/scripts/ensure-debian-packages.sh" gnome-keyring dbus-daemon dbus-bin
    keyring_home="${XDG_STATE_HOME:-$HOME/.local/state}/clinicdesk-demo-keyring"
    mkdir -p -m 700 "$keyring_home/data" "$keyring_home/runtime"
    bus_file="$keyring_home/runtime/bus-address"
    dbus-daemon --session --nofork --nopidfile --print-address=1 >"$bus_file" 2>/dev/null &
    started_pids+=("$!")
    for _ in $(seq 50); do [ -s "$bus_file" ] && break; sleep 0.1; done
    export DBUS_SESSION_BUS_ADDRESS="$(head -n1 "$bus_file")"
    printf '%s' "clinic-desk-demo-keyring" | env HOME="$keyring_home" \
        XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/runtime" \
        gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
    started_pids+=("$!")
    for _ in $(seq 100); do
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q "boolean true"; then
            break
        fi
        sleep 0.1
    done
    echo "No keyring service found: started a private one for the demo (its key stays in $keyring_home)."
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    cat <<'EOF'
No screen found: Clinic Desk starts on a virtual screen (Xvfb), where nobody can see it.
  To stop it:          press Ctrl+C here.
  To see its screens:  ./scripts/demo.sh --screenshots DIR --as owner@demo.clinic
                       (saves a picture of each screen that login can use, then stops)
  To use it:           run this script on a computer with a desktop, or over ssh -X.
EOF
    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/clinicdesk --demo "$@"
    exit $?
fi
.venv/bin/clinicdesk --demo "$@"
