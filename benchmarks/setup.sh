#!/usr/bin/env bash
# Install what benchmarks/run.py compares refjournal with: Hugo from Debian, and Pelican
# and MkDocs from PyPI in their own virtualenv (benchmarks/.venv), apart from refjournal's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v hugo >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get update && apt-get install -y hugo
    else sudo apt-get update && sudo apt-get install -y hugo; fi
fi
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
hugo version
"$here/.venv/bin/pelican" --version
"$here/.venv/bin/mkdocs" --version
