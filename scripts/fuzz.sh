#!/usr/bin/env bash
# The fuzz campaign: builds purr's libFuzzer targets (clang, AddressSanitizer, UBSan), seeds
# each from its committed corpus, the fixtures and ../shared/conformance, runs it, and prints
# a line per target: executions, executions per second, coverage, corpus size, findings.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 60 s, every target)
#
# TARGET is a name from tests/fuzz/<name>_fuzzer.cc ("bank_camt", "mail", ...).
# Environment:
#   PURR_FUZZ_BUILD_DIR  build folder (default build-fuzz)
#   PURR_FUZZ_JOBS       targets run at once (default 1; each uses one core)
#   PURR_FUZZ_SAVE=1     merge what each run found into tests/fuzz/corpus/<target>/ (minimised:
#                        only inputs that add coverage are kept)
#   PURR_FUZZ_RUNS=N     stop a target after N executions (or after SECONDS, if sooner)
# Findings (crash-*, leak-*, timeout-*, oom-*) land in $PURR_FUZZ_BUILD_DIR/findings/<target>/
# (a later run moves them to findings-earlier/); the script exits 1 when there is any.
# slow-unit-* files (an input over 10 s) are kept there too but are not counted as findings. Turn each into a regression test named after what it
# found (tests/<module>/..._test.cc) before fixing it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-60}
shift || true
build=${PURR_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${PURR_FUZZ_JOBS:-1}
conformance=$root/../shared/conformance

all_targets() {
  for f in tests/fuzz/*_fuzzer.cc; do basename "$f" _fuzzer.cc; done
}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then mapfile -t targets < <(all_targets); fi
for t in "${targets[@]}"; do
  if [ ! -f "tests/fuzz/${t}_fuzzer.cc" ]; then
    echo "fuzz.sh: no target '$t' (tests/fuzz/${t}_fuzzer.cc); targets: $(all_targets | tr '\n' ' ')" >&2
    exit 2
  fi
done

mkdir -p "$build"
command -v clang++ >/dev/null || { echo "fuzz.sh: needs clang++ (apt-get install clang)" >&2; exit 2; }
cmake -S . -B "$build" -DPURR_FUZZ=ON -DPURR_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang >"$build/fuzz-configure.log" 2>&1 ||
  { cat "$build/fuzz-configure.log" >&2; exit 2; }
build_targets=()
for t in "${targets[@]}"; do build_targets+=("${t}_fuzzer"); done
cmake --build "$build" -j "$(nproc)" --target "${build_targets[@]}" >"$build/fuzz-build.log" 2>&1 ||
  { tail -40 "$build/fuzz-build.log" >&2; exit 2; }

# Seeds beside the committed corpus: files of the kind each target reads.
seeds_of() {
  case $1 in
    bank_camt) ls fixtures/demo/inbox*/payments/*.xml "$conformance"/bank/camt05*/*.xml ;;
    bank_bgmax) ls fixtures/demo/inbox/payments/*bgmax* "$conformance"/bank/bgmax/* ;;
    bank_ocr_giro) ls "$conformance"/bank/ocr_giro/* ;;
    bank_csv) ls fixtures/demo/inbox*/payments/*.csv fixtures/bank/demo_payments.csv ;;
    ledger) ls fixtures/bank/demo_ledger.csv fixtures/demo/ledger.csv tests/matching/data/* ;;
    mail) ls fixtures/mail/*.eml fixtures/demo/src/mail/* ;;
    rules) ls rules/*.yaml ;;
    decision_rules) ls rules/decisions/*.yaml ;;
    csv_profiles) ls bank/profiles/*.yaml ;;
    config) ls purr.conf packaging/*.conf fixtures/demo/*.conf ;;
    letter | extract | linker) ls fixtures/letters/*/*.txt fixtures/letters-blind/*/*.txt | head -300 ;;
    # ocr_document: only its committed seeds, small pages of every format (a full page is
    # over the target's pixel limit and would only be refused).
  esac 2>/dev/null
}

# libFuzzer options per target: inputs longer than max_len only slow the search; a per-input
# timeout makes a slow input a finding instead of a stall.
options_of() {
  local dict=""
  [ -f "tests/fuzz/dict/$1.dict" ] && dict="-dict=$root/tests/fuzz/dict/$1.dict"
  case $1 in
    ocr_document) echo "-max_len=262144 -timeout=30 -rss_limit_mb=4096 $dict" ;;
    batch_sources) echo "-max_len=65536 -timeout=10 -rss_limit_mb=4096 -malloc_limit_mb=4096 $dict" ;;
    bank_camt | mail | ledger | bank_csv | bank_bgmax | bank_ocr_giro) echo "-max_len=65536 -timeout=10 $dict" ;;
    # YAML and RE2 compilation cost per byte: shorter inputs, many more of them.
    rules | decision_rules | csv_profiles) echo "-max_len=4096 -timeout=10 $dict" ;;
    *) echo "-max_len=16384 -timeout=10 $dict" ;;
  esac
}

run_one() {
  local t=$1 bin="$build/tests/fuzz/${t}_fuzzer"
  local work="$build/corpus/$t" findings="$build/findings/$t" log="$build/logs/$t.log"
  if [ -d "$findings" ] && [ -n "$(ls -A "$findings")" ]; then  # an earlier run's: kept aside
    mkdir -p "$build/findings-earlier/$t" && mv "$findings"/* "$build/findings-earlier/$t"/
  fi
  mkdir -p "$work" "$findings" "$build/logs" "tests/fuzz/corpus/$t"
  cp -n "tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null
  local s
  while read -r s; do [ -f "$s" ] && cp -n "$s" "$work/seed-$(basename "$s")"; done < <(seeds_of "$t")
  local limit="-max_total_time=$seconds"
  [ -n "${PURR_FUZZ_RUNS:-}" ] && limit="-runs=$PURR_FUZZ_RUNS -max_total_time=$seconds"
  # shellcheck disable=SC2046
  "$bin" $limit $(options_of "$t") -print_final_stats=1 -close_fd_mask=3 \
    -artifact_prefix="$findings/" "$work" >"$log" 2>&1
  local rc=$?
  if [ "${PURR_FUZZ_SAVE:-}" = 1 ]; then
    local fresh="$build/merge/$t"
    rm -rf "$fresh"; mkdir -p "$fresh"
    # shellcheck disable=SC2046
    "$bin" -merge=1 $(options_of "$t") "$fresh" "$work" >"$build/logs/$t.merge.log" 2>&1 &&
      rm -rf "tests/fuzz/corpus/$t" && mv "$fresh" "tests/fuzz/corpus/$t" &&
      # The committed corpus keeps small inputs; the large seeds are read again from the
      # fixtures and ../shared/conformance on every run.
      find "tests/fuzz/corpus/$t" -type f -size +64k -delete
  fi
  echo "$rc" >"$build/logs/$t.rc"
}

summary_of() {
  local t=$1 log="$build/logs/$1.log"
  local execs secs cov ft corp found
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | awk '{print $2}')
  found=$(find "$build/findings/$t" -type f ! -name 'slow-unit-*' | wc -l)
  [ -z "$secs" ] && secs=$seconds
  printf '%-16s %10s %7s %8s %8s %6s %-12s %s\n' "$t" "${execs:-?}" "${secs}" \
    "$(( ${execs:-0} / (secs > 0 ? secs : 1) ))" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$found"
}

echo "fuzz.sh: ${#targets[@]} target(s), ${seconds} s each, $jobs at once; logs in $build/logs/" >&2
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

printf '%-16s %10s %7s %8s %8s %6s %-12s %s\n' target executions seconds exec/s coverage features corpus findings
total=0
for t in "${targets[@]}"; do
  summary_of "$t"
  total=$((total + $(find "$build/findings/$t" -type f ! -name 'slow-unit-*' | wc -l)))
done
if [ "$total" -gt 0 ]; then
  echo "fuzz.sh: $total finding(s), in $build/findings/" >&2
  exit 1
fi
