#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster with durable settings (fsync and synchronous commit
# on, as in production), runs bench_store_claim on it and on SQLite, and stops the cluster.
#   bench/store/run_bench_store.sh [BUILD_DIR] [bench_store_claim options...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
dir=/tmp/purr-pg-bench-$$
trap 'tests/store/pg_cluster.sh stop "$dir"' EXIT
PURR_PG_DURABLE=1 tests/store/pg_cluster.sh start "$dir"
"$build/bench/store/bench_store_claim" \
  --pg-admin "postgresql:///postgres?host=$dir&port=5432&user=purr" "$@"
