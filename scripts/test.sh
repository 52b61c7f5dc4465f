#!/usr/bin/env bash
# `npm test`: the whole suite. Installs what it needs, starts a throwaway PostgreSQL on a
# loopback port, runs every test on PGlite, the data-touching ones again on PostgreSQL,
# then the browser tests in Debian's Chromium. Nothing is skipped for lack of a tool.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
export NODE_ENV=test

log() { printf '\n[test] %s\n' "$*"; }
started=$(date +%s)

# 1. System packages: PostgreSQL server binaries and Chromium.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
chromium_bin=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[[ -n "$pg_bin" && -x "$pg_bin/initdb" ]] || missing+=(postgresql)
[[ -x "$chromium_bin" ]] || missing+=(chromium)
if ((${#missing[@]})); then
  install_cmd="apt-get update && apt-get install -y ${missing[*]}"
  if [[ $(id -u) -eq 0 && -f /etc/debian_version ]]; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q "${missing[@]}" >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "npm test needs: ${missing[*]}. Install them with:" >&2
    echo "  sudo sh -c '$install_cmd'" >&2
    exit 1
  fi
fi

# 2. npm dependencies, type check, import circles, web build.
node scripts/ensure-deps.mjs
log "type-checking"
node_modules/.bin/tsc -p .
# No import circles in src/ (nor in the sandboxes it imports): madge fails the run on a new one.
log "checking for import circles"
node_modules/.bin/madge --circular --no-spinner --extensions ts,tsx --ts-config tsconfig.json src sandbox
node scripts/build-web.mjs
# The production build `npm start` runs (dist/server); test/process/production-build.test.ts starts it.
node scripts/build-server.mjs

# 3. A throwaway PostgreSQL server on a loopback port, removed on exit.
pg_dir=$(mktemp -d /tmp/servicebook-pg.XXXXXX)
pg_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$pg_dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
log "starting PostgreSQL ($("$pg_bin/postgres" --version)) on 127.0.0.1:$pg_port"
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"

# 4. The tests. Test files end in .test.ts; browser tests in .browser.test.ts.
mapfile -t all_tests < <(find src sandbox test -name '*.test.ts' -not -name '*.browser.test.ts' -not -path '*/node_modules/*' | sort)
# Data-touching: files whose imports reach test/helpers/test-db.ts (directly or through any
# helper); they run a second time on PostgreSQL.
mapfile -t db_tests < <(node scripts/db-test-files.mjs "${all_tests[@]}")
mapfile -t browser_tests < <(find src sandbox test -name '*.browser.test.ts' -not -path '*/node_modules/*' | sort)

run_node_tests() {
  node --import tsx --test --test-concurrency=2 --test-timeout=600000 --test-force-exit --test-reporter=spec "$@"
}

status=0
log "unit and API tests on PGlite (${#all_tests[@]} files)"
TEST_DB=pglite run_node_tests "${all_tests[@]}" || status=1
# A PostgreSQL pass with nothing in it means the selection broke, not that there is nothing to run.
if ((${#db_tests[@]})); then
  log "data-touching tests on PostgreSQL (${#db_tests[@]} files)"
  TEST_DB=postgres run_node_tests "${db_tests[@]}" || status=1
else
  log "no data-touching test files found for the PostgreSQL pass (scripts/db-test-files.mjs)"
  status=1
fi
if ((${#browser_tests[@]})); then
  log "browser tests in Chromium (${#browser_tests[@]} files)"
  CHROMIUM_PATH="$chromium_bin" TEST_DB=pglite run_node_tests "${browser_tests[@]}" || status=1
fi

log "finished in $(( $(date +%s) - started ))s: $([[ $status -eq 0 ]] && echo PASSED || echo FAILED)"
exit $status
