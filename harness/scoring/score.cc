// score.cc
#include "harness/scoring/score.h"

#include <algorithm>

namespace lwm2m::scoring {
using report::RequirementVerdict;
using report::Verdict;

RequirementVerdict FoldVerdicts(const std::vector<Verdict>& verdicts) { return report::FoldCaseVerdicts(verdicts); }

std::vector<report::RequirementResult> Score(const RequirementTable& table,
                                             const std::vector<report::CaseResult>& cases) {
  std::vector<report::RequirementResult> out;
  out.reserve(table.requirements.size());
  for (const Requirement& r : table.requirements) {
    report::RequirementResult res;
    res.label = r.label;
    res.table = r.table;
    res.area = r.area;
    res.text = r.text;
    res.ts_ref = r.ts;
    res.testable = r.testable;
    if (!r.testable)
      res.not_testable_reason = r.reason;
    else if (!r.not_yet.empty())
      res.not_testable_reason = "not yet: " + r.not_yet;
    res.discrepancy = r.discrepancy;
    std::vector<Verdict> verdicts;
    for (const report::CaseResult& c : cases) {
      bool names_it = std::any_of(c.requirements.begin(), c.requirements.end(),
                                  [&](const std::string& l) { return r.Matches(l); });
      if (!names_it) continue;
      res.cases.push_back(c.id);
      verdicts.push_back(c.verdict);
    }
    res.verdict = FoldVerdicts(verdicts);
    out.push_back(std::move(res));
  }
  return out;
}

std::vector<AreaTotals> Totals(const std::vector<report::RequirementResult>& results) {
  std::vector<AreaTotals> rows;
  for (const auto& area : Areas()) rows.push_back({area});
  for (const auto& r : results) {
    auto it = std::find_if(rows.begin(), rows.end(), [&](const AreaTotals& a) { return a.area == r.area; });
    if (it == rows.end()) {
      rows.push_back({r.area});
      it = rows.end() - 1;
    }
    ++it->traced;
    if (r.testable) ++it->testable;
    if (r.verdict != RequirementVerdict::kNotTested) ++it->tested;
    if (r.verdict == RequirementVerdict::kPass) ++it->passed;
    if (r.verdict == RequirementVerdict::kFail) ++it->failed;
  }
  rows.erase(std::remove_if(rows.begin(), rows.end(), [](const AreaTotals& a) { return a.traced == 0; }), rows.end());
  return rows;
}

AreaTotals Sum(const std::vector<AreaTotals>& rows) {
  AreaTotals all{"all"};
  for (const auto& a : rows) {
    all.traced += a.traced;
    all.testable += a.testable;
    all.tested += a.tested;
    all.passed += a.passed;
    all.failed += a.failed;
  }
  return all;
}

}  // namespace lwm2m::scoring
