#!/usr/bin/env bash
# make integration: run every tests/integration/targets/* playbook with `ansible-test integration`
# against the bundled authentik simulator (or the server in AUTHENTIK_URL/AUTHENTIK_TOKEN).
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
printf 'authentik_url: %s\nauthentik_token: %s\n' "$AUTHENTIK_URL" "$AUTHENTIK_TOKEN" > "$cfg"
AT_INTEGRATION_CONFIG=$cfg scripts/ansible-test.sh "$venv" integration "$@"
rc=$?
rm -f "$cfg"
exit $rc
