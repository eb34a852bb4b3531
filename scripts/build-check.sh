#!/usr/bin/env bash
# make build-check: build the collection artifact the way Galaxy/Automation Hub users get it and check it.
#
#   scripts/build-check.sh [VENV]          (VENV defaults to .venv)
#
# 1. `ansible-galaxy collection build` of this checkout into a temporary directory.
# 2. The tarball's file list: nothing that is generated, cached or local may be packed (tests/output, .venv*,
#    .ansible, __pycache__, *.pyc, .pytest_cache, .cache, docs/build, docs/_build, .ci, *.tar.gz,
#    benchmarks/results, changelogs/.plugin-cache.yaml, .git); the offending names are listed. Every
#    git-tracked file under plugins/ and meta/ (every file, outside a git checkout) must be packed.
# 3. `ansible-galaxy collection install --offline` of the tarball into a temporary collections path, then
#    `ansible-galaxy collection verify --offline` (the installed files match the artifact's checksums).
# 4. `ansible-doc` of every module in plugins/modules, from the installed copy only (ANSIBLE_COLLECTIONS_PATH is
#    just the temporary path, site-packages collections are not scanned, and each page must come from there).
# Prints the elapsed seconds at the end; exits non-zero on any failure.
set -euo pipefail
start=$SECONDS
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
venv=${1:-.venv}
[ -x "$venv/bin/ansible-galaxy" ] || { echo "build-check.sh: $venv/bin/ansible-galaxy not found (run scripts/venv.sh 3.11)" >&2; exit 1; }
venv_bin=$(cd "$venv/bin" && pwd)
export PATH="$venv_bin:$PATH" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0

ns=$(sed -n 's/^namespace: *//p' galaxy.yml | tr -d "\"' ")
name=$(sed -n 's/^name: *//p' galaxy.yml | tr -d "\"' ")
fqcn=$ns.$name

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
step() { echo; echo "=== build-check.sh: $* ($((SECONDS - start)) s)"; }
fail() { echo "build-check.sh: FAILED after $((SECONDS - start)) s: $*" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------ build
step "ansible-galaxy collection build"
ansible-galaxy collection build --output-path "$tmp/dist" . || fail "ansible-galaxy collection build"
tarballs=("$tmp"/dist/*.tar.gz)
if [ ${#tarballs[@]} -ne 1 ] || [ ! -f "${tarballs[0]}" ]; then fail "expected one tarball in $tmp/dist, got: ${tarballs[*]}"; fi
tarball=${tarballs[0]}
echo "built $(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB"

# ------------------------------------------------------------------------------------------------ file list
step "file list of $(basename "$tarball")"
tar -tzf "$tarball" | sed 's#^\./##' > "$tmp/files.txt"
echo "$(grep -vc '/$' "$tmp/files.txt" || true) files"
forbidden='(^|/)tests/output(/|$)|(^|/)\.venv[^/]*(/|$)|(^|/)\.ansible(/|$)|(^|/)__pycache__(/|$)|\.py[co]$'
forbidden+='|(^|/)\.pytest_cache(/|$)|(^|/)\.cache(/|$)|^docs/(build|_build)(/|$)|(^|/)\.ci(/|$)|\.tar\.gz$'
forbidden+='|^benchmarks/results(/|$)|(^|/)changelogs/\.plugin-cache\.yaml$|(^|/)\.git(/|$)'
if grep -E "$forbidden" "$tmp/files.txt" > "$tmp/bad.txt"; then
  echo "build-check.sh: files that must not be in the artifact (extend build_ignore in galaxy.yml):" >&2
  # a directory stands for everything below it
  sort "$tmp/bad.txt" | awk 'dir != "" && index($0, dir) == 1 { next } { print "  " $0; dir = ($0 ~ /\/$/) ? $0 : "" }' >&2
  fail "$(grep -vc '/$' "$tmp/bad.txt" || true) forbidden file(s) in $(basename "$tarball")"
fi
missing=()
while IFS= read -r f; do
  grep -qxF "$f" "$tmp/files.txt" || missing+=("$f")
done < <(
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then git ls-files plugins meta; else find plugins meta -type f; fi \
    | grep -vE '(^|/)__pycache__/|\.py[co]$'
  echo MANIFEST.json; echo FILES.json)
if [ ${#missing[@]} -gt 0 ]; then
  printf '  missing: %s\n' "${missing[@]}" >&2
  fail "${#missing[@]} file(s) missing from $(basename "$tarball")"
fi
echo "no forbidden file; every tracked file of plugins/ and meta/ is packed"

# ------------------------------------------------------------------------------------------------ install
export ANSIBLE_COLLECTIONS_PATH="$tmp/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
cd "$tmp"   # never resolve the collection from the checkout
step "ansible-galaxy collection install --offline"
ansible-galaxy collection install --offline -p "$tmp/collections" "$tarball" || fail "ansible-galaxy collection install --offline"
installed=$tmp/collections/ansible_collections/$ns/$name
[ -f "$installed/MANIFEST.json" ] || fail "$installed/MANIFEST.json missing after the install"
ansible-galaxy collection verify --offline "$fqcn" || fail "ansible-galaxy collection verify --offline $fqcn"

# ------------------------------------------------------------------------------------------------ ansible-doc
step "ansible-doc of every module, from $installed"
mods=()
for m in "$repo"/plugins/modules/*.py; do
  mod=$(basename "$m" .py)
  [ "$mod" = __init__ ] || mods+=("$mod")
done
[ ${#mods[@]} -gt 0 ] || fail "no module in plugins/modules"
bad=()
for mod in "${mods[@]}"; do
  if ! ansible-doc -t module "$fqcn.$mod" > "$tmp/doc.txt" 2> "$tmp/doc.err" || [ -s "$tmp/doc.err" ]; then
    echo "--- ansible-doc $fqcn.$mod:" >&2; cat "$tmp/doc.err" >&2
    bad+=("$mod"); continue
  fi
  # the page must come from the installed copy, and have examples and return values
  if ! grep -qF "$installed/plugins/modules/$mod.py" "$tmp/doc.txt" \
     || ! grep -q '^EXAMPLES' "$tmp/doc.txt" || ! grep -q '^RETURN VALUES' "$tmp/doc.txt"; then
    echo "--- ansible-doc $fqcn.$mod: not from $installed, or without EXAMPLES / RETURN VALUES:" >&2
    head -5 "$tmp/doc.txt" >&2
    bad+=("$mod"); continue
  fi
  echo "ok: $fqcn.$mod ($(wc -l < "$tmp/doc.txt") lines)"
done
listed=$(ansible-doc -t module -l "$fqcn" 2>/dev/null | awk '{print $1}' | sort | tr '\n' ' ')
expected=$(printf "$fqcn.%s\n" "${mods[@]}" | sort | tr '\n' ' ')
[ "$listed" = "$expected" ] || { echo "ansible-doc -l lists: $listed; expected: $expected" >&2; bad+=("(list)"); }
[ ${#bad[@]} -eq 0 ] || fail "ansible-doc failed for: ${bad[*]}"

echo
echo "build-check.sh: OK: $(basename "$tarball") builds, has no forbidden file, installs offline, and" \
     "ansible-doc shows all ${#mods[@]} modules; done in $((SECONDS - start)) s"
