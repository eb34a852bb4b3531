#!/usr/bin/env bash
# make demo: run examples/site.yml against the simulator (or the server in AUTHENTIK_URL/AUTHENTIK_TOKEN)
# twice - the first run changes things, the second must change nothing - then once in check mode with
# --diff and a changed description, which shows the predicted diff and writes nothing.
# `scripts/demo.sh clean` (make demo-clean) removes what the demo made instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export PYTHON
venv_bin=$(cd "$(dirname "$PYTHON")" && pwd)
export PATH="$venv_bin:$PATH"
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
export ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-1} ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
if [ "${1:-}" = clean ]; then
  echo; echo "=== demo-clean: remove what the demo made"
  ansible-playbook examples/demo_clean.yml
  exit 0
fi
log=$(mktemp)

recap() { grep -E '^localhost +:' "$log" | tail -1; }
changed_count() { recap | sed -E 's/.*changed=([0-9]+).*/\1/'; }

echo; echo "=== Run 1: converge (expect changed)"
ansible-playbook examples/site.yml | tee "$log"
first=$(changed_count)

echo; echo "=== Run 2: the same playbook again (expect no change)"
ansible-playbook examples/site.yml | tee "$log"
second=$(changed_count)

echo; echo "=== Run 3: check mode with --diff and a new description (expect a predicted diff, nothing written)"
ansible-playbook examples/site.yml --check --diff -e 'demo_description="Deploy pipeline token (edited in check mode)"' | tee "$log"
third=$(changed_count)

echo; echo "=== Run 4: after the check-mode run, still no change (check mode wrote nothing)"
ansible-playbook examples/site.yml | tee "$log"
fourth=$(changed_count)
rm -f "$log"

echo
echo "Demo summary ($SIM_MODE): run 1 changed=$first, run 2 changed=$second, check-mode run changed=$third, run 4 changed=$fourth"
if [ "$SIM_MODE" = simulator ] && [ "$first" -eq 0 ]; then echo "FAIL: the first run changed nothing" >&2; exit 1; fi
if [ "$second" -ne 0 ] || [ "$fourth" -ne 0 ]; then echo "FAIL: a rerun reported changes (not idempotent)" >&2; exit 1; fi
if [ "$third" -eq 0 ]; then echo "FAIL: the check-mode run predicted no change" >&2; exit 1; fi
echo "OK: changed, then no change; check mode predicted a change and wrote nothing"
