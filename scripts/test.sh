#!/usr/bin/env bash
# Run every test, on SQLite and on a throwaway PostgreSQL server, after setting up what they need.
# The tests run in one worker process per core (each with its own throwaway server); extra
# arguments go to pytest, e.g. `-m "not slow"` for the quick run or `-n 0` for one process.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/python -m pytest -n auto "$@"
