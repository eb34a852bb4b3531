#!/usr/bin/env bash
# Run ansible-test from a venv on a copy of this collection.
#
#   scripts/ansible-test.sh VENV COMMAND [ARGS...]
#   e.g. scripts/ansible-test.sh .venv units
#        scripts/ansible-test.sh .venv-3.13 sanity --test pep8
#
# - ansible-test only runs inside a real .../ansible_collections/<namespace>/<name>/ directory (it refuses
#   symlinked paths), so the git-tracked files plus the untracked, not-ignored ones
#   (`git ls-files -co --exclude-standard`) are copied to $(mktemp -d)/ansible_collections/authentik/api/.
# - `ansible-test sanity|units|integration --venv` bootstraps pip in its venvs with a get-pip.py that it
#   downloads from a host this network cannot reach. A stand-in that runs `python -m ensurepip` and then
#   `python -m pip install ARGS` is put in ansible-test's cache first
#   (~/.ansible/test/cache/get_pip_<ver>.py, <ver> read from this venv's ansible-core).
# - For sanity, units and integration, `--venv` and `--python X.Y` (the venv's Python) are added unless
#   ARGS already choose an environment or a Python.
# - AT_INTEGRATION_CONFIG=FILE: FILE is copied into the copy as tests/integration/integration_config.yml
#   (ansible-test passes its variables to every integration target; scripts/integration.sh uses it).
# - tests/output/ of the copy is copied back into this repo's tests/output/ (merged). The copy is then
#   deleted (KEEP_TMP=1 keeps it). The exit code of ansible-test is passed through.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: scripts/ansible-test.sh VENV COMMAND [ARGS...]" >&2; exit 2; }
venv=$1; shift
case "$venv" in /*) ;; *) venv="$repo/$venv" ;; esac
[ -x "$venv/bin/ansible-test" ] || { echo "ansible-test.sh: $venv/bin/ansible-test not found (run 'make venv')" >&2; exit 2; }
py="$venv/bin/python"
pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# --- the get-pip.py stand-in -----------------------------------------------------------------------
at_dir=$("$py" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
pip_ver=$(sed -n "s/^ *pip='\([0-9.]*\)',.*/\1/p" "$at_dir/_internal/python_requirements.py" | head -1)
[ -n "$pip_ver" ] || { echo "ansible-test.sh: cannot read pip='X' from $at_dir/_internal/python_requirements.py" >&2; exit 2; }
cache="$HOME/.ansible/test/cache/get_pip_${pip_ver//./_}.py"
marker='# authentik.api get-pip stand-in v1'
if [ ! -f "$cache" ] || grep -q '^# authentik.api get-pip stand-in' "$cache"; then
  mkdir -p "$(dirname "$cache")"
  cat > "$cache.tmp" <<EOF
$marker
# ansible-test downloads get-pip-$pip_ver.py from a host this network cannot reach; this does the same
# job with the venv's own ensurepip and PyPI. Written by scripts/ansible-test.sh of authentik.api.
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--quiet'] + args))
EOF
  mv "$cache.tmp" "$cache"
fi

# --- add --venv / --python ---------------------------------------------------------------------------
cmd=$1; shift
extra=()
case "$cmd" in
  sanity|units|integration|network-integration|windows-integration)
    has_env=0 has_py=0
    for a in "$@"; do
      case "$a" in
        --venv|--local|--docker|--docker=*|--remote|--remote=*|--controller|--controller=*|--target|--target=*|--target-posix|--target-posix=*) has_env=1; has_py=1 ;;
        --python|--python=*) has_py=1 ;;
      esac
    done
    [ $has_env = 1 ] || extra+=(--venv)
    [ $has_py = 1 ] || extra+=(--python "$pyver")
    ;;
esac

# --- copy the collection -------------------------------------------------------------------------------
tmp=$(mktemp -d)
dest="$tmp/ansible_collections/authentik/api"
mkdir -p "$dest"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { if [ "${KEEP_TMP:-0}" = 1 ]; then echo "ansible-test.sh: kept $tmp" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
(
  cd "$repo"
  git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
    # -c also lists tracked files deleted in the work tree: skip those
    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
  done | tar --null -T - -cf -
) | tar -C "$dest" -xf -
if [ -n "${AT_INTEGRATION_CONFIG:-}" ]; then
  mkdir -p "$dest/tests/integration"
  cp "$AT_INTEGRATION_CONFIG" "$dest/tests/integration/integration_config.yml"
fi

# --- run ------------------------------------------------------------------------------------------------
echo "ansible-test.sh: $(cd "$dest" && "$venv/bin/ansible-test" --version) (Python $pyver) in $dest:" \
     "ansible-test $cmd ${extra[*]} $*"
rc=0
(cd "$dest" && PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" "$cmd" "${extra[@]}" "$@") || rc=$?

if [ -d "$dest/tests/output" ]; then
  mkdir -p "$repo/tests/output"
  # .tmp holds ansible-test's scratch files (copies of the collection, venv links): not worth keeping
  (cd "$dest/tests/output" && find . -mindepth 1 -maxdepth 1 ! -name .tmp -exec cp -a {} "$repo/tests/output/" \;)
fi
exit $rc
