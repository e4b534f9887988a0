#!/usr/bin/env bash
# Builds the VS Code extension's .vsix for every `vsce package --target`, each carrying the
# dockerls server and all its dependencies in bundled/libs (editors/vscode/scripts/bundle.py),
# prints their sizes (each must stay under 15 MB), then checks the linux-x64 one: unpacks it,
# and on every supported Python creates a venv with nothing installed, asks the extension's own
# launch logic (launchCli, the code the extension runs) for the server command and runs an LSP
# session with it (tests/smoke/smoke.py lsp: diagnostics, completion, hover, code action).
#   bash scripts/vsix.sh [--wheel WHEEL] [--out DIR]   # default: build the wheel; DIR=dist/vsix
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
ext=editors/vscode
wheel=""
out=dist/vsix
while [[ $# -gt 0 ]]; do
  case $1 in
    --wheel) wheel=$(realpath "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
targets=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)
max_bytes=$((15 * 1024 * 1024))

work=$(mktemp -d)
trap 'rm -rf "$work" "$root/$ext/bundled"' EXIT
unset PYTHONPATH PYTHONHOME
# shellcheck source=scripts/pythons.sh
source scripts/pythons.sh

if [[ -z "$wheel" ]]; then
  python3 -m build --wheel --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  wheel=$(ls "$work"/dist/*.whl)
fi
version=$(basename "$wheel" | cut -d- -f2)

echo "== bundle the server for ${targets[*]}"
python3 "$ext/scripts/bundle.py" --wheel "$wheel" "${targets[@]/#/--target=}" --out-dir "$work/bundles"

echo "== package one .vsix per target"
npm run --prefix "$ext" --silent typecheck
npm run --prefix "$ext" --silent build -- --production >/dev/null 2>&1   # dist/extension.js
mkdir -p "$out"
out=$(cd "$out" && pwd)
for t in "${targets[@]}"; do
  rm -rf "$ext/bundled"
  cp -r "$work/bundles/$t" "$ext/bundled"
  vsix="$out/dockerls-$t-$version.vsix"
  (cd "$ext" && npx --no-install vsce package --no-dependencies --allow-missing-repository \
    --target "$t" --out "$vsix" >"$work/vsce-$t.log" 2>&1) || { cat "$work/vsce-$t.log"; exit 1; }
  size=$(stat -c %s "$vsix")
  awk -v t="$t" -v f="$(basename "$vsix")" -v s="$size" 'BEGIN { printf "  %-13s %s  %d bytes (%.1f MB)\n", t, f, s, s / 1048576 }'
  if ((size > max_bytes)); then echo "  $t: larger than 15 MB" >&2; exit 1; fi
done

echo "== check the linux-x64 .vsix"
unpacked="$work/linux-x64"
unzip -q "$out/dockerls-linux-x64-$version.vsix" -d "$unpacked"
extroot="$unpacked/extension"
listing=$(cd "$extroot" && find . -type f | sort)
versions=$(supported_pythons)
expect=(./dist/extension.js ./package.json ./bundled/manifest.json ./bundled/libs/dockerls/__init__.py
  ./bundled/libs/dockerls/schemas/settings.schema.json ./bundled/libs/tree_sitter_bash/__init__.py)
for v in $versions; do expect+=("./bundled/libs/tree_sitter/_binding.cpython-${v/./}-x86_64-linux-gnu.so"); done
for f in "${expect[@]}"; do
  grep -qxF "$f" <<<"$listing" || { echo "  missing from the .vsix: $f" >&2; exit 1; }
done
if grep -qE '/node_modules/|/__pycache__/|^\./src/|^\./bundled/libs/bin/' <<<"$listing"; then
  echo "  the .vsix carries files it should not:" >&2
  grep -E '/node_modules/|/__pycache__/|^\./src/|^\./bundled/libs/bin/' <<<"$listing" | head >&2
  exit 1
fi
echo "  contents: $(wc -l <<<"$listing") files, the server, its libraries and a tree-sitter binding per Python"

node "$ext/scripts/build.mjs" --tools >/dev/null
results=()
for v in $versions; do
  python=$(find_python "$v")
  venv="$work/venv-$v"
  "$python" -m venv --without-pip "$venv"   # nothing installed, not even pip
  node "$ext/out/tools/launchCli.js" --extension-root "$extroot" --interpreter "$venv/bin/python" \
    >"$work/launch-$v.json"
  python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["python"]; sys.exit(p["command"] != [sys.argv[2]] and f"the extension chose {p}")' \
    "$work/launch-$v.json" "$venv/bin/python"
  (cd "$work" && python3 "$root/tests/smoke/smoke.py" lsp --examples "$root/examples" --launch "$work/launch-$v.json")
  results+=("Python $v: bundled server passed")
done
echo "== .vsix results"
printf '  %s\n' "${results[@]}"
