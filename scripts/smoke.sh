#!/usr/bin/env bash
# Builds the sdist and the wheel once (`python -m build`: the wheel is built from the sdist), then
# for every Python version the classifiers in pyproject.toml name, installs the wheel with
# `pipx install --python <that Python>` (a fresh venv holding only the declared dependencies) and
# runs tests/smoke/smoke.py with it, from a temporary working directory so nothing comes from
# the source tree.  Python X.Y is found as pyenv's X.Y.*, else `pythonX.Y` on PATH.
#   bash scripts/smoke.sh [--keep-dist DIR]   # DIR receives the built sdist and wheel
# Prints the size of the wheel and each Python's result.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
keep=""
if [[ "${1:-}" == "--keep-dist" ]]; then keep=$2; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset PYTHONPATH PYTHONHOME

echo "== build: sdist and wheel"
python3 -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/*.whl)
ls -l "$work"/dist | awk 'NR > 1 { printf "  %s  %d bytes (%.1f MB)\n", $9, $5, $5 / 1048576 }'
if [[ -n "$keep" ]]; then mkdir -p "$keep" && cp "$work"/dist/* "$keep"/; fi

# shellcheck source=scripts/pythons.sh
source scripts/pythons.sh
versions=$(supported_pythons)

export PIPX_SHARED_LIBS="$work/pipx-shared"
results=()
for v in $versions; do
  python=$(find_python "$v")
  echo "== Python $v: pipx install the wheel, smoke suite ($python)"
  export PIPX_HOME="$work/pipx-$v" PIPX_BIN_DIR="$work/bin-$v" PIPX_MAN_DIR="$work/man-$v"
  python3 -m pipx install --quiet --python "$python" "$wheel" >"$work/pipx-$v.log" 2>&1 ||
    { cat "$work/pipx-$v.log"; exit 1; }
  venv_python="$PIPX_HOME/venvs/dockerfile-language-server/bin/python"
  # pipx links the console script into PIPX_BIN_DIR; the smoke suite uses the venv's own copy.
  "$PIPX_BIN_DIR/dockerls" --version
  (cd "$work" && "$venv_python" "$root/tests/smoke/smoke.py" installed --examples "$root/examples")
  results+=("Python $v: passed")
done
echo "== smoke results"
printf '  %s\n' "${results[@]}"
