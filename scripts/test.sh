#!/usr/bin/env bash
# Builds casco and runs the whole test suite. BUILD_DIR and CMAKE_ARGS may be set by the caller
# (CI uses them for the sanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
# The viewer bundle and playwright-core first, so configuring registers the end-to-end test.
scripts/build-web.sh || echo "test: web viewer not built (no npm?): viewer_e2e is skipped" >&2
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
