#!/usr/bin/env bash
# make docs: lint the collection's documentation, then build the HTML docs site into docs/build/html.
#
#   scripts/docs.sh [VENV]          (VENV defaults to .venv)
#
# 1. `antsibull-docs lint-collection-docs --plugin-docs` on this checkout: the DOCUMENTATION/EXAMPLES/RETURN
#    of every plugin (schema, markup, O()/M()/RV() references, rstcheck) and docs/docsite (extra-docs.yml,
#    links.yml, the guides' RST and their references).
# 2. `antsibull-docs sphinx-init --use-current` in a temporary directory, against this checkout linked as
#    ansible_collections/authentik/api (ANSIBLE_COLLECTIONS_PATH holds only that link). One collection, so
#    the hierarchy is squashed: the collection's page is the site's index.
# 3. Installs the site's requirements (Sphinx, sphinx-ansible-theme, ansible-pygments) into VENV when they
#    are missing; they belong in requirements-dev.txt.
# 4. `antsibull-docs collection` (RST of every module page, the guides from docs/docsite/rst via
#    extra-docs.yml) and `sphinx-build -b html` into docs/build/html (gitignored).
#    Offline, the intersphinx inventories (docs.python.org, docs.ansible.com) cannot be fetched, so the build
#    cannot use -W. Instead every warning fails the build except those an offline build cannot avoid: the
#    unreachable inventories and references to labels outside this collection (they live in those
#    inventories). A broken reference to one of our own pages, a missing guide, bad RST: all fail.
#    DOCS_STRICT=1 fails on every warning (with network access).
# 5. Checks that docs/build/html has a page for each module in plugins/modules and each guide in
#    docs/docsite/rst, and prints the elapsed seconds.
set -euo pipefail
start=$SECONDS
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
venv=${1:-.venv}
[ -x "$venv/bin/antsibull-docs" ] || { echo "docs.sh: $venv/bin/antsibull-docs not found (run scripts/venv.sh 3.11)" >&2; exit 1; }
venv_bin=$(cd "$venv/bin" && pwd)
# antsibull-docs runs `ansible`, `ansible-doc` and `ansible-galaxy` from PATH
export PATH="$venv_bin:$PATH"
export ANSIBLE_NOCOLOR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off

ns=$(sed -n 's/^namespace: *//p' galaxy.yml | tr -d "\"' ")
name=$(sed -n 's/^name: *//p' galaxy.yml | tr -d "\"' ")
fqcn=$ns.$name
out=docs/build/html

tmp=$(mktemp -d)   # mode 700: antsibull-docs refuses directories that others can write to
trap 'rm -rf "$tmp"' EXIT
step() { echo; echo "=== docs.sh: $* ($((SECONDS - start)) s)"; }
fail() { echo "docs.sh: FAILED after $((SECONDS - start)) s: $*" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------ lint
step "antsibull-docs lint-collection-docs --plugin-docs ."
antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
  --validate-collection-refs all --disallow-unknown-collection-refs . \
  || fail "antsibull-docs lint-collection-docs found problems (above)"

# ------------------------------------------------------------------------------------------------ site
mkdir -p "$tmp/collections/ansible_collections/$ns"
ln -s "$repo" "$tmp/collections/ansible_collections/$ns/$name"
export ANSIBLE_COLLECTIONS_PATH="$tmp/collections"
site=$tmp/site
mkdir -m 700 "$site"

step "antsibull-docs sphinx-init --use-current $fqcn"
antsibull-docs sphinx-init --use-current --squash-hierarchy --dest-dir "$site" \
  --project "$fqcn" --title "$fqcn collection" --copyright "$fqcn contributors" "$fqcn" >/dev/null \
  || fail "antsibull-docs sphinx-init"

step "site requirements in $venv"
if ! "$venv/bin/python" - "$site/requirements.txt" <<'EOF'
import sys
from importlib.metadata import PackageNotFoundError, version
try:
    from packaging.requirements import Requirement
except ImportError:
    sys.exit(1)
missing = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    try:
        if version(req.name) not in req.specifier:
            missing.append(line)
    except PackageNotFoundError:
        missing.append(line)
if missing:
    print("missing: " + ", ".join(missing))
    sys.exit(1)
print("all present: " + ", ".join(l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")))
EOF
then
  echo "docs.sh: installing $site/requirements.txt into $venv (add these to requirements-dev.txt)"
  "$venv/bin/python" -m pip install --quiet -r "$site/requirements.txt" 2>&1 \
    | (grep -v "^WARNING: Location '.*' is ignored" || true)
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "pip install -r $site/requirements.txt"
fi

step "antsibull-docs collection --use-current $fqcn"
mkdir -m 700 "$site/rst.gen"
cp -r "$site/rst/." "$site/rst.gen/"
antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --use-current --squash-hierarchy \
  --fail-on-error --cleanup everything --dest-dir "$site/rst.gen" "$fqcn" \
  || fail "antsibull-docs collection"

step "sphinx-build -b html -> $out"
rm -rf "$out"
mkdir -p "$out"
warnings=$tmp/warnings.log
# -q: only warnings go to stderr, and they are in $warnings too (judged below)
if ! sphinx-build -b html -q --keep-going -c "$site" -d "$tmp/doctrees" -w "$warnings" "$site/rst.gen" "$out" \
     2>"$tmp/sphinx.err"; then
  cat "$tmp/sphinx.err" >&2
  fail "sphinx-build"
fi
# Every warning and error message (a message may go on over several lines) that an offline build cannot
# avoid is dropped: unreachable intersphinx inventories, and undefined labels outside this collection
# (ansible-core's pages such as common_return_values, other collections' plugins). DOCS_STRICT=1 keeps them.
unexpected=$(DOCS_STRICT=${DOCS_STRICT:-0} OWN="ansible_collections.$fqcn." "$venv/bin/python" - "$warnings" <<'EOF'
import os, re, sys
strict = os.environ["DOCS_STRICT"] == "1"
own = os.environ["OWN"]
messages, ignored = [], 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    if re.search(r"\b(WARNING|ERROR|CRITICAL|SEVERE):", line) or not messages:
        messages.append(line.rstrip("\n"))
    else:
        messages[-1] += "\n" + line.rstrip("\n")
for msg in messages:
    label = re.search(r"undefined label: '([^']*)'", msg)
    offline = "failed to reach any of the inventories" in msg or (label and not label.group(1).startswith(own))
    if offline and not strict:
        ignored += 1
    elif msg.strip():
        print(msg)
print("docs.sh: %d warning(s) caused by the missing intersphinx inventories (offline) ignored" % ignored, file=sys.stderr)
EOF
)
if [ -n "$unexpected" ]; then
  printf '%s\n' "$unexpected" >&2
  fail "sphinx-build warnings (above)"
fi

# ------------------------------------------------------------------------------------------------ check
step "pages in $out"
missing=()
pages=0
mods=()
for m in plugins/modules/*.py; do
  mod=$(basename "$m" .py)
  [ "$mod" = __init__ ] && continue
  mods+=("$mod")
  pages=$((pages + 1))
  [ -s "$out/${mod}_module.html" ] || missing+=("$out/${mod}_module.html (module $fqcn.$mod)")
done
guides=(getting_started awx)
for g in docs/docsite/rst/*.rst; do
  g=$(basename "$g" .rst)
  case " ${guides[*]} " in *" $g "*) ;; *) guides+=("$g") ;; esac
done
for g in "${guides[@]}"; do
  pages=$((pages + 1))
  [ -s "$out/docsite/$g.html" ] || missing+=("$out/docsite/$g.html (guide docs/docsite/rst/$g.rst)")
done
[ -s "$out/index.html" ] || missing+=("$out/index.html (the collection's index)")
if [ ${#missing[@]} -gt 0 ]; then
  printf '  missing: %s\n' "${missing[@]}" >&2
  fail "${#missing[@]} page(s) missing from $out"
fi
echo "docs.sh: OK: $pages pages checked (modules: $(printf '%s_module.html ' "${mods[@]}"); guides: ${guides[*]})"
echo "docs.sh: open $out/index.html; done in $((SECONDS - start)) s"
