// The canonical result model: verdict helpers, totals, exit code and the report.json mapping.
// The JSON shape is published as reports/schema/report.schema.json; the schema is closed, so
// ToJson, RunResultFromJson and the schema change together (report_model_test.cc checks it).
#include "reports/report_model.h"

#include <cmath>
#include <limits>
#include <set>
#include <utility>

namespace lwm2m::report {

namespace {

constexpr std::pair<Verdict, const char*> kVerdictNames[] = {
    {Verdict::kPass, "PASS"},         {Verdict::kUnsupported, "UNSUPPORTED"},
    {Verdict::kInconclusive, "INCONCLUSIVE"}, {Verdict::kFail, "FAIL"},
    {Verdict::kTimeout, "TIMEOUT"},   {Verdict::kError, "ERROR"},
};
constexpr std::pair<RequirementVerdict, const char*> kRequirementVerdictNames[] = {
    {RequirementVerdict::kNotTested, "NOT TESTED"},
    {RequirementVerdict::kPass, "PASS"},
    {RequirementVerdict::kFail, "FAIL"},
};

}  // namespace

const char* VerdictName(Verdict v) {
  for (const auto& [verdict, name] : kVerdictNames) {
    if (verdict == v) return name;
  }
  return "ERROR";
}

std::optional<Verdict> ParseVerdict(std::string_view name) {
  for (const auto& [verdict, n] : kVerdictNames) {
    if (name == n) return verdict;
  }
  return std::nullopt;
}

bool IsFailure(Verdict v) {
  return v == Verdict::kFail || v == Verdict::kTimeout || v == Verdict::kError;
}

Verdict Worst(Verdict a, Verdict b) { return static_cast<uint8_t>(a) >= static_cast<uint8_t>(b) ? a : b; }

const char* RequirementVerdictName(RequirementVerdict v) {
  for (const auto& [verdict, name] : kRequirementVerdictNames) {
    if (verdict == v) return name;
  }
  return "NOT TESTED";
}

std::optional<RequirementVerdict> ParseRequirementVerdict(std::string_view name) {
  for (const auto& [verdict, n] : kRequirementVerdictNames) {
    if (name == n) return verdict;
  }
  return std::nullopt;
}

void ComputeTotals(RunResult& run) {
  Totals t;
  for (const CaseResult& c : run.cases) {
    ++t.cases;
    switch (c.verdict) {
      case Verdict::kPass: ++t.passed; break;
      case Verdict::kUnsupported: ++t.unsupported; break;
      case Verdict::kInconclusive: ++t.inconclusive; break;
      case Verdict::kFail: ++t.failed; break;
      case Verdict::kTimeout: ++t.timeouts; break;
      case Verdict::kError: ++t.errors; break;
    }
    if (c.expected_failure && IsFailure(c.verdict)) ++t.expected_failures;
    if (c.stale_expectation) ++t.stale_expectations;
  }
  for (const RequirementResult& r : run.requirements) {
    ++t.requirements;
    if (r.testable) ++t.requirements_testable;
    if (r.verdict != RequirementVerdict::kNotTested) ++t.requirements_tested;
    if (r.verdict == RequirementVerdict::kPass) ++t.requirements_passed;
    if (r.verdict == RequirementVerdict::kFail) ++t.requirements_failed;
  }
  run.totals = t;
}

int ExitCode(const RunResult& run) {
  // A partial run never passes: the cases it did not reach are unknown.
  if (run.interrupted) return 1;
  for (const CaseResult& c : run.cases) {
    if (IsFailure(c.verdict) && !c.expected_failure) return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// report.json

namespace {

using nlohmann::json;

// NaN and infinities have no JSON form (nlohmann would write null, which the schema rejects).
double Finite(double d) { return std::isfinite(d) ? d : 0.0; }

json ToJson(const WireMessage& m) {
  return {{"t_s", Finite(m.t_s)}, {"from", m.from},       {"to", m.to},
          {"summary", m.summary}, {"frame", m.frame},     {"highlight", m.highlight}};
}

json ToJson(const StepResult& s) {
  return {{"index", s.index},         {"title", s.title},       {"file", s.file},
          {"line", s.line},           {"verdict", VerdictName(s.verdict)},
          {"message", s.message},     {"expected", s.expected}, {"actual", s.actual},
          {"frames", s.frames},       {"start_s", Finite(s.start_s)},
          {"end_s", Finite(s.end_s)}};
}

json ToJson(const CaseResult& c) {
  json steps = json::array();
  for (const StepResult& s : c.steps) steps.push_back(ToJson(s));
  json messages = json::array();
  for (const WireMessage& m : c.messages) messages.push_back(ToJson(m));
  return {{"id", c.id},
          {"ets", c.ets},
          {"file", c.file},
          {"summary", c.summary},
          {"area", c.area},
          {"iut_role", c.iut_role},
          {"requirements", c.requirements},
          {"verdict", VerdictName(c.verdict)},
          {"reason", c.reason},
          {"steps", std::move(steps)},
          {"messages", std::move(messages)},
          {"duration_s", Finite(c.duration_s)},
          {"wait_s", Finite(c.wait_s)},
          {"capture", c.capture},
          {"iut_log", c.iut_log},
          {"steps_json", c.steps_json},
          {"expected_failure", c.expected_failure},
          {"expected_failure_reason", c.expected_failure_reason},
          {"stale_expectation", c.stale_expectation}};
}

json ToJson(const RequirementResult& r) {
  return {{"label", r.label},
          {"table", r.table},
          {"area", r.area},
          {"text", r.text},
          {"ts_ref", r.ts_ref},
          {"testable", r.testable},
          {"not_testable_reason", r.not_testable_reason},
          {"discrepancy", r.discrepancy},
          {"cases", r.cases},
          {"verdict", RequirementVerdictName(r.verdict)}};
}

json ToJson(const Totals& t) {
  return {{"cases", t.cases},
          {"passed", t.passed},
          {"failed", t.failed},
          {"timeouts", t.timeouts},
          {"errors", t.errors},
          {"inconclusive", t.inconclusive},
          {"unsupported", t.unsupported},
          {"expected_failures", t.expected_failures},
          {"stale_expectations", t.stale_expectations},
          {"requirements", t.requirements},
          {"requirements_testable", t.requirements_testable},
          {"requirements_tested", t.requirements_tested},
          {"requirements_passed", t.requirements_passed},
          {"requirements_failed", t.requirements_failed}};
}

// Parsing: a Reader walks one object, knows its JSON pointer, and records the first error.
// Every key ToJson writes is required and no other key is accepted (the schema is closed).
struct ParseError {
  std::string message;
};

std::string PointerEscape(std::string_view key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

const char* TypeName(const json& j) { return j.type_name(); }

[[noreturn]] void Fail(const std::string& pointer, const std::string& what) {
  throw ParseError{(pointer.empty() ? std::string("/") : pointer) + ": " + what};
}

class Reader {
 public:
  Reader(const json& j, std::string pointer) : j_(j), pointer_(std::move(pointer)) {
    if (!j_.is_object()) Fail(pointer_, std::string("expected an object, found ") + TypeName(j_));
  }
  ~Reader() = default;

  const json& At(std::string_view key) {
    seen_.insert(std::string(key));
    auto it = j_.find(key);
    if (it == j_.end()) Fail(pointer_, "missing required key \"" + std::string(key) + "\"");
    return *it;
  }
  std::string Ptr(std::string_view key) const { return pointer_ + "/" + PointerEscape(key); }

  std::string String(std::string_view key) {
    const json& v = At(key);
    if (!v.is_string()) Fail(Ptr(key), std::string("expected a string, found ") + TypeName(v));
    return v.get<std::string>();
  }
  bool Bool(std::string_view key) {
    const json& v = At(key);
    if (!v.is_boolean()) Fail(Ptr(key), std::string("expected a boolean, found ") + TypeName(v));
    return v.get<bool>();
  }
  double Number(std::string_view key) {
    const json& v = At(key);
    if (!v.is_number()) Fail(Ptr(key), std::string("expected a number, found ") + TypeName(v));
    return v.get<double>();
  }
  int64_t Integer(std::string_view key, int64_t min, int64_t max) {
    return IntegerValue(At(key), Ptr(key), min, max);
  }
  uint64_t Unsigned64(std::string_view key) {
    const json& v = At(key);
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0) return static_cast<uint64_t>(v.get<int64_t>());
    Fail(Ptr(key), std::string("expected a non-negative integer, found ") + Describe(v));
  }
  std::vector<std::string> Strings(std::string_view key) {
    const json& v = Array(key);
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        Fail(Ptr(key) + "/" + std::to_string(i), std::string("expected a string, found ") + TypeName(v[i]));
      }
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  const json& Array(std::string_view key) {
    const json& v = At(key);
    if (!v.is_array()) Fail(Ptr(key), std::string("expected an array, found ") + TypeName(v));
    return v;
  }
  Verdict VerdictAt(std::string_view key) {
    std::string name = String(key);
    auto v = ParseVerdict(name);
    if (!v) {
      Fail(Ptr(key), "unknown verdict \"" + name +
                         "\" (expected PASS, UNSUPPORTED, INCONCLUSIVE, FAIL, TIMEOUT or ERROR)");
    }
    return *v;
  }
  RequirementVerdict RequirementVerdictAt(std::string_view key) {
    std::string name = String(key);
    auto v = ParseRequirementVerdict(name);
    if (!v) Fail(Ptr(key), "unknown requirement verdict \"" + name + "\" (expected NOT TESTED, PASS or FAIL)");
    return *v;
  }
  // Call after reading every field: rejects keys this version does not know.
  void Done() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!seen_.count(it.key())) Fail(Ptr(it.key()), "unknown key \"" + it.key() + "\"");
    }
  }

  static std::string Describe(const json& v) {
    return v.is_number() ? v.dump() : std::string(TypeName(v));
  }
  static int64_t IntegerValue(const json& v, const std::string& ptr, int64_t min, int64_t max) {
    if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u <= static_cast<uint64_t>(max)) {
        auto i = static_cast<int64_t>(u);
        if (i >= min) return i;
      }
    } else if (v.is_number_integer()) {
      int64_t i = v.get<int64_t>();
      if (i >= min && i <= max) return i;
    }
    Fail(ptr, "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                  "], found " + Describe(v));
  }

 private:
  const json& j_;
  std::string pointer_;
  std::set<std::string> seen_;
};

constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();

WireMessage MessageFromJson(const json& j, const std::string& ptr) {
  Reader r(j, ptr);
  WireMessage m;
  m.t_s = r.Number("t_s");
  m.from = r.String("from");
  m.to = r.String("to");
  m.summary = r.String("summary");
  m.frame = static_cast<uint32_t>(r.Integer("frame", 0, kU32Max));
  m.highlight = r.Bool("highlight");
  r.Done();
  return m;
}

StepResult StepFromJson(const json& j, const std::string& ptr) {
  Reader r(j, ptr);
  StepResult s;
  s.index = static_cast<int>(r.Integer("index", 0, kIntMax));
  s.title = r.String("title");
  s.file = r.String("file");
  s.line = static_cast<int>(r.Integer("line", 0, kIntMax));
  s.verdict = r.VerdictAt("verdict");
  s.message = r.String("message");
  s.expected = r.String("expected");
  s.actual = r.String("actual");
  const json& frames = r.Array("frames");
  for (size_t i = 0; i < frames.size(); ++i) {
    s.frames.push_back(static_cast<uint32_t>(
        Reader::IntegerValue(frames[i], r.Ptr("frames") + "/" + std::to_string(i), 0, kU32Max)));
  }
  s.start_s = r.Number("start_s");
  s.end_s = r.Number("end_s");
  r.Done();
  return s;
}

CaseResult CaseFromJson(const json& j, const std::string& ptr) {
  Reader r(j, ptr);
  CaseResult c;
  c.id = r.String("id");
  c.ets = r.String("ets");
  c.file = r.String("file");
  c.summary = r.String("summary");
  c.area = r.String("area");
  c.iut_role = r.String("iut_role");
  c.requirements = r.Strings("requirements");
  c.verdict = r.VerdictAt("verdict");
  c.reason = r.String("reason");
  const json& steps = r.Array("steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    c.steps.push_back(StepFromJson(steps[i], r.Ptr("steps") + "/" + std::to_string(i)));
  }
  const json& messages = r.Array("messages");
  for (size_t i = 0; i < messages.size(); ++i) {
    c.messages.push_back(MessageFromJson(messages[i], r.Ptr("messages") + "/" + std::to_string(i)));
  }
  c.duration_s = r.Number("duration_s");
  c.wait_s = r.Number("wait_s");
  c.capture = r.String("capture");
  c.iut_log = r.String("iut_log");
  c.steps_json = r.String("steps_json");
  c.expected_failure = r.Bool("expected_failure");
  c.expected_failure_reason = r.String("expected_failure_reason");
  c.stale_expectation = r.Bool("stale_expectation");
  r.Done();
  return c;
}

RequirementResult RequirementFromJson(const json& j, const std::string& ptr) {
  Reader r(j, ptr);
  RequirementResult q;
  q.label = r.String("label");
  q.table = r.String("table");
  q.area = r.String("area");
  q.text = r.String("text");
  q.ts_ref = r.String("ts_ref");
  q.testable = r.Bool("testable");
  q.not_testable_reason = r.String("not_testable_reason");
  q.discrepancy = r.String("discrepancy");
  q.cases = r.Strings("cases");
  q.verdict = r.RequirementVerdictAt("verdict");
  r.Done();
  return q;
}

Totals TotalsFromJson(const json& j, const std::string& ptr) {
  Reader r(j, ptr);
  Totals t;
  auto n = [&](const char* key) { return static_cast<int>(r.Integer(key, 0, kIntMax)); };
  t.cases = n("cases");
  t.passed = n("passed");
  t.failed = n("failed");
  t.timeouts = n("timeouts");
  t.errors = n("errors");
  t.inconclusive = n("inconclusive");
  t.unsupported = n("unsupported");
  t.expected_failures = n("expected_failures");
  t.stale_expectations = n("stale_expectations");
  t.requirements = n("requirements");
  t.requirements_testable = n("requirements_testable");
  t.requirements_tested = n("requirements_tested");
  t.requirements_passed = n("requirements_passed");
  t.requirements_failed = n("requirements_failed");
  r.Done();
  return t;
}

RunResult RunFromJson(const json& j) {
  Reader r(j, "");
  RunResult run;
  int64_t version = r.Integer("format_version", 1, kIntMax);
  if (version > kReportFormatVersion) {
    Fail("/format_version", "format version " + std::to_string(version) +
                                " is newer than this tool reads (" + std::to_string(kReportFormatVersion) + ")");
  }
  run.tool_version = r.String("tool_version");
  run.started_at = r.String("started_at");
  run.finished_at = r.String("finished_at");
  run.duration_s = r.Number("duration_s");
  const json& iut = r.At("iut");
  {
    Reader ir(iut, "/iut");
    run.iut_name = ir.String("name");
    run.iut_role = ir.String("role");
    run.iut_file = ir.String("file");
    ir.Done();
  }
  run.command_line = r.String("command_line");
  run.seed = r.Unsigned64("seed");
  run.time_scale = r.Number("time_scale");
  run.interrupted = r.Bool("interrupted");
  run.interrupt_reason = r.String("interrupt_reason");
  const json& cases = r.Array("cases");
  for (size_t i = 0; i < cases.size(); ++i) run.cases.push_back(CaseFromJson(cases[i], "/cases/" + std::to_string(i)));
  const json& reqs = r.Array("requirements");
  for (size_t i = 0; i < reqs.size(); ++i) {
    run.requirements.push_back(RequirementFromJson(reqs[i], "/requirements/" + std::to_string(i)));
  }
  run.totals = TotalsFromJson(r.At("totals"), "/totals");
  if (!r.At("$schema").is_string()) Fail(r.Ptr("$schema"), "expected a string");  // informational
  r.Done();
  return run;
}

}  // namespace

nlohmann::json ToJson(const RunResult& run) {
  json cases = json::array();
  for (const CaseResult& c : run.cases) cases.push_back(ToJson(c));
  json reqs = json::array();
  for (const RequirementResult& q : run.requirements) reqs.push_back(ToJson(q));
  return {{"$schema", "lwm2m-harness/report.schema.json"},
          {"format_version", kReportFormatVersion},
          {"tool_version", run.tool_version},
          {"started_at", run.started_at},
          {"finished_at", run.finished_at},
          {"duration_s", Finite(run.duration_s)},
          {"iut", {{"name", run.iut_name}, {"role", run.iut_role}, {"file", run.iut_file}}},
          {"command_line", run.command_line},
          {"seed", run.seed},
          {"time_scale", Finite(run.time_scale)},
          {"interrupted", run.interrupted},
          {"interrupt_reason", run.interrupt_reason},
          {"cases", std::move(cases)},
          {"requirements", std::move(reqs)},
          {"totals", ToJson(run.totals)}};
}

Result<RunResult> RunResultFromJson(const nlohmann::json& j) {
  try {
    return RunFromJson(j);
  } catch (const ParseError& e) {
    return BadRequest("report.json " + e.message);
  } catch (const nlohmann::json::exception& e) {
    return BadRequest(std::string("report.json: ") + e.what());
  }
}

RequirementVerdict FoldCaseVerdicts(const std::vector<Verdict>& verdicts) {
  bool ran = false, all_passed = true;
  for (Verdict v : verdicts) {
    if (IsFailure(v)) return RequirementVerdict::kFail;
    if (v == Verdict::kUnsupported) continue;
    ran = true;
    if (v != Verdict::kPass) all_passed = false;
  }
  return ran && all_passed ? RequirementVerdict::kPass : RequirementVerdict::kNotTested;
}

}  // namespace lwm2m::report
