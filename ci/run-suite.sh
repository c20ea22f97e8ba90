#!/usr/bin/env bash
# ci/run-suite.sh: install what is missing, build, and run the conformance suite
# against the bundled reference endpoints, writing reports and printing a summary.
# Until the harness engine lands (issue 5) it runs the codec self-check: every
# content format decodes its known-answer vectors through the lwm2m-harness CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" >/dev/null
cmake --build build -j "${JOBS:-$(nproc)}" --target lwm2m-harness

out=${1:-reports/out}
mkdir -p "$out"
./build/harness/cli/lwm2m-harness selfcheck --out "$out"
