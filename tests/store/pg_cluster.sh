#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the store tests:
#   pg_cluster.sh start DIR   initdb into DIR/data, start it listening on the Unix socket
#                             DIR/.s.PGSQL.5432 only (no TCP port), superuser "purr", trust
#   pg_cluster.sh stop DIR    stop it and delete DIR
# With PURR_PG_TCP_PORT=N it listens on 127.0.0.1:N as well (and its socket is
# DIR/.s.PGSQL.N), where a role needs its password (scram-sha-256).
# As root (PostgreSQL refuses to run as root) the server runs as the "postgres" user that
# Debian's postgresql package creates. Durability is switched off (these are tests) unless
# PURR_PG_DURABLE=1.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?the cluster folder}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg_cluster: no PostgreSQL server under /usr/lib/postgresql (scripts/setup.sh installs it)" >&2
  exit 1
fi
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "$action" in
  start)
    stop
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    port=5432 listen=""
    if [ -n "${PURR_PG_TCP_PORT:-}" ]; then port=$PURR_PG_TCP_PORT listen=127.0.0.1; fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U purr --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # PURR_PG_DURABLE=1 (the benchmarks) keeps PostgreSQL's durable defaults.
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${PURR_PG_DURABLE:-}" = 1 ]; then durability=""; fi
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='$listen' -c unix_socket_directories='$dir' -c port=$port \
          $durability -c max_connections=300 -c shared_buffers=64MB" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    # Root's test binaries reach the socket in the postgres-owned folder.
    chmod 755 "$dir"
    echo "pg_cluster: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir/.s.PGSQL.$port${listen:+ and $listen:$port}"
    ;;
  stop)
    stop
    ;;
  *)
    echo "pg_cluster: start or stop, not $action" >&2
    exit 2
    ;;
esac
