#!/usr/bin/env bash
# make molecule: `molecule test` of the scenarios in extensions/molecule/ (default: extensions/molecule/default)
# against the bundled authentik simulator, or against the server in AUTHENTIK_URL/AUTHENTIK_TOKEN when both
# are set (the live-session checks then skip themselves: the API cannot create RAC sessions).
#
#   scripts/molecule.sh [VENV] [MOLECULE TEST ARGS...]
#       VENV defaults to .venv; without ARGS every scenario runs (`molecule test -s NAME` each), e.g.
#       scripts/molecule.sh .venv -s default
#   AUTHENTIK_API_TEST_MODES="in-process normal"   (default: in-process; each scenario once per mode)
#
# No Docker: molecule's built-in `default` driver runs every playbook on localhost with a local connection.
# molecule finds the scenarios itself when it runs in the collection's root (it sees galaxy.yml and then looks
# in extensions/molecule/ rather than molecule/). The collection resolves through ANSIBLE_COLLECTIONS_PATH,
# a temporary ansible_collections/authentik/api link to this checkout made by scripts/sim-env.sh.
# Prints the elapsed seconds at the end; exits non-zero when any step fails.
set -euo pipefail
start=$SECONDS
cd "$(dirname "$0")/.."
venv=${1:-.venv}; shift || true
[ -x "$venv/bin/molecule" ] || { echo "molecule.sh: $venv/bin/molecule not found (run scripts/venv.sh 3.11)" >&2; exit 1; }
PYTHON=$venv/bin/python
export PYTHON
# ansible-playbook, ansible-galaxy and molecule of the venv, and the venv's python for the modules
venv_bin=$(cd "$venv/bin" && pwd)
export PATH="$venv_bin:$PATH"
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
export ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-1} ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
       ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 NO_COLOR=1
# molecule keeps its state and inventory under MOLECULE_EPHEMERAL_DIRECTORY (else ~/.cache/.../molecule.*):
# give each scenario a fresh throw-away one, so that runs, scenarios and clean copies of the tree never
# share state (a stale "converged" state would make molecule skip steps).
# AUTHENTIK_API_TEST_MODES: one `molecule test` per mode (default: in-process only): in-process (the collection's action
# plugins run the modules inside the controller) and normal (AUTHENTIK_API_IN_PROCESS=false: Ansible's normal
# module execution, a Python per task).
read -r -a modes <<<"${AUTHENTIK_API_TEST_MODES:-in-process}"
rc=0
run() {
  local eph mode in_process t0
  for mode in "${modes[@]}"; do
    case $mode in
      in-process) in_process=true ;;
      normal) in_process=false ;;
      *) echo "molecule.sh: AUTHENTIK_API_TEST_MODES: unknown mode '$mode' (in-process or normal)" >&2; rc=2; return ;;
    esac
    eph=$(mktemp -d)
    t0=$SECONDS
    echo "=== molecule test $*, $mode module execution"
    AUTHENTIK_API_IN_PROCESS=$in_process MOLECULE_EPHEMERAL_DIRECTORY=$eph molecule test "$@" || rc=$?
    echo "=== molecule test $*, $mode module execution: $([ $rc = 0 ] && echo OK || echo FAILED) in $((SECONDS - t0)) s"
    rm -rf "$eph"
    [ "$rc" -eq 0 ] || return
  done
}
if [ $# -gt 0 ]; then
  run "$@"
else
  found=0
  for f in extensions/molecule/*/molecule.yml; do
    [ -f "$f" ] || continue
    found=1
    scenario=${f#extensions/molecule/}; scenario=${scenario%/molecule.yml}
    echo "=== molecule test -s $scenario"
    run -s "$scenario"
    [ "$rc" -eq 0 ] || break
  done
  [ "$found" -eq 1 ] || { echo "molecule.sh: no scenario in extensions/molecule/*/molecule.yml" >&2; exit 1; }
fi
if [ "$rc" -eq 0 ]; then
  echo "molecule.sh: OK ($SIM_MODE) in $((SECONDS - start)) s"
else
  echo "molecule.sh: FAILED (molecule exit code $rc, $SIM_MODE) after $((SECONDS - start)) s" >&2
fi
exit "$rc"
