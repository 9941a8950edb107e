#!/usr/bin/env bash
# Sets up, builds and runs purr's whole test suite through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd "${PURR_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)" --timeout 900
