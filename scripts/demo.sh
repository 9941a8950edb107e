#!/usr/bin/env bash
# Sets up, builds, and runs purr's main job on the bundled fixtures with the embedded store.
# For now the main job is OCR of the fixture scans; it prints one JSON line per scan to
# out/demo/ocr.jsonl and a summary (pages, rotation and skew found, seconds per page).
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
exit $status
