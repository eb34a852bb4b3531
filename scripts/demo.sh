#!/usr/bin/env bash
# make demo: run examples/site.yml against the simulator (or the server in AUTHENTIK_URL/AUTHENTIK_TOKEN):
#   run 1     converge (a token, an app password, a RAC provider, a property mapping, endpoints, a demo user)
#   run 2     the same again: no change
#   run 3     check mode with --diff, a new token description and a new provider connection_expiry: the predicted
#             diffs of the token and of the RAC provider, nothing written
#   run 4     the same as run 2: still no change (check mode wrote nothing)
#   sessions  two RAC sessions of the demo user are opened (simulator: its /_sim/ admin API; the real test server:
#             its control script in AUTHENTIK_TEST_SERVER; any other server: the API cannot open sessions, so
#             none are), then examples/rac_connection_token.yml lists and revokes them with a count
# and one summary line at the end, then the ansible-doc command that shows a module's documentation afterwards: the
# ansible-doc of PYTHON's venv, with a collections path in that venv (collections/) pointing at this checkout, since the
# simulator's collections path is gone when the demo ends. Needs only PYTHON (a venv with ansible-core and requests;
# make demo builds .venv-demo with any python3 >= 3.11).
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
# A collections path that outlives the demo, for ansible-doc afterwards (see the end)
doc_collections=$(cd "$venv_bin/.." && pwd)/collections
mkdir -p "$doc_collections/ansible_collections/authentik"
ln -sfn "$PWD" "$doc_collections/ansible_collections/authentik/api"
log=$(mktemp)
trap 'rm -f "$log"; _sim_stop' EXIT

recap() { grep -E '^localhost +:' "$log" | tail -1; }
changed_count() { recap | sed -E 's/.*changed=([0-9]+).*/\1/'; }
fail() { echo "FAIL: $*" >&2; exit 1; }

echo; echo "=== Run 1: converge (expect changed)"
ansible-playbook examples/site.yml | tee "$log"
first=$(changed_count)
grep -q 'Create a non-expiring API token for automation' "$log" || fail "run 1 did not create the token"

echo; echo "=== Run 2: the same playbook again (expect no change)"
ansible-playbook examples/site.yml | tee "$log"
second=$(changed_count)

echo; echo "=== Run 3: check mode with --diff, a new token description and a new RAC provider expiry (expect diffs, nothing written)"
ansible-playbook examples/site.yml --check --diff -e 'demo_description="Deploy pipeline token (edited in check mode)"' \
  -e 'demo_connection_expiry=hours=8' | tee "$log"
third=$(changed_count)
token_diff=$(grep -c '^+ *"\{0,1\}description"\{0,1\}: .*edited in check mode' "$log" || true)
provider_diff=$(grep -c '^+ *"\{0,1\}connection_expiry"\{0,1\}: .*hours=8' "$log" || true)

echo; echo "=== Run 4: after the check-mode run, still no change (check mode wrote nothing)"
ansible-playbook examples/site.yml | tee "$log"
fourth=$(changed_count)

echo; echo "=== Sessions: open two RAC sessions of ansible-demo-alice, then list and revoke them"
opened=0
if [ "$SIM_MODE" = simulator ]; then
  opened=$("$PYTHON" scripts/demo_sessions.py simulator)
elif [ -n "${AUTHENTIK_TEST_SERVER:-}" ] && [ -x "$AUTHENTIK_TEST_SERVER" ] && [ "$AUTHENTIK_URL" = "${AUTHENTIK_TEST_URL:-}" ]; then
  opened=$("$PYTHON" scripts/demo_sessions.py "$AUTHENTIK_TEST_SERVER")
else
  echo "(none opened: authentik's API cannot open RAC sessions, users do by connecting; listing and revoking what exists)"
fi
echo "opened $opened session(s)"
ansible-playbook examples/rac_connection_token.yml -e demo_revoke=true | tee "$log"
listed=$(sed -nE 's/.*"msg": "([0-9]+) live RAC session\(s\)".*/\1/p' "$log" | tail -1)
revoked=$(sed -nE 's/.*"msg": "([0-9]+) session\(s\) of ansible-demo-alice revoked".*/\1/p' "$log" | tail -1)

echo
echo "Demo summary ($SIM_MODE): run 1 changed=$first; rerun changed=$second; check mode predicted changed=$third" \
     "(token diff: $token_diff, RAC provider diff: $provider_diff) and wrote nothing (run 4 changed=$fourth);" \
     "sessions opened=$opened, listed=${listed:-?}, revoked=${revoked:-?}"
if [ "$SIM_MODE" = simulator ] && [ "$first" -eq 0 ]; then fail "the first run changed nothing"; fi
if [ "$second" -ne 0 ] || [ "$fourth" -ne 0 ]; then fail "a rerun reported changes (not idempotent)"; fi
if [ "$third" -eq 0 ] || [ "$token_diff" -eq 0 ] || [ "$provider_diff" -eq 0 ]; then
  fail "the check-mode run did not show the token and RAC provider diffs"
fi
if [ -z "$listed" ] || [ -z "$revoked" ]; then fail "the sessions play did not report its counts"; fi
if [ "$opened" -gt 0 ] && { [ "$listed" -lt "$opened" ] || [ "$revoked" -ne "$opened" ]; }; then
  fail "opened $opened session(s) but listed $listed and revoked $revoked"
fi
echo "OK: changed, then no change; check mode showed the token and RAC provider diffs and wrote nothing; $revoked session(s) revoked"
echo "Every module's documentation, offline (from any shell):" \
     "ANSIBLE_COLLECTIONS_PATH=$(printf '%q' "$doc_collections") $(printf '%q' "$venv_bin/ansible-doc") authentik.api.core_token"
