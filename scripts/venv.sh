#!/usr/bin/env bash
# Create (or reuse) the development venvs.
#
#   scripts/venv.sh 3.11    -> .venv       from requirements-dev.txt     (ansible-core 2.16, all tools)
#   scripts/venv.sh 3.13    -> .venv-3.13  from requirements-dev-313.txt (newest ansible-core)
#   scripts/venv.sh all     -> both
#   scripts/venv.sh demo    -> .venv-demo  from requirements-demo.txt    (make demo: ansible-core only, with
#                                                                         python3 if it is >= 3.11)
#
# Idempotent: a stamp file inside the venv holds a hash of the requirement files, the interpreter's
# version and LAYOUT below. When it matches, nothing is done (well under a second); otherwise the venv is
# deleted and built again from scratch, so a removed requirement never lingers.
# Python 3.11 is the default `python3` (or `python3.11`); Python 3.13 comes from pyenv. A missing
# interpreter is an error, never a silent skip.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off

# Bump to force every venv to be rebuilt (e.g. after a change of how they are built).
LAYOUT=1

die() { echo "venv.sh: $*" >&2; exit 1; }

# pip install into venv $1, without the machine's noise about missing local index folders.
pip_install() {
  local venv=$1; shift
  { "$venv/bin/python" -m pip install --quiet "$@" 2>&1 1>&3 \
      | (grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory" || true) >&2; } 3>&1
}

# Print the X.Y version of the interpreter $1, or nothing if it does not run.
py_xy() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }

# Print the path of a Python X.Y interpreter, or fail with a clear message.
find_python() {
  local want=$1 cand roots=() root
  # 1. the default python3 (3.11 on these machines), then pythonX.Y on PATH
  for cand in python3 "python$want"; do
    if command -v "$cand" >/dev/null 2>&1 && [ "$(py_xy "$(command -v "$cand")")" = "$want" ]; then
      command -v "$cand"; return 0
    fi
  done
  # 2. pyenv: `pyenv root`, then $PYENV_ROOT, then $HOME/.pyenv; newest installed X.Y.Z first
  if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root 2>/dev/null || true)"); fi
  roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv")
  for root in "${roots[@]}"; do
    if [ -z "$root" ] || [ ! -d "$root/versions" ]; then continue; fi
    while IFS= read -r cand; do
      if [ -x "$cand" ] && [ "$(py_xy "$cand")" = "$want" ]; then echo "$cand"; return 0; fi
    done < <(printf '%s\n' "$root"/versions/"$want".*/bin/python"$want" | sort -rV)
  done
  echo "venv.sh: cannot find Python $want: tried python3, python$want on PATH and" \
       "\$(pyenv root)/versions/$want.*/bin/python$want (pyenv root, \$PYENV_ROOT, \$HOME/.pyenv)." \
       "Install it (e.g. 'pyenv install $want') and run again." >&2
  return 1
}

# The demo's interpreter: python3 when it is 3.11 or newer, else the newest python3.1X on PATH.
find_demo_python() {
  local cand
  for cand in python3 python3.14 python3.13 python3.12 python3.11; do
    if command -v "$cand" >/dev/null 2>&1 \
       && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$cand"; return 0
    fi
  done
  echo "venv.sh: make demo needs Python 3.11 or newer: python3 is $(python3 -V 2>&1 || echo missing)" >&2
  return 1
}

build() {
  local ver=$1 dir req py stamp key
  case "$ver" in
    3.11) dir=.venv;      req=requirements-dev.txt ;;
    3.13) dir=.venv-3.13; req=requirements-dev-313.txt ;;
    demo) dir=.venv-demo; req=requirements-demo.txt ;;
    *) die "unknown Python version '$ver' (use 3.11, 3.13, all or demo)" ;;
  esac
  [ -f "$req" ] || die "missing $req"
  if [ "$ver" = demo ]; then
    py=$(find_demo_python) || exit 1
    ver=$(py_xy "$py")
  else
    py=$(find_python "$ver") || exit 1
  fi
  stamp="$dir/.requirements.sha256"
  key=$( { echo "layout $LAYOUT"; cat "$req" requirements.txt; "$py" -VV; } | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && [ -x "$dir/bin/python" ] \
     && [ "$(py_xy "$dir/bin/python")" = "$ver" ]; then
    echo "venv.sh: $dir is up to date ($req, $("$dir/bin/python" -V 2>&1))"
    return 0
  fi
  echo "venv.sh: building $dir with $py ($("$py" -V 2>&1)) from $req"
  local start=$SECONDS
  rm -rf "$dir"
  "$py" -m venv "$dir"
  pip_install "$dir" --upgrade pip
  pip_install "$dir" -r "$req"
  echo "$key" > "$stamp"
  echo "venv.sh: $dir ready in $((SECONDS - start)) s: $("$dir/bin/python" -V 2>&1)," \
       "$("$dir/bin/ansible" --version 2>/dev/null | head -1)"
}

[ $# -ge 1 ] || die "usage: scripts/venv.sh 3.11|3.13|all|demo"
for v in "$@"; do
  if [ "$v" = all ]; then build 3.11; build 3.13; else build "$v"; fi
done
