#!/usr/bin/env bash
# The collection as users get it: `ansible-galaxy collection build` of this checkout, installed with
# `ansible-galaxy collection install --offline` into a temporary collections path that is the ONLY one Ansible
# sees, then tests/installed/token_and_rac.yml run with VENV's ansible-core (.venv: 2.16, the oldest supported)
# against the simulator, or the real test server in AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN (scripts/sim-env.sh).
# scripts/real-server-gate.sh runs it as its `installed` step.
#
#   scripts/installed-check.sh [VENV]      (VENV defaults to .venv)
set -euo pipefail
start=$SECONDS
cd "$(dirname "$0")/.."
venv=${1:-.venv}
[ -x "$venv/bin/ansible-galaxy" ] || { echo "installed-check.sh: $venv/bin/ansible-galaxy not found (make venv)" >&2; exit 1; }
PYTHON=$venv/bin/python
export PYTHON
venv_bin=$(cd "$venv/bin" && pwd)
export PATH="$venv_bin:$PATH" ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
work=$(mktemp -d)
trap 'rm -rf "$work"; _sim_stop' EXIT
# only the installed copy: not this checkout (sim-env.sh's link), not site-packages
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection build --output-path "$work/dist" . >/dev/null
ansible-galaxy collection install --offline --force --collections-path "$work/collections" "$work"/dist/*.tar.gz
[ -f "$work/collections/ansible_collections/authentik/api/MANIFEST.json" ] \
  || { echo "installed-check.sh: the tarball was not installed into $work/collections" >&2; exit 1; }
ansible-doc authentik.api.core_token | grep -q 'authentik.api.core_token' \
  || { echo "installed-check.sh: ansible-doc does not find authentik.api.core_token in the installed copy" >&2; exit 1; }
ansible-playbook tests/installed/token_and_rac.yml
echo "installed-check.sh: OK ($SIM_MODE, $(ansible --version | sed -n 1p)) in $((SECONDS - start)) s"
