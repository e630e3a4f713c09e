#!/usr/bin/env bash
# Set up everything the tests need on a bare machine, then run them all.
#   bash scripts/test.sh            # every test, browser tests included
#   bash scripts/test.sh -k ledger  # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2
  fi
fi
python3 -m pip install -q --disable-pip-version-check -r requirements.txt
python3 -m pytest "$@"
