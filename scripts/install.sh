#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as
# root): the Debian packages (the real registry, Emacs with eglot and lsp-mode), the Python
# package with its test extras, and the npm packages (the peer server for the
# benchmarks, the official SARIF schema, the VS Code extension's build tools).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== system packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq docker-registry emacs-nox elpa-eglot elpa-lsp-mode elpa-dockerfile-mode unzip >/dev/null

echo "== python packages"
python3 -m pip install -q --upgrade pip
python3 -m pip install -q -e '.[test]'

echo "== npm packages"
npm ci --prefix bench --no-audit --no-fund --silent
npm ci --prefix tests/npm --no-audit --no-fund --silent   # the official SARIF 2.1.0 schema
npm ci --prefix editors/vscode --no-audit --no-fund --silent
