#!/usr/bin/env bash
# Run every test, on SQLite and on a throwaway PostgreSQL server, after setting up what they need.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/python -m pytest "$@"
