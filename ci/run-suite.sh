#!/usr/bin/env bash
# ci/run-suite.sh: install what is missing, build, and run the conformance suite against the
# bundled reference endpoints: every client-side case against the reference client, every
# server-side case against the reference server (each as the IUT of the cases for its role), then
# merge both runs into one report. Also keeps the codec self-check. Prints the summary and where the
# reports are; exits non-zero when a case or the self-check fails.
#   ci/run-suite.sh [OUT]          (default OUT: reports/out; TIME_SCALE, JOBS from the environment)
set -uo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh || exit 2
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 2
cmake --build build -j "${JOBS:-$(nproc)}" --target lwm2m-harness lwm2m-ref-client lwm2m-ref-server || exit 2

harness=./build/harness/cli/lwm2m-harness
out=${1:-reports/out}
scale=${TIME_SCALE:-1}
mkdir -p "$out"
status=0

"$harness" selfcheck --out "$out" || status=1
"$harness" validate testcases || status=1

for iut in reference-client reference-server; do
  echo "== $iut =="
  "$harness" run --iut "testcases/iut/$iut.yaml" --out "$out/$iut" --time-scale "$scale" -j "${SUITE_JOBS:-2}"
  rc=$?
  [ "$rc" -ne 0 ] && status=$rc
done

"$harness" merge "$out/reference-client/report.json" "$out/reference-server/report.json" --out "$out/all" >/dev/null \
  || status=1

echo
echo "== summary =="
[ -f "$out/all/summary.md" ] && cat "$out/all/summary.md" | head -40
echo
echo "reports: $out/all/report.html (merged), $out/reference-client/, $out/reference-server/"
echo "         each with report.json, junit.xml, summary.md and one folder per case (capture.pcapng, iut.log, steps.json)"
exit $status
