#!/usr/bin/env bash
# Configures and builds purr into build/ (or $PURR_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${PURR_BUILD_DIR:-build}
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
cmake -S . -B "$build" -DPURR_WERROR=$werror "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
