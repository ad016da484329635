#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, docs/fuzzing.md) with clang, libFuzzer, ASan and UBSan in
# build-fuzz, then runs each from its seed corpus for N seconds (default 30), two at a time.
# Exits non-zero when any target finds a crash, a hang (> 5 s), more than 2 GB of memory, a
# sanitizer report or a failed oracle, and prints where the reproducer is.
#   scripts/fuzz.sh [seconds-per-target] [target ...]     e.g. scripts/fuzz.sh 60 rules gtfs
# BUILD_DIR (default build-fuzz) and FUZZ_JOBS (targets run at once; default 2) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-30}"
[ $# -gt 0 ] && shift
BUILD_DIR="${BUILD_DIR:-build-fuzz}"
JOBS="${FUZZ_JOBS:-2}"

if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  TARGETS=()
  for f in fuzz/fuzz_*.cpp; do
    t="$(basename "$f" .cpp)"
    [ "$t" = fuzz_util ] || TARGETS+=("${t#fuzz_}")
  done
fi

# The dictionary of each target (fuzz/dict).
dict_of() {
  case "$1" in
    condition) echo fuzz/dict/condition.dict ;;
    gtfs) echo fuzz/dict/gtfs.dict ;;
    wells) echo fuzz/dict/wells.dict ;;
    bro_wells) echo fuzz/dict/bro.dict ;;
    osm | osm_tags) echo fuzz/dict/osm.dict ;;
    plan_geojson) echo fuzz/dict/geojson.dict ;;
    viewer_request) echo fuzz/dict/viewer_request.dict ;;
    *) echo fuzz/dict/toml.dict ;;
  esac
}

echo "=== fuzz: building ${#TARGETS[@]} targets in $BUILD_DIR (clang, libFuzzer + ASan + UBSan) ==="
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCASCO_FUZZ=ON "${launcher[@]}" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" >/dev/null
build_targets=()
for t in "${TARGETS[@]}"; do build_targets+=("fuzz_$t"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${build_targets[@]}"

# GDAL and PROJ keep process-wide caches that LeakSanitizer would report at exit; growing memory
# is caught by -rss_limit_mb instead.
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
RUNS="$BUILD_DIR/fuzz-runs"

run_one() {
  local t="$1" dir="$RUNS/$1"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  rm -f "$dir/artifacts/"*
  # New inputs go to the run's own corpus; the checked-in seeds (fuzz/corpus/<target>) are read.
  set +e
  "$BUILD_DIR/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -dict="$(dict_of "$t")" -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" "fuzz/corpus/$t" >"$dir/log" 2>&1
  echo $? >"$dir/rc"
  set -e
}

echo "=== fuzz: ${SECONDS_PER_TARGET} s per target, $JOBS at a time ==="
running=0
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
printf '%-18s %10s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${TARGETS[@]}"; do
  dir="$RUNS/$t"
  rc="$(cat "$dir/rc")"
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' || true)"
  speed="$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' || true)"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  result=ok
  if [ "$rc" != 0 ]; then
    result="FAILED (exit $rc)"
    failed=1
  fi
  printf '%-18s %10s %10s %8s  %s\n' "$t" "${execs:--}" "${speed:--}" "$corpus" "$result"
done
for t in "${TARGETS[@]}"; do
  dir="$RUNS/$t"
  [ "$(cat "$dir/rc")" = 0 ] && continue
  echo
  echo "=== fuzz_$t failed; the end of its log ($dir/log): ==="
  grep -v '^#[0-9]' "$dir/log" | tail -n 60
  for a in "$dir/artifacts/"*; do
    [ -e "$a" ] || continue
    echo "reproducer: $a"
    echo "  run it:   $BUILD_DIR/fuzz/fuzz_$t $a"
    echo "  keep it:  cp $a fuzz/corpus/$t/ (with a regression test in tests/, docs/fuzzing.md)"
  done
done
exit "$failed"
