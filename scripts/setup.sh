#!/usr/bin/env bash
# Creates .venv and installs newsdesk with everything it needs (idempotent, quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
if [ "${1:-}" = "--test" ]; then
  # Browser tests drive Debian's Chromium (never a downloaded browser build).
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
        || echo "setup: could not install chromium; browser tests will say so" >&2
    else
      echo "setup: chromium is not installed (apt-get install chromium); browser tests will say so" >&2
    fi
  fi
fi
