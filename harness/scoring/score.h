// score.h: requirement verdicts of a run (DESIGN.md "Requirements and scoring"): each entry of
// the requirement table with the cases that name it and the fold of their verdicts, and totals
// per area (traced, testable, tested, passed, failed) for the requirement matrix.
//   auto results = Score(table, run.cases);     // one RequirementResult per table entry
//   for (const AreaTotals& a : Totals(results)) ...; AreaTotals all = Sum(Totals(results));
#pragma once

#include <string>
#include <vector>

#include "harness/scoring/requirement_table.h"
#include "reports/report_model.h"

namespace lwm2m::scoring {

// The fold for one requirement over the verdicts of the cases that name it:
// FAIL if any case failed (FAIL, TIMEOUT, ERROR), PASS if at least one case ran (not
// UNSUPPORTED) and every case that ran passed, NOT TESTED otherwise (none ran, or one was
// INCONCLUSIVE and none failed).
report::RequirementVerdict FoldVerdicts(const std::vector<report::Verdict>& verdicts);

// Every table entry in table order, with the ids of the cases in `cases` that name it (by label
// or alias) and the fold of their verdicts. A case that expected its failure still counts as
// FAIL here: the requirement is not met, whatever the run's exit code says.
// not_testable_reason carries `reason` for testable:false entries and "not yet: <not_yet>" for
// testable entries the harness cannot run yet.
std::vector<report::RequirementResult> Score(const RequirementTable& table, const std::vector<report::CaseResult>& cases);

struct AreaTotals {
  std::string area;
  int traced = 0, testable = 0, tested = 0, passed = 0, failed = 0;
};
// One row per area present in `results`, in Areas() order (unknown areas last, as first seen).
// tested = PASS + FAIL.
std::vector<AreaTotals> Totals(const std::vector<report::RequirementResult>& results);
// The overall row (area "all").
AreaTotals Sum(const std::vector<AreaTotals>& rows);

}  // namespace lwm2m::scoring
