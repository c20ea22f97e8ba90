// junit.xml writer (see junit_writer.h). The dialect is the common one read by GitLab, Jenkins
// and the GitHub test-report actions: <testsuites><testsuite><properties/><testcase>...</testsuites>.
#include "reports/junit_writer.h"

#include <map>
#include <vector>

#include <fmt/format.h>

#include "reports/text.h"

namespace lwm2m::report {

namespace {

std::string A(std::string_view s) { return XmlEscape(s, /*attribute=*/true); }
std::string T(std::string_view s) { return XmlEscape(s); }
std::string Secs(double s) { return fmt::format("{:.3f}", s > 0 ? s : 0.0); }

struct Suite {
  std::string name;
  std::vector<const CaseResult*> cases;
  int failures = 0, errors = 0, skipped = 0;
  double time = 0;
};

enum class Kind { kPass, kFailure, kError, kSkipped };

Kind KindOf(const CaseResult& c) {
  if (c.expected_failure && IsFailure(c.verdict)) return Kind::kSkipped;
  switch (c.verdict) {
    case Verdict::kPass: return Kind::kPass;
    case Verdict::kFail:
    case Verdict::kTimeout: return Kind::kFailure;
    case Verdict::kError: return Kind::kError;
    case Verdict::kUnsupported:
    case Verdict::kInconclusive: return Kind::kSkipped;
  }
  return Kind::kError;
}

std::string SkipMessage(const CaseResult& c) {
  if (c.expected_failure && IsFailure(c.verdict)) {
    return fmt::format("expected failure ({}): {}", VerdictName(c.verdict), c.expected_failure_reason);
  }
  if (c.verdict == Verdict::kUnsupported) return "UNSUPPORTED: " + c.reason;
  return "INCONCLUSIVE: " + c.reason;
}

void Property(std::string& out, std::string_view name, std::string_view value, int indent = 8) {
  out += fmt::format("{:{}}<property name=\"{}\" value=\"{}\"/>\n", "", indent, A(name), A(value));
}

void RenderCase(std::string& out, const CaseResult& c) {
  out += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", A(c.id),
                     A(c.area.empty() ? "lwm2m" : c.area), Secs(c.duration_s));
  if (!c.file.empty()) out += fmt::format(" file=\"{}\"", A(c.file));
  out += ">\n      <properties>\n";
  Property(out, "verdict", VerdictName(c.verdict));
  if (!c.ets.empty()) Property(out, "ets", c.ets);
  for (const std::string& r : c.requirements) Property(out, "requirement", r);
  if (!c.iut_role.empty()) Property(out, "iut_role", c.iut_role);
  if (!c.summary.empty()) Property(out, "summary", c.summary);
  if (c.stale_expectation) Property(out, "stale_expectation", "listed as an expected failure but passed");
  out += "      </properties>\n";

  std::string message = c.reason.empty() ? std::string(VerdictName(c.verdict)) : c.reason;
  switch (KindOf(c)) {
    case Kind::kPass: break;
    case Kind::kFailure:
      out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", A(message),
                         VerdictName(c.verdict), T(FailureDetails(c)));
      break;
    case Kind::kError:
      out += fmt::format("      <error message=\"{}\" type=\"{}\">{}</error>\n", A(message),
                         VerdictName(c.verdict), T(FailureDetails(c)));
      break;
    case Kind::kSkipped:
      out += fmt::format("      <skipped message=\"{}\"/>\n", A(SkipMessage(c)));
      break;
  }

  // Step log and evidence; [[ATTACHMENT|path]] is the Jenkins/GitLab attachment convention.
  std::string log;
  for (const StepResult& s : c.steps) {
    log += fmt::format("[{:>7.3f}s] step {} {} {}{}\n", s.start_s, s.index, VerdictName(s.verdict), s.title,
                       s.message.empty() ? "" : ": " + s.message);
  }
  for (const std::string* path : {&c.capture, &c.iut_log, &c.steps_json}) {
    if (!path->empty()) log += "[[ATTACHMENT|" + *path + "]]\n";
  }
  if (!log.empty()) out += "      <system-out>" + T(log) + "</system-out>\n";
  out += "    </testcase>\n";
}

}  // namespace

std::string RenderJunit(const RunResult& run) {
  std::vector<Suite> suites;
  std::map<std::string, size_t> index;
  int failures = 0, errors = 0, skipped = 0;
  for (const CaseResult& c : run.cases) {
    std::string area = c.area.empty() ? "lwm2m" : c.area;
    auto [it, inserted] = index.emplace(area, suites.size());
    if (inserted) suites.push_back(Suite{area, {}, 0, 0, 0, 0});
    Suite& s = suites[it->second];
    s.cases.push_back(&c);
    s.time += c.duration_s > 0 ? c.duration_s : 0;
    switch (KindOf(c)) {
      case Kind::kFailure: ++s.failures; ++failures; break;
      case Kind::kError: ++s.errors; ++errors; break;
      case Kind::kSkipped: ++s.skipped; ++skipped; break;
      case Kind::kPass: break;
    }
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string name = "lwm2m-harness" + (run.iut_name.empty() ? "" : ": " + run.iut_name);
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"",
                     A(name), run.cases.size(), failures, errors, skipped, Secs(run.duration_s));
  if (!run.started_at.empty()) out += fmt::format(" timestamp=\"{}\"", A(run.started_at));
  out += ">\n";
  for (const Suite& s : suites) {
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"", A(s.name),
        s.cases.size(), s.failures, s.errors, s.skipped, Secs(s.time));
    if (!run.started_at.empty()) out += fmt::format(" timestamp=\"{}\"", A(run.started_at));
    out += ">\n    <properties>\n";
    Property(out, "iut", run.iut_name, 6);
    Property(out, "iut_role", run.iut_role, 6);
    Property(out, "tool_version", run.tool_version, 6);
    Property(out, "seed", std::to_string(run.seed), 6);
    Property(out, "time_scale", fmt::format("{}", run.time_scale), 6);
    if (run.interrupted) {
      Property(out, "interrupted", run.interrupt_reason.empty() ? "yes" : run.interrupt_reason, 6);
    }
    out += "    </properties>\n";
    for (const CaseResult* c : s.cases) RenderCase(out, *c);
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace lwm2m::report
