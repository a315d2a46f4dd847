#!/usr/bin/env bash
# Creates the database if missing and applies Prisma migrations (offline JS schema engine).
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/hubsync}"
node scripts/ensure-database.cjs
NODE_OPTIONS="--require ./scripts/unref-timers.cjs" node_modules/.bin/prisma migrate deploy "$@" 2>&1 | grep -v '^$' | sed 's/^/[migrate] /'
