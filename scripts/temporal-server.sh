#!/usr/bin/env bash
# Finds (or builds) the pinned Temporal CLI and runs its dev server: SQLite under data/, Web UI on,
# hubsync's search attributes registered. Reuses a server that already answers; stops only what it started.
#
#   scripts/temporal-server.sh start   # start or reuse; prints the address and UI URL
#   scripts/temporal-server.sh stop    # stop the server this script started (no-op otherwise)
#   scripts/temporal-server.sh status  # exit 0 when a server answers on the configured port
#   scripts/temporal-server.sh path    # print the CLI binary's path, building it if needed
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION="v1.5.1"          # go.mod without replace directives; bundles server 1.29.1
TEMPORAL_SERVER_MARKER="Server 1.29.1"
TEMPORAL_IP="${TEMPORAL_IP:-127.0.0.1}"
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-$((TEMPORAL_PORT + 1000))}"
TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
DATA_DIR="${TEMPORAL_DATA_DIR:-data/temporal}"
PID_FILE="$DATA_DIR/server-$TEMPORAL_PORT.pid"
LOG_FILE="$DATA_DIR/server-$TEMPORAL_PORT.log"
# history.timerProcessorMaxTimeShift: the dev server otherwise fires every timer about 1 s late (measured: a 50 ms
# sleep took ~1,020 ms; with 1ms, ~90 ms), which would dominate webhook coalescing and push batching latency.
# One task-queue partition: Temporal splits a queue's maxTaskQueueActivitiesPerSecond evenly across partitions,
# so with the default 4 a HubSpot queue with few pages in flight delivers well under its limit (0.81 vs 0.99 of
# the ceiling in bench:backfill). In production, scope this to the HubSpot queue.
# matching.enableFairness (implies matching.useNewMatcher, the priority-aware matcher; both off by default in
# server 1.29.1): task priority, fairness by key (hubsync's key is the portal) and per-key rate limits
# (UpdateTaskQueueConfig), proved by test/temporal/priority-fairness.integration.test.ts.
# TEMPORAL_UI_CODEC_ENDPOINT (e.g. http://127.0.0.1:9465/codec, hubsync's admin listener): the Web UI asks it,
# from the browser, to decrypt payloads sealed with TEMPORAL_PAYLOAD_KEY.
TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-}"
SEARCH_ATTRIBUTES=(HubSpotObjectType HubSpotObjectId PortalId SyncDirection SyncTrigger)

log() { echo "[temporal] $*" >&2; }

find_cli() {
  local candidates=()
  [ -n "${TEMPORAL_CLI:-}" ] && candidates+=("$TEMPORAL_CLI")
  command -v go >/dev/null 2>&1 && candidates+=("$(go env GOPATH)/bin/temporal")
  command -v temporal >/dev/null 2>&1 && candidates+=("$(command -v temporal)")
  local c
  for c in "${candidates[@]}"; do
    if [ -x "$c" ] && "$c" --version 2>/dev/null | grep -q "$TEMPORAL_SERVER_MARKER"; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

ensure_cli() {
  local cli
  if cli=$(find_cli); then echo "$cli"; return 0; fi
  command -v go >/dev/null 2>&1 || { log "no pinned Temporal CLI found and no Go toolchain to build it"; exit 1; }
  log "building Temporal CLI $TEMPORAL_CLI_VERSION with go install (first time only; takes minutes)"
  go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
  find_cli || { log "built the CLI but it does not report $TEMPORAL_SERVER_MARKER"; exit 1; }
}

is_up() {
  "$1" operator cluster health --address "$TEMPORAL_IP:$TEMPORAL_PORT" >/dev/null 2>&1
}

register_search_attributes() {
  local cli=$1 existing name
  existing=$("$cli" operator search-attribute list --address "$TEMPORAL_IP:$TEMPORAL_PORT" --namespace "$TEMPORAL_NAMESPACE" 2>/dev/null || true)
  for name in "${SEARCH_ATTRIBUTES[@]}"; do
    if ! grep -qw "$name" <<<"$existing"; then
      "$cli" operator search-attribute create --address "$TEMPORAL_IP:$TEMPORAL_PORT" --namespace "$TEMPORAL_NAMESPACE" \
        --name "$name" --type Keyword >/dev/null
    fi
  done
}

start() {
  local cli
  cli=$(ensure_cli)
  mkdir -p "$DATA_DIR"
  if is_up "$cli"; then
    log "reusing the server already answering on $TEMPORAL_IP:$TEMPORAL_PORT"
    register_search_attributes "$cli"
    return 0
  fi
  local sa_flags=() name ui_flags=()
  for name in "${SEARCH_ATTRIBUTES[@]}"; do sa_flags+=(--search-attribute "$name=Keyword"); done
  [ -n "$TEMPORAL_UI_CODEC_ENDPOINT" ] && ui_flags+=(--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT")
  log "starting dev server on $TEMPORAL_IP:$TEMPORAL_PORT (UI http://$TEMPORAL_IP:$TEMPORAL_UI_PORT, log $LOG_FILE)"
  nohup "$cli" server start-dev \
    --ip "$TEMPORAL_IP" --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" "${ui_flags[@]}" \
    --namespace "$TEMPORAL_NAMESPACE" \
    --db-filename "$DATA_DIR/temporal-$TEMPORAL_PORT.db" \
    --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=OFF \
    --log-level warn \
    --dynamic-config-value frontend.enableUpdateWorkflowExecution=true \
    --dynamic-config-value frontend.enableUpdateWorkflowExecutionAsyncAccepted=true \
    --dynamic-config-value frontend.enableServerVersionCheck=false \
    --dynamic-config-value 'history.timerProcessorMaxTimeShift="1ms"' \
    --dynamic-config-value matching.numTaskqueueReadPartitions=1 \
    --dynamic-config-value matching.numTaskqueueWritePartitions=1 \
    --dynamic-config-value matching.enableFairness=true \
    "${sa_flags[@]}" >"$LOG_FILE" 2>&1 &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + 90))
  until is_up "$cli"; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      log "the dev server exited during start; last log lines:"
      tail -20 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    [ $SECONDS -lt $deadline ] || { log "the dev server did not answer within 90 s"; exit 1; }
    sleep 0.5
  done
  register_search_attributes "$cli"
  log "up: address $TEMPORAL_IP:$TEMPORAL_PORT, Web UI http://$TEMPORAL_IP:$TEMPORAL_UI_PORT"
}

stop() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid=$(cat "$PID_FILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped the dev server (pid $pid)"
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  path) ensure_cli ;;
  status) is_up "$(ensure_cli)" ;;
  *) echo "usage: $0 start|stop|status|path" >&2; exit 2 ;;
esac
