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
out=$("$galaxy" collection install --offline --force "${dest[@]}" "$dist"/*.tar.gz) || { echo "$out"; exit 1; }
echo "$out"
# Print the command that shows a module's documentation, as it works when typed in any shell: the ansible-doc next to
# this ansible-galaxy (ansible may not be on PATH), and ANSIBLE_COLLECTIONS_PATH when Ansible, as configured here,
# would not find this copy first (a collections path that is not on its search path, or after another copy).
installed=$(sed -n "s#^Installing 'authentik\.api:.*' to '\(.*\)/ansible_collections/authentik/api'.*#\1#p" <<<"$out" | tail -1)
[ -n "$installed" ] || { echo "install.sh: ansible-galaxy did not say where it installed authentik.api" >&2; exit 1; }
installed=$(cd "$installed" && pwd -P)
bindir=$(cd "$(dirname "$(command -v "$galaxy")")" && pwd)
python=$bindir/python
[ -x "$python" ] || python=$(sed -n '1s/^#! *//p' "$bindir/ansible-galaxy" | cut -d' ' -f1)
first=$("$python" -c '
import os
from ansible import constants as C
for path in C.COLLECTIONS_PATHS:
    path = os.path.realpath(os.path.expanduser(path))
    if os.path.isdir(os.path.join(path, "ansible_collections", "authentik", "api")):
        print(path)
        break
' 2>/dev/null || true)
cmd=$(printf '%q authentik.api.core_token' "$bindir/ansible-doc")
if [ "$first" != "$installed" ]; then
  cmd="ANSIBLE_COLLECTIONS_PATH=$(printf '%q' "$installed") $cmd"
  echo "install.sh: $installed is not on Ansible's collections search path (or another copy comes first): give it to" \
       "your playbooks with ANSIBLE_COLLECTIONS_PATH=$(printf '%q' "$installed") or collections_path in ansible.cfg"
fi
echo "install.sh: installed authentik.api into $installed; a module's documentation: $cmd"
