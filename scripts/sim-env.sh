#!/usr/bin/env bash
# Source this file: starts the authentik simulator in the background unless a real server was chosen (see
# below), exports AUTHENTIK_URL/AUTHENTIK_TOKEN of the server in use and SIM_MODE (simulator or real), and
# installs an EXIT trap that stops the simulator. Also points ANSIBLE_COLLECTIONS_PATH at this checkout.
# Needs: PYTHON (the venv's python, with authentik-client for request validation).
: "${PYTHON:?PYTHON must point at the venv python}"
_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_simdir=$(mktemp -d)
mkdir -p "$_simdir/collections/ansible_collections/authentik"
ln -s "$_repo" "$_simdir/collections/ansible_collections/authentik/api"
export ANSIBLE_COLLECTIONS_PATH="$_simdir/collections"
SIM_PID=""
_sim_stop() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  rm -rf "$_simdir"
}
trap _sim_stop EXIT
# Tests never touch a server the user named in AUTHENTIK_URL/AUTHENTIK_TOKEN: they use the simulator, or the
# server in AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN (set by the real-server gate for the server it started, or by
# a user who opts in). The demo (SIM_ENV_FOR=demo) is the one exception: it is meant for the user's own server.
if [ "${SIM_ENV_FOR:-test}" = demo ] && [ -n "${AUTHENTIK_URL:-}" ] && [ -n "${AUTHENTIK_TOKEN:-}" ]; then
  SIM_MODE=real
  echo "Using the authentik server at $AUTHENTIK_URL (AUTHENTIK_URL/AUTHENTIK_TOKEN are set)"
elif [ -n "${AUTHENTIK_TEST_URL:-}" ] && [ -n "${AUTHENTIK_TEST_TOKEN:-}" ]; then
  SIM_MODE=real
  export AUTHENTIK_URL=$AUTHENTIK_TEST_URL AUTHENTIK_TOKEN=$AUTHENTIK_TEST_TOKEN
  echo "Using the real authentik test server at $AUTHENTIK_URL (AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN are set)"
else
  if [ -n "${AUTHENTIK_URL:-}" ]; then
    echo "Ignoring AUTHENTIK_URL=$AUTHENTIK_URL: tests run against the simulator (set AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN to test a real server)"
  fi
  SIM_MODE=simulator
  # SIM_ARGS: extra simulator flags, word-split on purpose (e.g. SIM_ARGS=--no-validate)
  read -r -a _sim_args <<<"${SIM_ARGS:-}"
  "$PYTHON" "$_repo/tests/simulator/authentik_sim.py" --host 127.0.0.1 --port 0 --token sim-admin-token \
    --ready-file "$_simdir/url" "${_sim_args[@]}" >"$_simdir/sim.log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 1200); do  # importing the authentik-client models takes ~15 s, much longer on a busy machine
    [ -s "$_simdir/url" ] && break
    if ! kill -0 "$SIM_PID" 2>/dev/null; then cat "$_simdir/sim.log" >&2; echo "simulator failed to start" >&2; exit 1; fi
    sleep 0.1
  done
  [ -s "$_simdir/url" ] || { cat "$_simdir/sim.log" >&2; echo "simulator did not start within 120 s" >&2; exit 1; }
  export AUTHENTIK_URL; AUTHENTIK_URL=$(cat "$_simdir/url")
  export AUTHENTIK_TOKEN=sim-admin-token
  echo "Started the bundled authentik API simulator at $AUTHENTIK_URL"
fi
export SIM_MODE SIM_PID
