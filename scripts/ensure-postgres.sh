#!/usr/bin/env bash
# Makes sure the local PostgreSQL answers; starts the machine's cluster when it is installed but stopped.
set -euo pipefail
host=127.0.0.1
port=5432
if pg_isready -h "$host" -p "$port" -q 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  echo "[postgres] starting cluster $version/main" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 60); do
  pg_isready -h "$host" -p "$port" -q 2>/dev/null && exit 0
  sleep 0.5
done
echo "[postgres] PostgreSQL does not answer on $host:$port (set DATABASE_URL to a reachable server)" >&2
exit 1
