#!/usr/bin/env bash
# make integration: run every tests/integration/targets/* playbook with `ansible-test integration`
# against the bundled authentik simulator, or the real test server in AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN
# (scripts/real-server-gate.sh sets them for the server it started).
# The simulator's URL and token reach the targets as authentik_url/authentik_token through
# tests/integration/integration_config.yml, written into ansible-test's copy of the collection.
#
#   scripts/integration.sh [VENV] [TARGET...]      (VENV defaults to .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv}; shift || true
PYTHON=$venv/bin/python
export PYTHON
# shellcheck source=scripts/sim-env.sh
source scripts/sim-env.sh
cfg=$(mktemp)
# authentik_simulator: false skips the checks that need the simulator (request counts, seeding through /_sim/);
# authentik_server_ctl makes RAC connection tokens on the real test server through its ORM.
printf 'authentik_url: %s\nauthentik_token: %s\nauthentik_simulator: %s\nauthentik_server_ctl: %s\n' \
  "$AUTHENTIK_URL" "$AUTHENTIK_TOKEN" "$([ "$SIM_MODE" = simulator ] && echo true || echo false)" \
  "${AUTHENTIK_TEST_SERVER:-}" > "$cfg"
AT_INTEGRATION_CONFIG=$cfg scripts/ansible-test.sh "$venv" integration "$@"
rc=$?
rm -f "$cfg"
exit $rc
