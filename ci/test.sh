#!/usr/bin/env bash
# ci/test.sh: install what is missing, build, and run every test.
#   1. the lwm2m/ library tests under AddressSanitizer + UndefinedBehaviorSanitizer;
#   2. one libFuzzer target per decoder for a bounded time (when clang is present);
#   3. the full build and `ctest --output-on-failure` (GoogleTest, Python, dissector, end to end).
# Exits non-zero on any failure. Environment: JOBS (build parallelism),
# FUZZ_SECONDS (per fuzz target, default 8; 0 skips fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash ci/setup.sh

jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-8}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

t0=$(date +%s)
stage() { echo "== $1 (at $(( $(date +%s) - t0 )) s)"; }
stage "1/3 library tests under address,undefined sanitizers"
cmake -S . -B build-asan "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug \
  -DLWM2M_SANITIZE=address,undefined -DLWM2M_LIBRARY_ONLY=ON >/dev/null
cmake --build build-asan -j "$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j "$jobs")

stage "2/3 fuzz targets, ${fuzz_seconds}s each"
if [ "$fuzz_seconds" != 0 ] && command -v clang++ >/dev/null; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLWM2M_FUZZ=ON -DLWM2M_LIBRARY_ONLY=ON -DLWM2M_BUILD_TESTS=OFF \
    -DLWM2M_SANITIZE=address,undefined >/dev/null
  cmake --build build-fuzz -j "$jobs"
  /usr/bin/python3 lwm2m/fuzz/make_seeds.py testcases/payloads build-fuzz/seeds
  mapfile -t fuzzers < <(find build-fuzz -maxdepth 3 -type f -name '*_fuzz' -perm -u+x | sort)
  [ ${#fuzzers[@]} -gt 0 ] || { echo "no fuzz targets were built"; exit 1; }
  for f in "${fuzzers[@]}"; do
    name=$(basename "$f")
    corpus="$root/build-fuzz/corpus/$name"
    mkdir -p "$corpus"
    seeds="$root/build-fuzz/seeds/$name"
    # The first folder receives new inputs; the seed folder (samples of this format) is only read.
    dirs=("$corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    echo "-- $name"
    "$f" -max_total_time="$fuzz_seconds" -timeout=5 -rss_limit_mb=2048 -artifact_prefix="build-fuzz/$name-" "${dirs[@]}" \
      2>"build-fuzz/$name.log" || { tail -40 "build-fuzz/$name.log"; exit 1; }
    grep -E '^(Done|#[0-9]+ *DONE)' "build-fuzz/$name.log" | tail -1 || true
  done
else
  echo "skipped (clang++ not found or FUZZ_SECONDS=0)"
fi

stage "3/3 full build and every test"
# Release (no debug info): the same code, built in about two thirds of the time on 2 cores.
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"
cd build
ctest --output-on-failure -j "$jobs"
echo "== all tests passed in $(( $(date +%s) - t0 )) s"
