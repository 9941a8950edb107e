#!/usr/bin/env bash
# OCR throughput: the same generated A4 letters read three ways, with the same languages.
#   1. the tesseract CLI with default settings, one page after another
#   2. the tesseract CLI with OMP_THREAD_LIMIT=1, one process per core
#   3. purr ocr, one process using every core (it also fixes orientation and skew)
# Prints pages per second, the ratios, and peak resident memory.
#
#   bench/ocr/bench_ocr.sh [PAGES]        # default 40 pages, generated once
#   BIG=1 bench/ocr/bench_ocr.sh          # also peak RSS for a 10- and a 500-page fax TIFF
set -euo pipefail
cd "$(dirname "$0")/../.."
pages=${1:-40}
purr=${PURR_BUILD_DIR:-build}/worker/purr
langs=nor+swe+dan+eng
cores=$(nproc)
gen=fixtures/generated/bench-$pages
if [ ! -d "$gen/clean300" ]; then
  echo "bench: rendering $pages pages into $gen (about 3 s of CPU a page)"
  python3 fixtures/scans/make_scans.py --out "$gen" --kinds clean300 --per-kind "$pages" >/dev/null
fi
mapfile -t files < <(find "$gen/clean300" -name '*.png' | sort)
n=${#files[@]}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
rate() { python3 -c "print(f'{$1/($3-$2):.3f}')"; }
peak_kb() { sort -n "$1" | tail -1; }

echo "bench: $n pages, $cores cores, languages $langs"

t0=$(now)
for f in "${files[@]}"; do
  /usr/bin/time -f %M -a -o "$tmp/rss1" tesseract "$f" "$tmp/out" -l $langs >/dev/null 2>&1
done
t1=$(now)
r1=$(rate "$n" "$t0" "$t1")
echo "tesseract CLI, default settings:          $r1 pages/s   peak $(( $(peak_kb "$tmp/rss1") / 1024 )) MB per process"

t0=$(now)
printf '%s\n' "${files[@]}" | OMP_THREAD_LIMIT=1 xargs -P "$cores" -I{} \
  /usr/bin/time -f %M -a -o "$tmp/rss2" tesseract {} "$tmp/out-$RANDOM" -l $langs >/dev/null 2>&1
t1=$(now)
r2=$(rate "$n" "$t0" "$t1")
echo "tesseract CLI, OMP_THREAD_LIMIT=1 x$cores:      $r2 pages/s   peak $(( $(peak_kb "$tmp/rss2") / 1024 )) MB per process"

t0=$(now)
/usr/bin/time -f %M -o "$tmp/rss3" "$purr" ocr --json --lang $langs "${files[@]}" > "$tmp/purr.jsonl"
t1=$(now)
r3=$(rate "$n" "$t0" "$t1")
rss3=$(peak_kb "$tmp/rss3")
echo "purr ocr, $cores threads:                      $r3 pages/s   peak $(( rss3 / 1024 )) MB ($(( rss3 / 1024 / cores )) MB per thread)"
python3 - "$r1" "$r2" "$r3" "$tmp/purr.jsonl" <<'PY'
import json, sys
r1, r2, r3 = map(float, sys.argv[1:4])
best = max(r1, r2)
print(f"ratio purr / faster CLI baseline: {r3 / best:.2f}x   (purr / default CLI: {r3 / r1:.2f}x)")
stages, langs, pages = {}, {}, 0
for line in open(sys.argv[4], encoding="utf-8"):
    for p in json.loads(line)["pages"]:
        pages += 1
        langs[p.get("language", "?")] = langs.get(p.get("language", "?"), 0) + 1
        for k, v in p.get("stages_ms", {}).items():
            stages[k] = stages.get(k, 0) + v
print("purr mean ms per page by stage: " + ", ".join(f"{k} {v / pages:.0f}" for k, v in stages.items()))
print("purr languages chosen: " + ", ".join(f"{k} {v}" for k, v in sorted(langs.items())))
PY

if [ -n "${BIG:-}" ]; then
  big=fixtures/generated/big
  [ -f "$big/big/fax_500_pages.tif" ] || python3 fixtures/scans/make_scans.py --out "$big" --kinds none --tiff-pages 500 >/dev/null
  [ -f "$big/big/fax_10_pages.tif" ] || python3 fixtures/scans/make_scans.py --out "$big" --kinds none --tiff-pages 10 >/dev/null
  for p in 10 500; do
    t0=$(now)
    /usr/bin/time -f %M -o "$tmp/rss-big" "$purr" ocr --json "$big/big/fax_${p}_pages.tif" > "$tmp/big.jsonl" || true
    t1=$(now)
    echo "purr ocr on a $p-page fax TIFF: peak RSS $(( $(peak_kb "$tmp/rss-big") / 1024 )) MB, $(rate "$p" "$t0" "$t1") pages/s"
  done
fi
