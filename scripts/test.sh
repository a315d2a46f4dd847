#!/usr/bin/env bash
# The README's test command: installs what is missing, migrates the test database, starts (or reuses)
# the Temporal dev server, runs jest in band, and stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/jest ] || npm ci --no-audit --no-fund

export NODE_ENV=test
export DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/hubsync_test}"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export LOG_LEVEL="${LOG_LEVEL:-silent}"

bash scripts/ensure-postgres.sh
# The Temporal UI browser test drives Debian's headless Chromium.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "[test] installing Debian's chromium for the Temporal UI browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
bash scripts/db-migrate.sh
started_temporal=0
bash scripts/temporal-server.sh status || started_temporal=1
bash scripts/temporal-server.sh start
cleanup() { [ "$started_temporal" = 1 ] && bash scripts/temporal-server.sh stop || true; }
trap cleanup EXIT

mkdir -p data
results="data/jest-results-$$.json"
status=0
# Something can keep the event loop alive after the last suite (seen once: jest still running minutes after
# its summary; cause not found yet); the results are written by then, so jest exits when the run is over.
node_modules/.bin/jest --runInBand --forceExit --json --outputFile="$results" "$@" || status=$?
# One plain closing line CI can read, whatever the reporter printed above it.
node -e 'const r = require(process.argv[1]); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$PWD/$results" || true
rm -f "$results"
exit "$status"
