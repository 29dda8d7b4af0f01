#!/usr/bin/env bash
# Create a virtualenv for the bovine test peer and install the pinned packages.
# Usage: setup.sh [VENV_DIR]   (default: .venv next to this script)
# Needs Python >= 3.11 (set PYTHON=/path/to/python3.11 to choose one) and PyPI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-$here/.venv}"
python="${PYTHON:-python3}"

"$python" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"bovine needs Python >= 3.11, found {sys.version.split()[0]}")
PY

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
# (not "import bovine": it writes a JSON-LD cache file into the current directory)
"$venv/bin/python" -c "from importlib.metadata import version as v; print('bovine peer venv ready:', '$venv', 'bovine-herd', v('bovine-herd'), 'http-sf', v('http-sf'))"
