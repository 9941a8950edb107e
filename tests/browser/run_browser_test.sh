#!/usr/bin/env bash
# Runs tests/browser/review_test.js in Chromium against a real `purr run`: a fresh store with
# the demo ledger, a few demo letters (a scan among them) and a letter with hostile markup,
# processed by the worker, two users, the daemon serving on a free loopback port.
#   tests/browser/run_browser_test.sh PURR_BINARY [OUT_DIR]
# Screenshots go to OUT_DIR (default out/browser). Skips (exit 77) when chromium or
# playwright-core (npm ci in tests/browser) is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
purr="$1"
out="${2:-$root/out/browser}"
if ! command -v node >/dev/null || [ ! -x "${PURR_CHROMIUM:-/usr/bin/chromium}" ] ||
   [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "browser test skipped: needs node, chromium and playwright-core (scripts/setup.sh)"
  exit 77
fi
work="$(mktemp -d)"
daemon=""
cleanup() {
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$out" "$work/inbox/letters" "$work/inbox/payments"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/purr.conf" <<CONF
purr.db = purr.sqlite
purr.rules = $root/rules
purr.poll_interval_ms = 100
purr.http.address = 127.0.0.1:$port
CONF
"$purr" invoices import --config "$work/purr.conf" "$root/fixtures/demo/ledger.csv" >/dev/null
for f in nb_strand_kvittering.tif nb_vik_gjeldsordning.eml nb_lunde_bestrider.txt \
         sv_haddad_delbetalning.txt en_lund_fees.eml nb_lie_uklart.txt; do
  cp "$root/fixtures/demo/inbox/letters/$f" "$work/inbox/letters/"
done
cat > "$work/inbox/letters/hostile_markup.txt" <<'TXT'
Hei,
jeg bestrider kravet på faktura FT-7100388. <script>window.pwned = 1</script>
<img src=x onerror="window.pwned = 2"> "quoted" & 'single' </pre></mark>
Geir Åsmund Lunde
TXT
"$purr" run --config "$work/purr.conf" --until-idle 2> "$work/first-run.log"
echo "admin-password-1" | "$purr" users add admin --role admin --password-stdin \
  --iterations 1000 --config "$work/purr.conf" >/dev/null
echo "clerk-password-1" | "$purr" users add kari --role clerk --password-stdin \
  --iterations 1000 --config "$work/purr.conf" >/dev/null
"$purr" run --config "$work/purr.conf" 2> "$work/daemon.log" &
daemon=$!
up=""
for _ in $(seq 1 600); do
  if curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
if [ -z "$up" ]; then
  echo "browser test failed: the daemon did not answer /health within 60 s; its log:"
  tail -n 40 "$work/daemon.log"
  exit 1
fi
if ! node "$here/review_test.js" "http://127.0.0.1:$port" "$out"; then
  echo "the daemon's log (last 40 lines):"
  tail -n 40 "$work/daemon.log"
  exit 1
fi
