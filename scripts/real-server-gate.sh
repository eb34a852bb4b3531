#!/usr/bin/env bash
# make test-real: everything that runs against a real authentik 2025.12.4 that this script builds (or reuses from
# its cache) and starts itself with scripts/authentik-server.sh, on loopback:
#   parity       tests/parity: the same requests to the simulator and to the real server, answers compared
#   integration  every tests/integration/targets/* playbook (with .venv: ansible-core 2.16, the oldest supported)
#   installed    scripts/installed-check.sh: the built tarball installed into a collections path of its own
#                manages a token and a RAC provider with ansible-core 2.16
#   molecule     the molecule scenario
#   demo         make demo, then make demo-clean
#   realserver   tests/realserver without the outages: least privilege, the end-to-end example, 10 forks racing
#                (run side by side with parity: neither stops the server, and both wait on it much of the time)
#   reliability  tests/realserver/test_reliability_real.py: the web server stopped with TERM at random points of a
#                play, PostgreSQL stopped for 20 s (run alone: they stop parts of the server)
# Without an authentik source (see scripts/authentik-server.sh) it prints one line saying why and passes.
# It never uses a server named in AUTHENTIK_URL/AUTHENTIK_TOKEN: the suite runs against the server it started.
#
#   scripts/real-server-gate.sh [STEP...]     (default: every step, in the order above)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ctl=scripts/authentik-server.sh
venv=.venv
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(parity+realserver integration installed molecule demo reliability)

if ! why=$($ctl available); then
  echo "test-real: skipped: $why"
  exit 0
fi
start=$SECONDS
names=() secs=() results=()
rc=0
step() {
  local name=$1 t0=$SECONDS r=0
  shift
  echo; echo "---------- test-real: $name ----------"
  "$@" || r=$?
  names+=("$name"); secs+=($((SECONDS - t0)))
  if [ $r = 0 ]; then results+=(ok); else results+=(FAILED); rc=$r; fi
  return $r
}
# shellcheck disable=SC2317  # called through the EXIT trap
summary() {
  echo; echo "---------- test-real timings ----------"
  local i
  for i in "${!names[@]}"; do printf '  %-14s %-6s %5d s\n' "${names[$i]}" "${results[$i]}" "${secs[$i]}"; done
  printf '  %-14s %-6s %5d s\n' total "$([ "$rc" = 0 ] && echo ok || echo FAILED)" $((SECONDS - start))
}
# shellcheck disable=SC2317  # called through the EXIT trap
finish() { $ctl stop > /dev/null 2>&1 || true; summary; }
trap finish EXIT

step build $ctl build || exit $rc
step start $ctl start --fresh || exit $rc
eval "$($ctl env)"
# The integration targets and molecule run here in-process (the mode users get by default); `make integration`,
# `make molecule` and `make system` prove on the simulator that both modes give the same results.
# AUTHENTIK_API_TEST_MODES="in-process normal" runs both here too.
modes=${AUTHENTIK_API_TEST_MODES:-in-process}
export PATH="$PWD/$venv/bin:$PATH"

# side_by_side NAME...: the steps NAME... at the same time, each with its output in a file printed when all are done
# (one line of the timing table for all of them)
# shellcheck disable=SC2317  # called through step
side_by_side() {
  local name pids=() r=0 dir
  dir=$(mktemp -d)
  for name in "$@"; do
    run_step "$name" > "$dir/$name.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || r=$?; done
  for name in "$@"; do echo "---------- test-real: $name (output) ----------"; cat "$dir/$name.log"; done
  rm -rf "$dir"
  return "$r"
}

# shellcheck disable=SC2317  # called through side_by_side
run_step() {
  case $1 in
    parity) "$venv/bin/python" -m pytest -p no:cacheprovider -r a tests/parity ;;
    realserver) "$venv/bin/python" -m pytest -p no:cacheprovider -rA --durations=5 tests/realserver \
                  --ignore tests/realserver/test_reliability_real.py ;;
    *) echo "test-real: '$1' cannot run side by side" >&2; return 2 ;;
  esac
}

for s in "${steps[@]}"; do
  case $s in
    *+*) IFS=+ read -r -a group <<<"$s"; step "$s" side_by_side "${group[@]}" ;;
    parity | realserver) step "$s" run_step "$s" ;;
    integration) step integration env AUTHENTIK_API_TEST_MODES="$modes" bash scripts/integration.sh "$venv" ;;
    installed) step installed bash scripts/installed-check.sh "$venv" ;;
    molecule) step molecule env AUTHENTIK_API_TEST_MODES="$modes" bash scripts/molecule.sh "$venv" ;;
    demo) step demo bash -c 'SIM_ENV_FOR=demo bash scripts/demo.sh && SIM_ENV_FOR=demo bash scripts/demo.sh clean' ;;
    reliability) step reliability "$venv/bin/python" -m pytest -p no:cacheprovider -rA tests/realserver/test_reliability_real.py ;;
    *) echo "test-real: unknown step '$s'" >&2; rc=2 ;;
  esac
done
exit $rc
