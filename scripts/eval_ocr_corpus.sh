#!/usr/bin/env bash
# Renders every letter of the labelled corpus as a scan (one degradation kind per letter,
# fixtures/scans/make_scans.py --corpus) and prints the classifier's figures on the OCR output
# of all letters and of the test split, with the letters classified differently (--verbose).
#
#   scripts/eval_ocr_corpus.sh                 # purr from build/, scans in fixtures/generated/
#   PURR=build-x/worker/purr SCANS=/tmp/s JOBS=4 scripts/eval_ocr_corpus.sh
#
# Letters already rendered with the same text and generator are kept, so a second run only
# OCRs. Exit status: 0 measured, 1 rendering or eval failed.
set -euo pipefail
cd "$(dirname "$0")/.."
purr=${PURR:-build/worker/purr}
scans=${SCANS:-fixtures/generated/corpus-scans}
jobs=${JOBS:-$(nproc)}
[ -x "$purr" ] || { echo "eval_ocr_corpus: $purr not built (scripts/build.sh)" >&2; exit 1; }

start=$(date +%s)
python3 fixtures/scans/make_scans.py --corpus --split all --jobs "$jobs" --out "$scans" >/dev/null
echo "rendering: $(( $(date +%s) - start )) s into $scans"

for split in all test; do
  echo
  echo "== OCR output, split $split =="
  "$purr" eval --examples fixtures/letters --ocr --scans "$scans" --split "$split" --threads "$jobs" --verbose
done
