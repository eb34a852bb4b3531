#!/usr/bin/env bash
# Source this file: starts the authentik simulator in the background unless AUTHENTIK_URL and
# AUTHENTIK_TOKEN are already set, exports AUTHENTIK_URL/AUTHENTIK_TOKEN, and installs an EXIT trap
# that stops the simulator. Also points ANSIBLE_COLLECTIONS_PATH at this checkout.
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
if [ -n "${AUTHENTIK_URL:-}" ] && [ -n "${AUTHENTIK_TOKEN:-}" ]; then
  SIM_MODE=real
  echo "Using the authentik server at $AUTHENTIK_URL (AUTHENTIK_URL/AUTHENTIK_TOKEN are set)"
else
  SIM_MODE=simulator
  # SIM_ARGS: extra simulator flags, word-split on purpose (e.g. SIM_ARGS=--no-validate)
  read -r -a _sim_args <<<"${SIM_ARGS:-}"
  "$PYTHON" "$_repo/tests/simulator/authentik_sim.py" --host 127.0.0.1 --port 0 --token sim-admin-token \
    --ready-file "$_simdir/url" "${_sim_args[@]}" >"$_simdir/sim.log" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 1 300); do
    [ -s "$_simdir/url" ] && break
    if ! kill -0 "$SIM_PID" 2>/dev/null; then cat "$_simdir/sim.log" >&2; echo "simulator failed to start" >&2; exit 1; fi
    sleep 0.1
  done
  [ -s "$_simdir/url" ] || { cat "$_simdir/sim.log" >&2; echo "simulator did not start within 30 s" >&2; exit 1; }
  export AUTHENTIK_URL; AUTHENTIK_URL=$(cat "$_simdir/url")
  export AUTHENTIK_TOKEN=sim-admin-token
  echo "Started the bundled authentik API simulator at $AUTHENTIK_URL"
fi
export SIM_MODE SIM_PID
