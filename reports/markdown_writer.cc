// summary.md writer (see markdown_writer.h).
#include "reports/markdown_writer.h"

#include <map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/text.h"

namespace lwm2m::report {

namespace {

std::string M(std::string_view s) { return MarkdownEscape(s); }

// Inline code: <code> with escaped content (a backtick span would pass "</script>" through raw).
std::string Code(std::string_view s) { return "<code>" + MarkdownEscape(s) + "</code>"; }

struct AreaTotals {
  int requirements = 0, testable = 0, tested = 0, passed = 0, failed = 0;
};

}  // namespace

std::string RenderMarkdown(const RunResult& r) {
  RunResult run = r;
  ComputeTotals(run);
  const Totals& t = run.totals;
  int code = ExitCode(run);
  int unexpected = t.failed + t.timeouts + t.errors - t.expected_failures;

  std::string out;
  std::string iut = run.iut_name.empty() ? "" : " — " + M(run.iut_name);
  std::string outcome = code == 0 ? "✅ passed" : run.interrupted ? "⚠️ interrupted" : "❌ failed";
  out += fmt::format("## LwM2M conformance{}: {}\n\n", iut, outcome);
  if (run.interrupted) {
    out += fmt::format("> **Partial run**: {}\n\n", M(run.interrupt_reason.empty() ? "interrupted" : run.interrupt_reason));
  }
  out += fmt::format("{} cases in {}: **{} passed**, **{} failed unexpectedly**", t.cases, FormatSeconds(run.duration_s),
                     t.passed, unexpected);
  if (t.expected_failures) out += fmt::format(", {} expected failures", t.expected_failures);
  if (t.stale_expectations) out += fmt::format(", **{} stale expectations**", t.stale_expectations);
  out += ".\n\n";
  out += "| Cases | PASS | FAIL | TIMEOUT | ERROR | INCONCLUSIVE | UNSUPPORTED | expected failures | stale |\n";
  out += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n\n", t.cases, t.passed, t.failed, t.timeouts,
                     t.errors, t.inconclusive, t.unsupported, t.expected_failures, t.stale_expectations);

  std::vector<const CaseResult*> problems;
  for (const CaseResult& c : run.cases) {
    if (IsFailure(c.verdict) || c.verdict == Verdict::kInconclusive) problems.push_back(&c);
  }
  if (!problems.empty()) {
    out += "### Cases that did not pass\n\n";
    for (const CaseResult* c : problems) {
      std::string loc = ProblemLocation(*c);
      std::string step = FirstProblemStep(*c);
      out += fmt::format("- **{}** `{}`{}{} — {}{}{}\n", M(c->id), VerdictName(c->verdict),
                         c->ets.empty() ? "" : " (" + M(c->ets) + ")",
                         c->expected_failure ? " *expected failure: " + M(c->expected_failure_reason) + "*" : "",
                         loc.empty() ? "" : Code(loc) + " ", step.empty() ? "" : M(step) + ": ", M(c->reason));
      for (const StepResult& s : c->steps) {
        if (s.verdict == Verdict::kPass || (s.expected.empty() && s.actual.empty())) continue;
        out += fmt::format("  - step {}: expected {}, actual {}", s.index, Code(s.expected), Code(s.actual));
        if (!s.frames.empty()) out += fmt::format(" (frames {})", fmt::join(s.frames, ", "));
        out += "\n";
      }
      if (!c->requirements.empty()) {
        out += "  - requirements: ";
        for (size_t i = 0; i < c->requirements.size(); ++i) out += (i ? ", " : "") + M(c->requirements[i]);
        out += "\n";
      }
    }
    out += "\n";
  }
  std::vector<const CaseResult*> stale;
  for (const CaseResult& c : run.cases) {
    if (c.stale_expectation) stale.push_back(&c);
  }
  if (!stale.empty()) {
    out += "### Stale expectations\n\nListed in the expected-failures file but passed; remove them from the list:\n\n";
    for (const CaseResult* c : stale) {
      out += fmt::format("- **{}** (listed because: {})\n", M(c->id), M(c->expected_failure_reason));
    }
    out += "\n";
  }

  if (!run.requirements.empty()) {
    std::vector<std::string> order;
    std::map<std::string, AreaTotals> areas;
    for (const RequirementResult& q : run.requirements) {
      std::string area = q.area.empty() ? "(none)" : q.area;
      if (!areas.count(area)) order.push_back(area);
      AreaTotals& a = areas[area];
      ++a.requirements;
      a.testable += q.testable;
      a.tested += q.verdict != RequirementVerdict::kNotTested;
      a.passed += q.verdict == RequirementVerdict::kPass;
      a.failed += q.verdict == RequirementVerdict::kFail;
    }
    out += "### Requirements per area\n\n";
    out += "| Area | Requirements | Testable | Tested | PASS | FAIL | NOT TESTED |\n|---|---:|---:|---:|---:|---:|---:|\n";
    for (const std::string& area : order) {
      const AreaTotals& a = areas[area];
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", M(area), a.requirements, a.testable, a.tested,
                         a.passed, a.failed, a.requirements - a.tested);
    }
    out += fmt::format("| **all** | {} | {} | {} | {} | {} | {} |\n\n", t.requirements, t.requirements_testable,
                       t.requirements_tested, t.requirements_passed, t.requirements_failed,
                       t.requirements - t.requirements_tested);
    std::vector<const RequirementResult*> failed;
    for (const RequirementResult& q : run.requirements) {
      if (q.verdict == RequirementVerdict::kFail) failed.push_back(&q);
    }
    if (!failed.empty()) {
      out += "Failed requirements: ";
      for (size_t i = 0; i < failed.size(); ++i) out += (i ? ", " : "") + M(failed[i]->label);
      out += "\n\n";
    }
  }
  out += fmt::format("<sub>lwm2m-harness {} · seed {} · time scale {} · started {}</sub>\n", M(run.tool_version),
                     run.seed, run.time_scale, M(run.started_at));
  return out;
}

}  // namespace lwm2m::report
