#!/usr/bin/env bash
# purr's OCR beside the plain tesseract CLI on every page with a transcription (.gt.txt):
# per page both CERs, stated and measured resolution, rotation, confidence; at the end the
# mean CER and CPU seconds of each. See scripts/ocr_compare.py for the details.
#
#   scripts/ocr-compare.sh fixtures/real/dev ../shared/conformance/ocr
#   PURR=build-x/worker/purr scripts/ocr-compare.sh --json out.json fixtures/real/dev
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PURR=${PURR:-$root/build/worker/purr}
exec python3 "$root/scripts/ocr_compare.py" "$@"
