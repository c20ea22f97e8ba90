#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ctest entry: record the registration cases of the harness against the reference client, then
# check every frame of those captures with the plugin (test_harness_captures_if_given).
# Usage: harness_captures.sh <lwm2m-harness> <source dir>   (LWM2M_PLUGIN_DIR from ctest)
set -u
harness=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Verdicts do not matter here (the suite tests check them): 0 or 1 both leave captures.
"$harness" run --iut "$src/testcases/iut/reference-client.yaml" --testcases "$src/testcases" \
  --cases 'registration/*' --out "$out" -j 2 >"$out/run.log" 2>&1
rc=$?
if [ "$rc" -gt 1 ]; then cat "$out/run.log"; exit 1; fi
chmod -R a+rX "$out"   # tshark runs as an unprivileged user when we are root
LWM2M_HARNESS_CAPTURES=$out LWM2M_HARNESS_EXPECT_OPS=Register,Update,De-register \
  /usr/bin/python3 "$(dirname "$0")/run_tests.py" -k harness_captures
