#!/usr/bin/env bash
# Run `make GATE` for each GATE in order, stop at the first failure, and print a table of the gates' times and the
# total (with a warning when the total passes WARN_SECONDS, default 45 minutes).
#   scripts/gates.sh venv bg:server-build units sanity ... join:server-build test-real
# `bg:GATE` starts `make GATE` in the background (its output goes to tests/output/gate-GATE.log) while the next
# gates run; `join:GATE` waits for it, prints its output and fails when it failed. Only for a gate that does not
# fight the others for the 2 cores all the time (the real server's build: downloads, one compiler, migrations).
# `make test` calls this; MAKE may name the make binary (the Makefile passes $(MAKE)).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
make=${MAKE:-make}
warn=${WARN_SECONDS:-2700}
names=() secs=() results=()
declare -A bg_pid=() bg_start=()
start_all=$SECONDS
rc=0
summary() {
  local total=$((SECONDS - start_all)) i
  echo
  echo "==================== gate timings ===================="
  for i in "${!names[@]}"; do printf '  %-24s %-6s %5d s\n' "${names[$i]}" "${results[$i]}" "${secs[$i]}"; done
  printf '  %-24s %-6s %5d s (%d min %02d s)\n' total "$([ "$rc" = 0 ] && echo ok || echo FAILED)" "$total" \
    "$((total / 60))" "$((total % 60))"
  echo "======================================================"
  if [ "$total" -gt "$warn" ]; then
    echo "WARNING: make test took $total s, more than $warn s ($((warn / 60)) min): CI's limit is 90 min" >&2
  fi
}
# shellcheck disable=SC2317  # called through the EXIT trap
stop_background() {
  local name
  for name in "${!bg_pid[@]}"; do kill -- "-${bg_pid[$name]}" 2>/dev/null || kill "${bg_pid[$name]}" 2>/dev/null || true; done
}
trap stop_background EXIT
for gate in "$@"; do
  case $gate in
    bg:*)
      name=${gate#bg:}
      mkdir -p tests/output
      echo
      echo "==================== gate: $name (in the background: tests/output/gate-$name.log) ===================="
      bg_start[$name]=$SECONDS
      set -m
      { t0=$SECONDS; grc=0; $make --no-print-directory "$name" || grc=$?
        echo $((SECONDS - t0)) > "tests/output/gate-$name.seconds"; exit "$grc"; } > "tests/output/gate-$name.log" 2>&1 &
      bg_pid[$name]=$!
      set +m
      continue
      ;;
    join:*)
      name=${gate#join:}
      echo
      echo "==================== gate: $name (joining the background run) ===================="
      grc=0
      wait "${bg_pid[$name]}" || grc=$?
      unset "bg_pid[$name]"
      cat "tests/output/gate-$name.log"
      # its own time; the gates after it did not wait for it unless its time is longer than the gates it ran beside
      names+=("$name (background)"); secs+=("$(cat "tests/output/gate-$name.seconds" 2>/dev/null || echo $((SECONDS - bg_start[$name])))")
      ;;
    *)
      echo
      echo "==================== gate: $gate ===================="
      t0=$SECONDS
      grc=0
      $make --no-print-directory "$gate" || grc=$?
      name=$gate
      names+=("$gate"); secs+=($((SECONDS - t0)))
      ;;
  esac
  if [ "$grc" -ne 0 ]; then
    results+=(FAILED); rc=$grc
    echo "==================== gate $name FAILED (exit $grc) after ${secs[-1]} s ===================="
    break
  fi
  results+=(ok)
  echo "==================== gate $name ok in ${secs[-1]} s ===================="
done
summary
exit "$rc"
