#!/usr/bin/env bash
# Run `make GATE` for each GATE in order, stop at the first failure, and print how long each gate took.
#   scripts/gates.sh venv units sanity lint changelog-lint [integration]
# `make test` calls this; MAKE may name the make binary (the Makefile passes $(MAKE)).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
make=${MAKE:-make}
names=() secs=() results=()
start_all=$SECONDS
rc=0
summary() {
  echo
  echo "==================== gate timings ===================="
  local i
  for i in "${!names[@]}"; do printf '  %-16s %-6s %5d s\n' "${names[$i]}" "${results[$i]}" "${secs[$i]}"; done
  printf '  %-16s %-6s %5d s\n' total "$([ $rc = 0 ] && echo ok || echo FAILED)" $((SECONDS - start_all))
  echo "======================================================"
}
for gate in "$@"; do
  echo
  echo "==================== gate: $gate ===================="
  t0=$SECONDS
  $make --no-print-directory "$gate"
  grc=$?
  names+=("$gate"); secs+=($((SECONDS - t0)))
  if [ $grc -ne 0 ]; then
    results+=(FAILED); rc=$grc
    echo "==================== gate $gate FAILED (exit $grc) after $((SECONDS - t0)) s ===================="
    break
  fi
  results+=(ok)
  echo "==================== gate $gate ok in $((SECONDS - t0)) s ===================="
done
summary
exit $rc
