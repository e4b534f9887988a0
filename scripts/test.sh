#!/usr/bin/env bash
# The test command of the README: the whole suite, end-to-end tests last.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pytest -q -p no:cacheprovider -n 2 --dist loadfile "$@"
