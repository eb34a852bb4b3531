#!/usr/bin/env bash
# make install: build the collection tarball from this checkout and install it (replacing an installed copy)
# into a collections path, so that your own playbooks can use authentik.api.* from anywhere.
#
#   scripts/install.sh [COLLECTIONS_PATH]     (default: ansible-galaxy's default, ~/.ansible/collections)
#
# Uses the ansible-galaxy next to PYTHON (make install builds .venv-demo for it), else the one on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
galaxy=ansible-galaxy
if [ -n "${PYTHON:-}" ] && [ -x "$(dirname "$PYTHON")/ansible-galaxy" ]; then galaxy=$(dirname "$PYTHON")/ansible-galaxy; fi
command -v "$galaxy" >/dev/null 2>&1 || { echo "install.sh: ansible-galaxy not found (run make install)" >&2; exit 1; }
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
"$galaxy" collection build --output-path "$dist" .
dest=()
if [ $# -ge 1 ] && [ -n "$1" ]; then dest=(--collections-path "$1"); fi
"$galaxy" collection install --offline --force "${dest[@]}" "$dist"/*.tar.gz
echo "install.sh: installed; try: ansible-doc authentik.api.core_token"
