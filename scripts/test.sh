#!/usr/bin/env bash
# Sets up, builds and runs purr's whole test suite through ctest; then (in CI, or with
# PURR_SANITIZE_TESTS=1) builds the fast test binaries again with AddressSanitizer and UBSan
# (PURR_SANITIZE=ON, into build-asan/) and runs them. The OCR-heavy binaries stay out of the
# sanitizer run: Tesseract's pages under ASan cost ten times their time, and the fuzz
# campaign (scripts/fuzz.sh) covers the image decoding under ASan instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd "${PURR_BUILD_DIR:-build}" && ctest --output-on-failure -j "$(nproc)" --timeout 900)

if [ "${PURR_SANITIZE_TESTS:-}" = 1 ] || [ "${CI:-}" = "true" ]; then
  # classify_command_test is left out too: it runs purr classify over the whole corpus
  # several times (275 s under ASan); classify_test covers the same code.
  fast=(common_test refs_test bank_test payments_command_test matching_test match_command_test
        cases_test extract_test mail_test classify_test store_test casework_test web_test)
  # Every fuzz target's committed corpus replayed (Fuzz.<name>.Corpus, label <name>_fuzzer):
  # all of them take under a minute under ASan.
  for f in tests/fuzz/*_fuzzer.cc; do fast+=("$(basename "$f" .cc)"); done
  asan=${PURR_ASAN_BUILD_DIR:-build-asan}
  start=$(date +%s)
  werror=OFF
  if [ "${CI:-}" = "true" ]; then werror=ON; fi
  # clang (a quarter faster to compile here than GCC, and its own warnings as errors) at -O1,
  # the sanitizers' usual level, with line tables only.
  cmake -S . -B "$asan" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DPURR_WERROR=$werror -DPURR_SANITIZE=ON -DPURR_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" >/dev/null
  cmake --build "$asan" -j "$(nproc)" --target "${fast[@]}" purr
  labels=$(IFS='|'; echo "^(${fast[*]})\$")
  supp="$(pwd)/tests/lsan.supp"  # leaks inside third-party libraries, each with its reason
  (cd "$asan" &&
     ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
     LSAN_OPTIONS="suppressions=$supp:print_suppressions=0" \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j "$(nproc)" --timeout 900 -L "$labels")
  echo "test.sh: sanitizer build and tests took $(( $(date +%s) - start )) s" >&2
fi
