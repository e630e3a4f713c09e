#!/usr/bin/env bash
# Set up everything the tests need on a bare machine, then lint and run every test.
#   bash scripts/test.sh            # every test, browser and PostgreSQL tests included
#   bash scripts/test.sh -k ledger  # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "The tests need Debian's ${need[*]}: sudo apt-get install ${need[*]}" >&2
  fi
fi
python3 -m pip install -q --disable-pip-version-check -r requirements.txt
# Lint first: a lint error fails the run like a failing test.
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m pytest "$@"
