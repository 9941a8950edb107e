#!/usr/bin/env bash
# Sets up, builds, and runs purr's main job on the bundled fixtures: the worker daemon over a
# bundled inbox with a fresh embedded SQLite store.
#   1. out/demo/ gets a purr.conf, empty inboxes and a new store; the bundled ledger
#      (fixtures/demo/ledger.csv) is imported;
#   2. the bundled letters (scans, e-mails, text) and bank files (camt.054, CSV, BgMax, a file
#      whose control totals disagree, a re-delivered file) are dropped into the inboxes;
#   3. `purr run --until-idle` processes everything and delivers the outbox once; then a
#      second delivery (fixtures/demo/inbox2) is processed by a second run on the same store;
#   4. a report: letters by class and legal category, payments automatic and followed up,
#      customers reactivated, follow-ups with reasons and deadlines, the outbox events,
#      what was quarantined and why.
# See fixtures/demo/README.md for what each input exercises.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
purr=$PWD/${PURR_BUILD_DIR:-build}/worker/purr
demo=$PWD/out/demo
rm -rf "$demo"
mkdir -p "$demo/inbox/letters" "$demo/inbox/payments"
cat > "$demo/purr.conf" <<EOF
# The demo's configuration; every key is explained in the annotated purr.conf at the root.
purr.db = purr.sqlite
purr.rules = $PWD/rules
purr.poll_interval_ms = 200
purr.http.address =
purr.outbox.file = events.jsonl
EOF
conf=$demo/purr.conf

echo "demo: a fresh store in $demo/purr.sqlite; the bundled ledger imported"
"$purr" invoices import --config "$conf" fixtures/demo/ledger.csv
cp fixtures/demo/inbox/letters/* "$demo/inbox/letters/"
cp fixtures/demo/inbox/payments/* "$demo/inbox/payments/"
echo "demo: $(ls "$demo/inbox/letters" | wc -l) letters and $(ls "$demo/inbox/payments" | wc -l) payment files dropped into the inboxes"
echo "demo: purr run --until-idle (log in out/demo/purr.log)"
start=$(date +%s.%N)
"$purr" run --config "$conf" --until-idle 2> "$demo/purr.log"
end=$(date +%s.%N)
echo "demo: the daemon went idle and stopped after $(python3 -c "print(f'{$end - $start:.1f}')") s"

# The next delivery, on the same store: a proof of payment whose payment was booked in the
# first run, one that was scanned weeks late (its grace has run out), and a bank file with a
# payment recorded before, a broken record, and the payment the rejected file failed to bring.
cp fixtures/demo/inbox2/letters/* "$demo/inbox/letters/"
touch -d "2026-11-10 09:00" "$demo/inbox/letters/nb_berg_betalt_november.txt"
cp fixtures/demo/inbox2/payments/* "$demo/inbox/payments/"
echo "demo: the next delivery: $(ls fixtures/demo/inbox2/letters | wc -l) letters, $(ls fixtures/demo/inbox2/payments | wc -l) payment file; purr run --until-idle again"
"$purr" run --config "$conf" --until-idle 2>> "$demo/purr.log"

for what in letters allocations cases followups events; do
  "$purr" "$what" --config "$conf" --json > "$demo/$what.jsonl"
done
python3 - "$demo" <<'PY'
import collections, json, os, sys
demo = sys.argv[1]
def load(name):
    with open(os.path.join(demo, name + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
letters, payments, cases, followups, events = (load(n) for n in
    ("letters", "allocations", "cases", "followups", "events"))

print(f"\n== letters: {len(letters)} recorded")
by_class = collections.Counter(c for l in letters for c in (l["classes"] or ["none"]))
by_legal = collections.Counter(l["legal"] for l in letters)
by_status = collections.Counter(l["status"] for l in letters)
print("  by class:   " + ", ".join(f"{c} {n}" for c, n in by_class.most_common()))
print("  by legal:   " + ", ".join(f"{c} {n}" for c, n in by_legal.most_common()))
print("  outcome:    " + ", ".join(f"{c} {n}" for c, n in by_status.most_common()))
for l in letters:
    print(f"  {l['file'][:34]:34} {l['language']:3} {','.join(l['classes'])[:28]:28} "
          f"{l['legal']:18} {l['case'] or '-':14} {l['status']}")

auto = [p for p in payments if p["decision"] == "auto"]
print(f"\n== payments: {len(payments)} recorded, {len(auto)} applied automatically, "
      f"{len(payments) - len(auto)} followed up")
applied = sum(a["amount_minor"] for p in payments for a in p["allocations"])
print(f"  allocated in all: {applied / 100:.2f} (minor units {applied})")

print(f"\n== customers reactivated: {len(events)}")
for e in events:
    print(f"  {e['customer']} case {e['case']}: {', '.join(e['invoices'])} settled by "
          f"{e['payment_id']} (outbox file: {'delivered' if e['delivered']['file'] else 'pending'})")
held = [c for c in cases if c["flag"] == "hold"]
print(f"  on hold, not reactivated: {', '.join(c['case'] + ' (' + c['customer'] + ')' for c in held) or 'none'}")

print(f"\n== follow-ups: {len(followups)} open, by deadline then priority")
for f in followups:
    what = f["letter"]["file"] if f["letter"] else (f["payment_id"] or "-")
    print(f"  #{f['id']:<3} p{f['priority']} {f['deadline'] or 'no deadline':11} "
          f"{f['case'] or 'no case':14} {f['rule']:30} {what[:40]}")
    print(f"       {f['reasons'][0][:110]}")
by_rule = collections.Counter(f["rule"] for f in followups)
print("  by reason: " + ", ".join(f"{r} {n}" for r, n in by_rule.most_common()))

qdir = os.path.join(demo, "quarantine")
reasons = sorted(n for n in os.listdir(qdir) if n.endswith(".reason")) if os.path.isdir(qdir) else []
print(f"\n== quarantined: {len(reasons)}")
for r in reasons:
    with open(os.path.join(qdir, r), encoding="utf-8") as f:
        print(f"  {r[:-7]}: {f.read().strip()[:110]}")
dupes = sum(1 for line in open(os.path.join(demo, "purr.log"), encoding="utf-8")
            if "job.duplicate" in line)
print(f"\n== duplicates recognised and archived without processing: {dupes}")
print(f"\nThe store is {demo}/purr.sqlite; try: build/worker/purr followups --config {demo}/purr.conf")
PY
