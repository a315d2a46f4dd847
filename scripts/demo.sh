#!/usr/bin/env bash
# `npm run demo`: hubsync's main job on embedded defaults. Installs what is missing, migrates PostgreSQL, starts
# (or reuses) the Temporal dev server with its Web UI, starts the HubSpot simulator seeded with a realistic
# account (unless HUBSPOT_ACCESS_TOKEN points at a real portal), then the worker and the API server, and runs
# the demo story (scripts/demo-story.ts). Ctrl-C stops everything this script started.
#
#   DEMO_SEED=2000        records per object type in the simulator (500 per account with DEMO_PUBLIC_APP=1)
#   DEMO_EXIT_AFTER_STORY=1  stop after the story instead of syncing live until Ctrl-C
#   DEMO_PUBLIC_APP=1     public-app mode: three simulated accounts (DEMO_PORTALS) install the app through the OAuth
#                         redirect flow and sync both ways (scripts/demo-portals.ts); needs the simulator
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/hubsync}"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}"
export TEMPORAL_UI_URL="${TEMPORAL_UI_URL:-http://127.0.0.1:$((TEMPORAL_PORT + 1000))}"
export PORT="${PORT:-3000}"
export ADMIN_PORT="${ADMIN_PORT:-9465}"
# Payloads are encrypted; the Web UI decrypts them through hubsync's codec server (admin listener). The key is
# kept under data/demo so a restarted demo still reads its earlier runs.
mkdir -p data/demo
[ -f data/demo/payload-key ] || openssl rand -base64 32 >data/demo/payload-key
export TEMPORAL_PAYLOAD_KEY="${TEMPORAL_PAYLOAD_KEY:-$(cat data/demo/payload-key)}"
export TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-http://127.0.0.1:$ADMIN_PORT/codec}"
export CODEC_CORS_ORIGINS="${CODEC_CORS_ORIGINS:-$TEMPORAL_UI_URL}"
given_webhook_url="${HUBSPOT_WEBHOOK_URL:-}"
export HUBSPOT_WEBHOOK_URL="${HUBSPOT_WEBHOOK_URL:-http://127.0.0.1:$PORT/webhooks/hubspot}"
LOG_DIR="data/demo"
mkdir -p "$LOG_DIR"

pids=()
started_temporal=0
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ "$started_temporal" = 1 ] && bash scripts/temporal-server.sh stop
  echo "[demo] stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # url, name, seconds
  local deadline=$((SECONDS + $3))
  until curl -sf -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "[demo] $2 did not come up; see $LOG_DIR" >&2; exit 1; }
    sleep 0.5
  done
}

bash scripts/ensure-postgres.sh
bash scripts/db-migrate.sh
bash scripts/temporal-server.sh status || started_temporal=1
bash scripts/temporal-server.sh start

public_flags=()
if [ "${DEMO_PUBLIC_APP:-0}" = 1 ]; then
  [ -z "${HUBSPOT_ACCESS_TOKEN:-}" ] || { echo "[demo] DEMO_PUBLIC_APP=1 runs against the simulator only" >&2; exit 1; }
  export DEMO_PORTALS="${DEMO_PORTALS:-2000101,2000102,2000103}"
  export DEMO_SEED="${DEMO_SEED:-500}"
  [ -f data/demo/token-key ] || openssl rand -base64 32 >data/demo/token-key
  export HUBSPOT_APP_MODE=public
  export HUBSPOT_CLIENT_ID="${HUBSPOT_CLIENT_ID:-demo-client-id}"
  export HUBSPOT_TOKEN_KEYS="${HUBSPOT_TOKEN_KEYS:-demo:$(cat data/demo/token-key)}"
  export HUBSPOT_OAUTH_REDIRECT_URL="${HUBSPOT_OAUTH_REDIRECT_URL:-http://127.0.0.1:$PORT/oauth/callback}"
  export HUBSPOT_OAUTH_AUTHORIZE_URL="http://127.0.0.1:${SIMULATOR_PORT:-3990}/oauth/authorize"
  export HUBSPOT_OAUTH_BASE_URL="http://127.0.0.1:${SIMULATOR_PORT:-3990}"
  public_flags=(--public-portals "$DEMO_PORTALS" --oauth-client-id "$HUBSPOT_CLIENT_ID"
    --oauth-redirect-uri "$HUBSPOT_OAUTH_REDIRECT_URL")
fi

if [ -z "${HUBSPOT_ACCESS_TOKEN:-}" ]; then
  export HUBSPOT_BASE_URL="http://127.0.0.1:${SIMULATOR_PORT:-3990}"
  echo "[demo] no HUBSPOT_ACCESS_TOKEN: starting the HubSpot simulator at $HUBSPOT_BASE_URL"
  # Like HubSpot, the simulator signs v3 over https:// + host + path (HubSpot only calls https URLs, through
  # whatever TLS proxy fronts the server); it calls the plain-http server directly.
  export HUBSPOT_WEBHOOK_URL="${given_webhook_url:-https://127.0.0.1:$PORT/webhooks/hubspot}"
  node_modules/.bin/tsx src/simulator/main.ts --port "${SIMULATOR_PORT:-3990}" --seed "${DEMO_SEED:-2000}" \
    --webhook-url "http://127.0.0.1:$PORT/webhooks/hubspot" --signature-version v3 --indexing-lag-ms 2000 \
    ${public_flags[@]+"${public_flags[@]}"} >"$LOG_DIR/simulator.log" 2>&1 &
  pids+=($!)
  wait_for "$HUBSPOT_BASE_URL/__sim/health" simulator 120
else
  echo "[demo] using the real HubSpot portal ${HUBSPOT_PORTAL_ID:-?} at ${HUBSPOT_BASE_URL:-https://api.hubapi.com}"
  export HUBSPOT_BASE_URL="${HUBSPOT_BASE_URL:-https://api.hubapi.com}"
fi

node_modules/.bin/tsx src/worker.ts >"$LOG_DIR/worker.log" 2>&1 &
pids+=($!)
node_modules/.bin/tsx src/server.ts >"$LOG_DIR/server.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$ADMIN_PORT/readyz" "API server" 60

cat <<EOF
[demo] hubsync is up
  Temporal Web UI : $TEMPORAL_UI_URL
  hubsync API     : http://127.0.0.1:$PORT  (/openapi.json, POST /webhooks/hubspot, POST /platform/changes)
  admin listener  : http://127.0.0.1:$ADMIN_PORT  (/readyz, /metrics, /openapi.json, codec server /codec for the UI)
  HubSpot         : $HUBSPOT_BASE_URL
  logs            : $LOG_DIR/{worker,server,simulator}.log
EOF

if [ "${DEMO_PUBLIC_APP:-0}" = 1 ]; then
  node_modules/.bin/tsx scripts/demo-portals.ts
elif [ -f scripts/demo-story.ts ]; then
  node_modules/.bin/tsx scripts/demo-story.ts
fi

if [ "${DEMO_EXIT_AFTER_STORY:-0}" = 1 ]; then exit 0; fi
echo "[demo] syncing live; Ctrl-C to stop"
wait "${pids[@]}"
