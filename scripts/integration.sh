#!/usr/bin/env bash
# make integration: run every tests/integration/targets/* playbook with `ansible-test integration`
# against the bundled authentik simulator, or the real test server in AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN
# (scripts/real-server-gate.sh sets them for the server it started).
# The simulator's URL and token reach the targets as authentik_url/authentik_token through
# tests/integration/integration_config.yml, written into ansible-test's copy of the collection.
#
#   scripts/integration.sh [VENV] [TARGET...]      (VENV defaults to .venv)
#   AUTHENTIK_API_TEST_MODES="in-process normal"    (default: in-process; one pass per mode, see below)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv}; shift || true
PYTHON=$venv/bin/python
export PYTHON
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
# AUTHENTIK_API_TEST_MODES: how the modules run, one pass over the targets per mode (default: in-process only):
#   in-process  the collection's action plugins run the modules inside the controller (the default for users)
#   normal      authentik_api_in_process: false, Ansible's normal module execution (AnsiballZ, a Python per task)
read -r -a modes <<<"${AUTHENTIK_API_TEST_MODES:-in-process}"
cfg=$(mktemp)
rc=0
for mode in "${modes[@]}"; do
  case $mode in
    in-process) in_process=true ;;
    normal) in_process=false ;;
    *) echo "integration.sh: AUTHENTIK_API_TEST_MODES: unknown mode '$mode' (in-process or normal)" >&2; rm -f "$cfg"; exit 2 ;;
  esac
  # authentik_simulator: false skips the checks that need the simulator (request counts, seeding through /_sim/);
  # authentik_server_ctl makes RAC connection tokens on the real test server through its ORM.
  printf 'authentik_url: %s\nauthentik_token: %s\nauthentik_simulator: %s\nauthentik_server_ctl: %s\nauthentik_api_in_process: %s\n' \
    "$AUTHENTIK_URL" "$AUTHENTIK_TOKEN" "$([ "$SIM_MODE" = simulator ] && echo true || echo false)" \
    "${AUTHENTIK_TEST_SERVER:-}" "$in_process" > "$cfg"
  t0=$SECONDS
  echo "=== integration targets, $mode module execution"
  AT_INTEGRATION_CONFIG=$cfg scripts/ansible-test.sh "$venv" integration "$@" || rc=$?
  echo "=== integration targets, $mode module execution: $([ $rc = 0 ] && echo OK || echo FAILED) in $((SECONDS - t0)) s"
  [ $rc = 0 ] || break
done
rm -f "$cfg"
exit $rc
