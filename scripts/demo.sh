#!/usr/bin/env bash
# Sets up newsdesk, builds a fresh demo store from the bundled corpus and serves it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/newsdesk demo --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" "$@"
