#!/usr/bin/env bash
# purr on PostgreSQL over TCP with a password, as hosts other than the database's reach it:
# a throw-away cluster of its own on 127.0.0.1 (scram-sha-256), a role whose password needs
# percent-encoding in the URL, the demo's first delivery through `purr run --until-idle`, the
# listings read back, and a wrong password refused with a clear message; the password
# appears in no output, log or message.
#   pg_tcp_test.sh PURR SOURCE_DIR
set -euo pipefail
purr=$(realpath "${1:?the purr binary}")
src=$(cd "${2:?the source folder}" && pwd)

fail() {
  echo "pg_tcp_test: FAIL: $*" >&2
  exit 1
}

work=$(mktemp -d /tmp/purr-pg-tcp.XXXXXX)
chmod 755 "$work"  # the server runs as postgres when the tests run as root
cluster=$work/cluster
cleanup() {
  bash "$src/tests/store/pg_cluster.sh" stop "$cluster" || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PURR_PG_TCP_PORT=$port bash "$src/tests/store/pg_cluster.sh" start "$cluster"
admin="postgresql:///postgres?host=$cluster&port=$port&user=purr"
password='Tr0ll:h@t/te?n&b%'
encoded='Tr0ll%3Ah%40t%2Fte%3Fn%26b%25'
psql -qX "$admin" -c "CREATE ROLE clerk LOGIN PASSWORD '$password'" >/dev/null
psql -qX "$admin" -c "CREATE DATABASE purr OWNER clerk" >/dev/null
url="postgresql://clerk:$encoded@127.0.0.1:$port/purr"

# The demo's first delivery, once on a SQLite store and once on PostgreSQL over TCP.
deliver() {  # NAME DB
  local dir=$work/$1
  mkdir -p "$dir/inbox/letters" "$dir/inbox/payments"
  printf '%s\n' "purr.db = $2" "purr.rules = $src/rules" "purr.poll_interval_ms = 200" \
    "purr.http.address =" "purr.outbox.file = events.jsonl" > "$dir/purr.conf"
  "$purr" invoices import --config "$dir/purr.conf" "$src/fixtures/demo/ledger.csv" \
    >>"$work/out.txt" 2>&1 || { cat "$work/out.txt"; fail "the ledger import ($1)"; }
  cp "$src"/fixtures/demo/inbox/letters/* "$dir/inbox/letters/"
  cp "$src"/fixtures/demo/inbox/payments/* "$dir/inbox/payments/"
  "$purr" run --config "$dir/purr.conf" --until-idle 2>"$dir/purr.log" >>"$work/out.txt" \
    || { tail -n 20 "$dir/purr.log"; fail "purr run --until-idle ($1)"; }
}
deliver sqlite purr.sqlite
deliver tcp "$url"
out=$work/out.txt
for what in letters allocations cases followups events; do
  want=$("$purr" "$what" --config "$work/sqlite/purr.conf" --json | wc -l)
  got=$("$purr" "$what" --db "$url" --json 2>>"$out" | wc -l)
  [ "$got" -eq "$want" ] || fail "purr $what: $got over TCP, $want on SQLite"
done
letters=$("$purr" letters --db "$url" --json | wc -l)
allocations=$("$purr" allocations --db "$url" --json | wc -l)
{ [ "$letters" -gt 0 ] && [ "$allocations" -gt 0 ]; } || fail "nothing recorded"
"$purr" status --db "$url" >>"$out" 2>&1 || fail "purr status over TCP"
grep -q 'clerk:\*\*\*@127.0.0.1' "$work/tcp/purr.log" || fail "the log names no masked store"

# A wrong password: refused, saying why, the password it was given masked too.
if "$purr" invoices --db "postgresql://clerk:Wr0ngPassw0rd@127.0.0.1:$port/purr" >"$work/wrong.txt" 2>&1; then
  fail "a wrong password was let in"
fi
grep -q 'password authentication failed' "$work/wrong.txt" || { cat "$work/wrong.txt"; fail "no reason given"; }

for f in "$out" "$work/tcp/purr.log" "$work/wrong.txt" "$work/tcp/events.jsonl"; do
  [ -f "$f" ] || continue
  if grep -qF -e "$password" -e "$encoded" -e "Wr0ngPassw0rd" "$f"; then
    fail "a password appears in $(basename "$f")"
  fi
done
echo "pg_tcp_test: $letters letters and $allocations allocations over TCP on 127.0.0.1:$port; passwords masked"
