#!/usr/bin/env bash
# A real authentik 2025.12.4 on loopback, built from source, for the real-server gate of `make test`.
#
#   scripts/authentik-server.sh available        print the source it would build, or one line why not (exit 3)
#   scripts/authentik-server.sh build            build (or reuse) the cached server; leaves it running
#   scripts/authentik-server.sh start [--fresh]  start PostgreSQL, web and worker if not running (--fresh: first
#                                                put the database back to the state right after the build)
#   scripts/authentik-server.sh stop [web|worker|db|all]
#                                                stop our own processes, by pid (default all)
#   scripts/authentik-server.sh status           what runs, on which ports
#   scripts/authentik-server.sh env              shell exports: AUTHENTIK_TEST_URL/_TOKEN (and AUTHENTIK_URL/_TOKEN)
#   scripts/authentik-server.sh connection-token PROVIDER_PK ENDPOINT_UUID [USERNAME [COUNT]]
#                                                make RAC connection tokens through authentik's ORM (the API
#                                                cannot), print their uuids
#   scripts/authentik-server.sh orm ACTION [ARG...]  any action of scripts/authentik_orm.py
#
# Source: AUTHENTIK_SOURCE (a source tarball, or a directory such as a checkout of the upstream tag
# version/2025.12.4); else ../shared/realserver/authentik-2025.12.4-src.tar.gz beside the checkout when it exists.
# Cache (AUTHENTIK_SERVER_HOME): ~/.cache/authentik.api/authentik-2025.12.4, or /var/cache/authentik.api/... when
# run as root (PostgreSQL refuses to run as root, so the cluster runs as the `postgres` OS user, which must be able
# to reach its data folder). The venv is rebuilt when the source or DEPS_RECIPE changes, the database when the
# source, this script or authentik_orm.py changes. Everything listens on 127.0.0.1, on free ports chosen once and
# kept while they stay free. Needs: Python 3.13 (pyenv's, or AUTHENTIK_PYTHON), PostgreSQL 15 and build packages
# (installed with apt when run as root), the package index for the first build.
set -euo pipefail

AK_VERSION=2025.12.4
DEPS_RECIPE=1            # bump when the way dependencies are installed changes
UV_VERSION=0.9.17        # the uv of authentik's own Dockerfile
PG_VERSION=15
APT_PACKAGES=(build-essential pkg-config ca-certificates libffi-dev libssl-dev libxml2-dev libxslt1-dev zlib1g-dev
  libpq-dev libkrb5-dev krb5-multidev libxmlsec1-dev libxmlsec1-openssl libltdl-dev libldap2-dev libsasl2-dev
  "postgresql-$PG_VERSION")

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
self="$repo/scripts/authentik-server.sh"
orm_py="$repo/scripts/authentik_orm.py"
build_tools="$repo/scripts/authentik-build-tools.txt"

die() { echo "authentik-server: $*" >&2; exit 1; }
log() { echo "authentik-server: [$(date +%H:%M:%S)] $*" >&2; }

# ------------------------------------------------------------------ where things are
find_source() {
  if [ -n "${AUTHENTIK_SOURCE:-}" ]; then
    [ -e "$AUTHENTIK_SOURCE" ] || { echo "AUTHENTIK_SOURCE=$AUTHENTIK_SOURCE does not exist"; return 1; }
    realpath "$AUTHENTIK_SOURCE"; return 0
  fi
  local shared="$repo/../shared/realserver/authentik-$AK_VERSION-src.tar.gz"
  if [ -f "$shared" ]; then realpath "$shared"; return 0; fi
  echo "no authentik source: set AUTHENTIK_SOURCE to a checkout of the upstream tag version/$AK_VERSION (or a tarball of one)"
  return 1
}

if [ -n "${AUTHENTIK_SERVER_HOME:-}" ]; then
  home=$AUTHENTIK_SERVER_HOME
elif [ "$(id -u)" = 0 ]; then
  home=/var/cache/authentik.api/authentik-$AK_VERSION
else
  home=${XDG_CACHE_HOME:-$HOME/.cache}/authentik.api/authentik-$AK_VERSION
fi
src=$home/src venv=$home/venv pgdata=$home/pgdata run=$home/run logs=$home/logs
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin

# PostgreSQL runs as `postgres` when we are root, else as ourselves.
if [ "$(id -u)" = 0 ]; then pg_user=postgres; else pg_user=$(id -un); fi
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi; }

# ------------------------------------------------------------------ ports and environment
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_busy() { python3 -c 'import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) != 0)' "$1"; }

# ports.env holds WEB_PORT PG_PORT WORKER_PORT METRICS_PORT; a port of a service that is not running is replaced
# when something else took it meanwhile.
load_ports() {
  WEB_PORT="" PG_PORT="" WORKER_PORT="" METRICS_PORT=""
  # shellcheck source=/dev/null
  [ -f "$home/ports.env" ] && . "$home/ports.env"
  local changed=0 name
  for name in WEB_PORT PG_PORT WORKER_PORT METRICS_PORT; do
    if [ -z "${!name}" ]; then printf -v "$name" %s "$(free_port)"; changed=1; fi
  done
  if ! pg_running && port_busy "$PG_PORT"; then PG_PORT=$(free_port); changed=1; fi
  if ! running web && port_busy "$WEB_PORT"; then WEB_PORT=$(free_port); changed=1; fi
  if ! running worker; then
    if port_busy "$WORKER_PORT"; then WORKER_PORT=$(free_port); changed=1; fi
    if port_busy "$METRICS_PORT"; then METRICS_PORT=$(free_port); changed=1; fi
  fi
  if [ $changed = 1 ]; then
    printf 'WEB_PORT=%s\nPG_PORT=%s\nWORKER_PORT=%s\nMETRICS_PORT=%s\n' "$WEB_PORT" "$PG_PORT" "$WORKER_PORT" "$METRICS_PORT" \
      > "$home/ports.env"
  fi
}

# The environment of every authentik process (web, worker, migrations, ORM shell).
server_env() {
  # shellcheck source=/dev/null
  . "$home/secrets.env"
  export AUTHENTIK_POSTGRESQL__HOST=127.0.0.1 AUTHENTIK_POSTGRESQL__PORT=$PG_PORT AUTHENTIK_POSTGRESQL__NAME=authentik \
    AUTHENTIK_POSTGRESQL__USER=authentik AUTHENTIK_POSTGRESQL__PASSWORD=$PG_PASSWORD AUTHENTIK_SECRET_KEY=$SECRET_KEY \
    AUTHENTIK_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD AUTHENTIK_BOOTSTRAP_EMAIL=akadmin@example.com \
    AUTHENTIK_BLUEPRINTS_DIR=$src/blueprints AUTHENTIK_CERT_DISCOVERY_DIR=$home/certs \
    AUTHENTIK_STORAGE__FILE__PATH=$home/data AUTHENTIK_EMAIL__TEMPLATE_DIR=$home/data/email-templates \
    AUTHENTIK_LISTEN__HTTP=127.0.0.1:$WORKER_PORT AUTHENTIK_LISTEN__METRICS=127.0.0.1:$METRICS_PORT \
    AUTHENTIK_LISTEN__HTTPS=127.0.0.1:0 AUTHENTIK_LISTEN__LDAP=127.0.0.1:0 AUTHENTIK_LISTEN__LDAPS=127.0.0.1:0 \
    AUTHENTIK_LISTEN__RADIUS=127.0.0.1:0 AUTHENTIK_LISTEN__DEBUG=127.0.0.1:0 AUTHENTIK_LISTEN__DEBUG_PY=127.0.0.1:0 \
    AUTHENTIK_DISABLE_UPDATE_CHECK=true AUTHENTIK_DISABLE_STARTUP_ANALYTICS=true AUTHENTIK_ERROR_REPORTING__ENABLED=false \
    AUTHENTIK_OUTPOSTS__DISCOVER=false AUTHENTIK_EVENTS__CONTEXT_PROCESSORS__GEOIP="" \
    AUTHENTIK_EVENTS__CONTEXT_PROCESSORS__ASN="" AUTHENTIK_LOG_LEVEL=${AUTHENTIK_LOG_LEVEL:-warning} \
    AUTHENTIK_WEB__WORKERS=2 AUTHENTIK_WEB__THREADS=4 AUTHENTIK_WORKER__PROCESSES=1 AUTHENTIK_WORKER__THREADS=2 \
    TMPDIR=$run/tmp PROMETHEUS_MULTIPROC_DIR=$run/prometheus PYTHONUNBUFFERED=1 PYTHONPATH=$src \
    PATH="$venv/bin:$PATH"
  mkdir -p "$TMPDIR" "$PROMETHEUS_MULTIPROC_DIR" "$home/data/email-templates" "$home/certs"
}

# ------------------------------------------------------------------ our processes, by pid
pid_of() { if [ -s "$1" ]; then head -n1 "$1" | tr -dc 0-9; fi; }
# ours PID CWD PATTERN: the pid is alive, runs in CWD and its command line matches PATTERN
ours() {
  [ -n "$1" ] && [ -d "/proc/$1" ] || return 1
  [ "$(readlink "/proc/$1/cwd" 2>/dev/null)" = "$2" ] || return 1
  tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q -- "$3"
}
pattern_of() { case $1 in web) echo gunicorn ;; worker) echo "manage worker" ;; esac; }
running() { ours "$(pid_of "$run/$1.pid")" "$src" "$(pattern_of "$1")"; }
pg_running() { ours "$(pid_of "$pgdata/postmaster.pid")" "$pgdata" postgres; }
psql_su() { PGOPTIONS=--client-min-messages=warning as_pg "$PG_BIN/psql" -h "$run/pg" -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
sql() { psql_su -d "${2:-authentik}" -At -c "$1"; }

start_db() {
  pg_running && return 0
  rm -f "$pgdata/postmaster.pid"
  install -d -o "$pg_user" -m 755 "$run/pg"
  touch "$logs/postgres.log"; chown "$pg_user" "$logs/postgres.log"
  as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$logs/postgres.log" -o "-p $PG_PORT -k $run/pg" -w -t 60 start >/dev/null 9>&- \
    || { tail -20 "$logs/postgres.log" >&2; die "PostgreSQL did not start"; }
}

# start_bg NAME CMD...: CMD in its own session (so that stop can signal its whole group), pid in run/NAME.pid
start_bg() {
  local name=$1; shift
  running "$name" && return 0
  # 9>&-: the build lock (fd 9 of `build`) is not handed to the server, which would hold it while it runs
  (cd "$src" && exec nohup setsid "$@" >> "$logs/$name.log" 2>&1 < /dev/null 9>&-) &
  echo $! > "$run/$name.pid"
  disown $!
}

# The database is migrated by the build (and the template is a migrated copy), so the web server and the worker
# skip the migrations they run at every start: the web server through a copy of upstream's gunicorn config without
# its run_migrations() line, the worker through RUN_MAIN, which manage.py reads as "a child of a dev server, the
# parent migrated". Both would otherwise run them, one waiting for the other's migration lock.
start_server() {
  start_db
  server_env
  if ! running web; then
    running worker || { rm -rf "$PROMETHEUS_MULTIPROC_DIR"; mkdir -p "$PROMETHEUS_MULTIPROC_DIR"; }
    sed '/^run_migrations()$/d' "$src/lifecycle/gunicorn.conf.py" > "$run/gunicorn.conf.py"
    start_bg web "$venv/bin/gunicorn" -c "$run/gunicorn.conf.py" -b "127.0.0.1:$WEB_PORT" authentik.root.asgi:application
  fi
  local url="http://127.0.0.1:$WEB_PORT" deadline=$((SECONDS + ${AUTHENTIK_START_TIMEOUT:-300}))
  until curl -fsS -o /dev/null -m 5 "$url/-/health/ready/" 2>/dev/null; do
    running web || { tail -30 "$logs/web.log" >&2; die "the web server died (log: $logs/web.log)"; }
    [ $SECONDS -lt $deadline ] || { tail -30 "$logs/web.log" >&2; die "$url did not answer in time"; }
    sleep 0.5
  done
  # The worker after the web server: on 2 cores, loading both at once makes the API answer later.
  RUN_MAIN=true start_bg worker "$venv/bin/python" -m manage worker --pid-file "$run/worker-dramatiq.pid"
}

# stop_parts NAME...: TERM the process group of each (all at once), wait up to 30 s, then KILL what is left
stop_parts() {
  local name pid pids=()
  for name in "$@"; do
    pid=$(pid_of "$run/$name.pid")
    if ours "$pid" "$src" "$(pattern_of "$name")"; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$run/$name.pid"
  done
  local alive
  for _ in $(seq 1 60); do
    alive=0
    for pid in "${pids[@]}"; do if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi; done
    [ $alive = 1 ] || return 0
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}

stop_db() {
  pg_running || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w stop > /dev/null
}

# ------------------------------------------------------------------ build steps
source_id() {
  local source=$1
  if [ -f "$source" ]; then sha256sum "$source" | cut -c1-16
  elif git -C "$source" rev-parse HEAD > /dev/null 2>&1; then git -C "$source" rev-parse HEAD | cut -c1-16
  else cat "$source/uv.lock" "$source/authentik/__init__.py" | sha256sum | cut -c1-16
  fi
}

find_python313() {
  local cand
  for cand in "${AUTHENTIK_PYTHON:-}" "$(command -v python3.13 || true)" \
      "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.13*/bin/python3.13; do
    if [ -z "$cand" ] || [ ! -x "$cand" ]; then continue; fi
    if "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then echo "$cand"; return 0; fi
  done
  die "authentik $AK_VERSION needs Python 3.13: none found (pyenv install 3.13, or set AUTHENTIK_PYTHON)"
}

install_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages (install them as root): ${missing[*]}"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; } > "$logs/apt.log" 2>&1 \
    || { tail -20 "$logs/apt.log" >&2; die "apt-get install failed (log: $logs/apt.log)"; }
}

extract_source() {
  local source=$1 id=$2
  [ "$(cat "$src/.source-id" 2>/dev/null)" = "$id" ] && return 0
  log "source: $source"
  rm -rf "$src.tmp"; mkdir -p "$src.tmp"
  if [ -f "$source" ]; then tar -xzf "$source" -C "$src.tmp"
  else (cd "$source" && tar --exclude=.git --exclude=node_modules --exclude=web --exclude=website -cf - .) | tar -xf - -C "$src.tmp"
  fi
  if [ ! -f "$src.tmp/manage.py" ] || [ ! -f "$src.tmp/uv.lock" ]; then
    die "$source is not an authentik source tree (no manage.py/uv.lock)"
  fi
  grep -q "^VERSION = \"$AK_VERSION\"" "$src.tmp/authentik/__init__.py" \
    || die "$source is not authentik $AK_VERSION ($(grep '^VERSION' "$src.tmp/authentik/__init__.py"))"
  echo "$id" > "$src.tmp/.source-id"
  rm -rf "$src"; mv "$src.tmp" "$src"
}

install_deps() {
  local stamp python
  stamp="$3:$DEPS_RECIPE:$(sha256sum < "$build_tools" | cut -c1-16)"
  [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  python=$(find_python313)
  log "venv with $python and the exact versions of uv.lock (lxml and xmlsec built from source)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" 2>&1 \
    | { grep -v "is neither a file nor a directory" || true; }
  local req="$home/requirements.txt" constraints="$home/build-constraints.txt"
  (cd "$src" && "$venv/bin/uv" export --frozen --no-dev --no-hashes --no-emit-project --no-header --no-annotate \
    --format requirements.txt -o "$req" > /dev/null)
  # uv.lock pins opencontainers to a git commit; the package index's 0.0.15 is the same code.
  sed -i 's|^opencontainers @ git+.*$|opencontainers==0.0.15|' "$req"
  # Every build environment (a package built from source, and what its pyproject.toml asks for) gets uv.lock's
  # versions, and the build tools that uv.lock does not pin get ours: without it, xmlsec's build resolves the
  # newest lxml and Cython of the day, and what the index publishes next week can break the build.
  local twice
  twice=$(grep -oE '^[A-Za-z0-9._-]+==' "$build_tools" | grep -ixF -f <(grep -oE '^[A-Za-z0-9._-]+==' "$req") || true)
  [ -z "$twice" ] || die "$build_tools pins what uv.lock pins already: ${twice//$'\n'/ } (remove it there)"
  cat "$req" "$build_tools" | grep -E '^[A-Za-z0-9]' > "$constraints"
  (cd "$src" && UV_PYTHON_DOWNLOADS=never UV_NATIVE_TLS=1 UV_CONCURRENT_BUILDS=2 UV_LINK_MODE=copy \
    "$venv/bin/uv" pip install -v --python "$venv/bin/python" --build-constraints "$constraints" \
    --no-binary lxml --no-binary xmlsec -r "$req") > "$logs/deps.log" 2>&1 || deps_failed
  echo "$stamp" > "$venv/.stamp"
}

# One line naming the package that could not be had or built (and uv's reason), after the end of the log.
deps_failed() {
  local what why
  tail -30 "$logs/deps.log" >&2
  # shellcheck disable=SC2016  # the backquotes are uv's, in a regular expression
  what=$(grep -oE 'Failed to (download and build|build|download|resolve)[^`]*`[^`]+`' "$logs/deps.log" | tail -n1 || true)
  why=$(grep -E '^ *(╰─▶|error:) ' "$logs/deps.log" | tail -n1 | sed -E 's/^ *(╰─▶|error:) *//' | cut -c1-200 || true)
  die "dependency install failed: ${what:-see the log}${why:+: $why} (pins: uv.lock and $build_tools; log: $logs/deps.log)"
}

# A new cluster and database, migrated, blueprints applied, an admin token; kept as the template that
# `start --fresh` copies.
build_db() {
  local stamp=$1
  [ "$(cat "$home/db.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  stop_all
  rm -rf "$pgdata" "$home/token" "$home/secrets.env" "$home/ports.env"
  log "PostgreSQL $PG_VERSION cluster in $pgdata (user $pg_user)"
  printf 'PG_PASSWORD=%s\nSECRET_KEY=%s\nADMIN_PASSWORD=%s\n' "$(rand 24)" "$(rand 48)" "$(rand 18)" > "$home/secrets.env"
  chmod 600 "$home/secrets.env"
  load_ports
  install -d -o "$pg_user" -m 700 "$pgdata"
  as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer \
    --auth-host=scram-sha-256 > "$logs/initdb.log"
  printf "listen_addresses = '127.0.0.1'\nmax_connections = 200\nshared_buffers = 256MB\nsynchronous_commit = off\nfsync = off\n" \
    >> "$pgdata/postgresql.conf"
  start_db
  server_env
  psql_su -d postgres -v pw="$PG_PASSWORD" > /dev/null <<'SQL'
CREATE ROLE authentik LOGIN PASSWORD :'pw';
CREATE DATABASE authentik OWNER authentik ENCODING 'UTF8';
SQL
  log "migrations (python -m lifecycle.migrate)"
  (cd "$src" && python -m lifecycle.migrate > "$logs/migrate.log" 2>&1) \
    || { tail -30 "$logs/migrate.log" >&2; die "migrations failed (log: $logs/migrate.log)"; }
  log "web server and worker; waiting for every blueprint"
  start_server
  wait_blueprints
  log "admin API token (ORM)"
  orm admin-token > "$home/token"
  chmod 600 "$home/token"
  [ -s "$home/token" ] || die "no admin token was made"
  # The template: a copy of the database as it is now, for `start --fresh`.
  stop_parts worker web
  sql "DROP DATABASE IF EXISTS authentik_template" postgres
  sql "CREATE DATABASE authentik_template TEMPLATE authentik OWNER authentik" postgres
  echo "$stamp" > "$home/db.stamp"
}

rand() { python3 -c "import secrets; print(secrets.token_urlsafe($1))"; }

# At first start the web server and the worker both queue every blueprint; two concurrent applies can deadlock
# and leave an instance in status error. Wait until no blueprint task is pending, then re-apply failed ones.
wait_blueprints() {
  local deadline=$((SECONDS + 900)) pending total last=-1
  while :; do
    total=$(sql "SELECT count(*) FROM authentik_blueprints_blueprintinstance")
    pending=$(sql "SELECT (SELECT count(*) FROM authentik_blueprints_blueprintinstance WHERE status = 'unknown')
      + (SELECT count(*) FROM authentik_tasks_task WHERE actor_name IN ('authentik.blueprints.v1.tasks.apply_blueprint',
         'authentik.blueprints.v1.tasks.blueprints_discovery') AND state NOT IN ('done', 'rejected'))")
    [ "$total" -ge 10 ] && [ "$pending" = 0 ] && [ "$total" = "$last" ] && break
    last=$total
    [ $SECONDS -lt $deadline ] || { tail -30 "$logs/worker.log" >&2; die "blueprints were not applied in 15 minutes"; }
    sleep 3
  done
  orm reapply-blueprints >&2
  local bad
  bad=$(sql "SELECT path FROM authentik_blueprints_blueprintinstance WHERE enabled AND status <> 'successful'")
  [ -z "$bad" ] || die "blueprint(s) not applied: $bad (log: $logs/worker.log)"
}

orm() {
  server_env
  (cd "$src" && AK_ORM_ARGS="$*" "$venv/bin/python" -m manage shell < "$orm_py" 2>> "$logs/orm.log") \
    | sed -n 's/^AK_ORM: //p'
}

stop_all() {
  stop_parts worker web
  [ -f "$pgdata/PG_VERSION" ] && stop_db
  return 0
}

require_built() {
  if [ ! -s "$home/token" ] || [ ! -f "$home/db.stamp" ]; then die "no server built in $home: run '$0 build' first"; fi
}

# ------------------------------------------------------------------ commands
cmd=${1:-}; shift || true
case $cmd in
  available)
    find_source
    ;;
  build)
    t0=$SECONDS
    source=$(find_source) || { echo "authentik-server: skipped: $source" >&2; exit 3; }
    mkdir -p "$home" "$run" "$logs"
    chmod 755 "$home"
    if [ "$(id -u)" = 0 ]; then
      id postgres > /dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
      runuser -u postgres -- test -x "$home" || die "$home is not reachable by the postgres OS user: set AUTHENTIK_SERVER_HOME"
    fi
    exec 9> "$home/build.lock"; flock 9
    install_packages
    id=$(source_id "$source")
    extract_source "$source" "$id"
    install_deps "$source" "$src" "$id"
    build_db "$id:$(cat "$self" "$orm_py" | sha256sum | cut -c1-16)"
    load_ports
    start_server
    log "authentik $AK_VERSION ready at http://127.0.0.1:$WEB_PORT in $((SECONDS - t0)) s (cache: $home)"
    ;;
  start)
    require_built
    load_ports
    if [ "${1:-}" = --fresh ]; then
      stop_parts worker web
      start_db
      sql "DROP DATABASE IF EXISTS authentik WITH (FORCE)" postgres
      sql "CREATE DATABASE authentik TEMPLATE authentik_template OWNER authentik" postgres
    fi
    start_server
    echo "http://127.0.0.1:$WEB_PORT"
    ;;
  stop)
    case ${1:-all} in
      web | worker) stop_parts "$1" ;;
      db) load_ports; stop_db ;;
      all) stop_all ;;
      *) die "stop: unknown part '$1' (web, worker, db or all)" ;;
    esac
    ;;
  status)
    load_ports
    for p in web worker; do running "$p" && echo "$p: running (pid $(pid_of "$run/$p.pid"))" || echo "$p: stopped"; done
    pg_running && echo "db: running (127.0.0.1:$PG_PORT)" || echo "db: stopped"
    echo "url: http://127.0.0.1:$WEB_PORT"
    ;;
  env)
    require_built
    load_ports
    url="http://127.0.0.1:$WEB_PORT" token=$(cat "$home/token")
    printf 'export AUTHENTIK_TEST_URL=%s AUTHENTIK_TEST_TOKEN=%s AUTHENTIK_TEST_SERVER=%s\n' "$url" "$token" "$self"
    printf 'export AUTHENTIK_URL=%s AUTHENTIK_TOKEN=%s\n' "$url" "$token"
    ;;
  connection-token)
    [ $# -ge 2 ] || die "usage: $0 connection-token PROVIDER_PK ENDPOINT_UUID [USERNAME [COUNT]]"
    require_built; load_ports
    out=$(orm connection-token "$@")
    [ -n "$out" ] || die "no connection token was made (log: $logs/orm.log)"
    echo "$out"
    ;;
  orm)
    require_built; load_ports
    orm "$@"
    ;;
  *)
    sed -n '2,16p' "$self" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
