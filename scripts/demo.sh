#!/usr/bin/env bash
# Sets up, builds, and runs purr's main jobs on the bundled fixtures:
#   1. OCR of the fixture scans (one JSON line per scan in out/demo/ocr.jsonl, and a summary:
#      pages, rotations and skew corrected, pages per second);
#   2. the bundled bank export read and matched against the bundled ledger (decisions with
#      reasons on the terminal, JSON in out/demo/match.jsonl);
#   3. matching measured on a generated scenario with known truth (purr match-eval);
#   4. the bundled e-mails and a sample of letters classified (class, legal category,
#      deadline, needs_human), JSON in out/demo/classify.jsonl.
# The embedded store and the polling daemon come with the worker issue; until then each
# job reads files and prints its results.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
purr=${PURR_BUILD_DIR:-build}/worker/purr
mkdir -p out/demo
mapfile -t scans < <(find fixtures/scans -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.tif' -o -name '*.pdf' \) | sort)
echo "demo: OCR of ${#scans[@]} fixture scans with $(nproc) threads"
start=$(date +%s.%N)
status=0
"$purr" ocr --json "${scans[@]}" > out/demo/ocr.jsonl || status=$?
end=$(date +%s.%N)
python3 - "$start" "$end" <<'PY'
import json, sys
start, end = float(sys.argv[1]), float(sys.argv[2])
pages = errors = turned = skewed = 0
for line in open("out/demo/ocr.jsonl", encoding="utf-8"):
    doc = json.loads(line)
    if "error" in doc:
        errors += 1
    for p in doc["pages"]:
        pages += 1
        turned += p.get("rotation", 0) != 0
        skewed += abs(p.get("skew", 0)) >= 0.5
print(f"demo: {pages} pages read in {end - start:.1f} s ({pages / (end - start):.2f} pages/s); "
      f"{turned} turned upright, {skewed} deskewed, {errors} files with errors")
print("demo: results in out/demo/ocr.jsonl")
PY
echo
echo "demo: payments in fixtures/bank/demo_payments.csv matched to fixtures/bank/demo_ledger.csv"
"$purr" match --invoices fixtures/bank/demo_ledger.csv fixtures/bank/demo_payments.csv || status=$?
"$purr" match --json --invoices fixtures/bank/demo_ledger.csv fixtures/bank/demo_payments.csv \
  > out/demo/match.jsonl || true
echo
echo "demo: matching measured on 100000 generated payments"
"$purr" match-eval --payments 100000 || status=$?
echo
echo "demo: e-mails and letters classified (received 2025-11-03)"
letters=(fixtures/mail/*.eml fixtures/letters/*/00[1-3]_*.txt)
"$purr" classify --received 2025-11-03 "${letters[@]}" || status=$?
"$purr" classify --json --received 2025-11-03 "${letters[@]}" > out/demo/classify.jsonl 2>/dev/null || true
exit $status
