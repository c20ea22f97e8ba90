// Requirement scoring and shard merging (DESIGN.md "Requirements and scoring"; issue 5
// `lwm2m-harness merge`). A requirement is FAIL if any applicable case failed (an expected
// failure still fails its requirement), PASS if at least one applicable case ran (UNSUPPORTED
// did not run) and all that ran passed, NOT TESTED otherwise. Example:
//   Result<RunResult> all = Merge({*RunResultFromJson(a), *RunResultFromJson(b)}, &notes);
#pragma once

#include <string>
#include <vector>

#include "lwm2m/result.h"
#include "reports/report_model.h"

namespace lwm2m::report {

// Sets every RequirementResult::verdict from its `cases` and those cases' verdicts in
// `run.cases`; ids not in the run are ignored. Does not touch totals (see ComputeTotals).
void FoldRequirements(RunResult& run);

// Combines the report.json of several shards: cases concatenated in shard order, a case id
// that appears twice with the same verdict is kept once (a note in `diagnostics`), with
// different verdicts it is an error naming the id, the shards and both verdicts.
// Requirements are united by label (their case lists too) and re-folded; totals recomputed;
// the run spans the earliest start to the latest finish; interrupted if any shard was.
Result<RunResult> Merge(const std::vector<RunResult>& shards, std::vector<std::string>* diagnostics = nullptr);

}  // namespace lwm2m::report
