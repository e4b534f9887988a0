# Sourced by scripts/smoke.sh and scripts/vsix.sh.
# supported_pythons: the `Programming Language :: Python :: 3.x` classifiers of pyproject.toml.
# find_python X.Y: pyenv's X.Y.* interpreter, else `pythonX.Y` on PATH.

supported_pythons() {
  python3 - <<'PY'
import re, tomllib
classifiers = tomllib.load(open("pyproject.toml", "rb"))["project"]["classifiers"]
print(" ".join(m.group(1) for c in classifiers if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))))
PY
}

find_python() {
  local v=$1 root_dir p
  root_dir=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for p in "$root_dir"/versions/"$v".*/bin/python; do
    if [[ -x "$p" ]]; then echo "$p"; return; fi
  done
  command -v "python$v" || { echo "no Python $v (pyenv or python$v on PATH)" >&2; return 1; }
}
