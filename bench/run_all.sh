#!/usr/bin/env bash
# Run every dockerls benchmark in sequence. Results go to bench/results/ (git-ignored).
# Usage: bash bench/run_all.sh            (from anywhere)
#        QUICK=1 bash bench/run_all.sh    (fewer edits/runs, for a sanity check)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x bench/node_modules/.bin/docker-langserver ] && [ ! -e bench/node_modules/dockerfile-language-server-nodejs/bin/docker-langserver ]; then
    echo "== installing the peer server (npm ci --prefix bench)"
    npm ci --prefix bench --no-audit --no-fund
fi

PY=${PYTHON:-python3}
if [ "${QUICK:-0}" = 1 ]; then
    EDITS=6; RUNS=1; CHECK_LIMIT=(--limit 100)
else
    EDITS=30; RUNS=5; CHECK_LIMIT=()
fi
status=0

echo "== make_big.py";     "$PY" bench/make_big.py || status=1
echo; echo "== bench_parse.py";  "$PY" bench/bench_parse.py --runs "$RUNS" --edits "$EDITS" || status=1
echo; echo "== bench_startup.py"; "$PY" bench/bench_startup.py --runs "$([ "$RUNS" = 1 ] && echo 3 || echo 10)" || status=1
echo; echo "== bench_server.py"; "$PY" bench/bench_server.py --edits "$EDITS" || status=1
echo; echo "== bench_format.py"; "$PY" bench/bench_format.py --runs "$([ "$RUNS" = 1 ] && echo 3 || echo 7)" || status=1
echo; echo "== bench_soak.py";  "$PY" bench/bench_soak.py --edits "$([ "$RUNS" = 1 ] && echo 500 || echo 5000)" || status=1
echo; echo "== bench_check.py";  "$PY" bench/bench_check.py --runs "$([ "$RUNS" = 1 ] && echo 1 || echo 3)" "${CHECK_LIMIT[@]}" || status=1

exit "$status"
