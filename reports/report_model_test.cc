// Tests of the result model: verdict helpers, totals, exit code, report.json round trip,
// strict parsing, and that ToJson output validates against schema/report.schema.json.
#include "reports/report_model.h"

#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "reports/json_writer.h"
#include "reports/testing/sample_run.h"

namespace lwm2m::report {
namespace {

using nlohmann::json;

TEST(Verdict, NamesRoundTripAndUnknownNamesAreRejected) {
  for (Verdict v : {Verdict::kPass, Verdict::kUnsupported, Verdict::kInconclusive, Verdict::kFail, Verdict::kTimeout,
                    Verdict::kError}) {
    ASSERT_EQ(ParseVerdict(VerdictName(v)), v);
  }
  EXPECT_EQ(std::string(VerdictName(Verdict::kTimeout)), "TIMEOUT");
  EXPECT_FALSE(ParseVerdict("pass"));
  EXPECT_FALSE(ParseVerdict("MAYBE"));
  EXPECT_EQ(ParseRequirementVerdict("NOT TESTED"), RequirementVerdict::kNotTested);
  EXPECT_EQ(std::string(RequirementVerdictName(RequirementVerdict::kFail)), "FAIL");
  EXPECT_FALSE(ParseRequirementVerdict("NOT_TESTED"));
}

TEST(Verdict, FailuresAreFailTimeoutAndErrorOnly) {
  EXPECT_FALSE(IsFailure(Verdict::kPass));
  EXPECT_FALSE(IsFailure(Verdict::kUnsupported));
  EXPECT_FALSE(IsFailure(Verdict::kInconclusive));
  EXPECT_TRUE(IsFailure(Verdict::kFail));
  EXPECT_TRUE(IsFailure(Verdict::kTimeout));
  EXPECT_TRUE(IsFailure(Verdict::kError));
}

TEST(Verdict, WorstFollowsTheSeverityOrder) {
  EXPECT_EQ(Worst(Verdict::kPass, Verdict::kInconclusive), Verdict::kInconclusive);
  EXPECT_EQ(Worst(Verdict::kFail, Verdict::kInconclusive), Verdict::kFail);
  EXPECT_EQ(Worst(Verdict::kTimeout, Verdict::kFail), Verdict::kTimeout);
  EXPECT_EQ(Worst(Verdict::kError, Verdict::kTimeout), Verdict::kError);
  EXPECT_EQ(Worst(Verdict::kUnsupported, Verdict::kPass), Verdict::kUnsupported);
}

TEST(ComputeTotals, CountsEveryVerdictExpectedFailuresAndRequirements) {
  RunResult run = testing::SampleRun();
  run.totals = Totals{};
  ComputeTotals(run);
  const Totals& t = run.totals;
  EXPECT_EQ(t.cases, 7);
  EXPECT_EQ(t.passed, 2);
  EXPECT_EQ(t.failed, 1);
  EXPECT_EQ(t.timeouts, 1);
  EXPECT_EQ(t.errors, 1);
  EXPECT_EQ(t.inconclusive, 1);
  EXPECT_EQ(t.unsupported, 1);
  EXPECT_EQ(t.expected_failures, 1);   // deregister (TIMEOUT, listed); the stale one passed
  EXPECT_EQ(t.stale_expectations, 1);
  EXPECT_EQ(t.requirements, 5);
  EXPECT_EQ(t.requirements_testable, 4);
  EXPECT_EQ(t.requirements_tested, 4);
  EXPECT_EQ(t.requirements_passed, 2);
  EXPECT_EQ(t.requirements_failed, 2);
}

RunResult OneCase(Verdict v, bool expected = false) {
  RunResult run;
  CaseResult c;
  c.id = "a";
  c.verdict = v;
  c.expected_failure = expected;
  run.cases.push_back(c);
  return run;
}

TEST(ExitCode, ZeroWhenEverythingPassedOrWasNotApplicable) {
  EXPECT_EQ(ExitCode(RunResult{}), 0);
  EXPECT_EQ(ExitCode(OneCase(Verdict::kPass)), 0);
  EXPECT_EQ(ExitCode(OneCase(Verdict::kUnsupported)), 0);
  EXPECT_EQ(ExitCode(OneCase(Verdict::kInconclusive)), 0);
}

TEST(ExitCode, OneForAnyUnexpectedFailure) {
  EXPECT_EQ(ExitCode(OneCase(Verdict::kFail)), 1);
  EXPECT_EQ(ExitCode(OneCase(Verdict::kTimeout)), 1);
  EXPECT_EQ(ExitCode(OneCase(Verdict::kError)), 1);
}

TEST(ExitCode, ExpectedFailuresDoNotFailTheRun) {
  EXPECT_EQ(ExitCode(OneCase(Verdict::kFail, true)), 0);
  EXPECT_EQ(ExitCode(OneCase(Verdict::kTimeout, true)), 0);
  RunResult mixed = OneCase(Verdict::kFail, true);
  mixed.cases.push_back(OneCase(Verdict::kError).cases[0]);
  EXPECT_EQ(ExitCode(mixed), 1);
}

TEST(ExitCode, StaleExpectationIsReportedButDoesNotFailTheRun) {
  RunResult run = OneCase(Verdict::kPass, true);
  run.cases[0].stale_expectation = true;
  EXPECT_EQ(ExitCode(run), 0);
  ComputeTotals(run);
  EXPECT_EQ(run.totals.stale_expectations, 1);
  EXPECT_EQ(run.totals.expected_failures, 0);
}

TEST(ExitCode, AnInterruptedRunNeverPasses) {
  RunResult run = OneCase(Verdict::kPass);
  run.interrupted = true;
  EXPECT_EQ(ExitCode(run), 1);
}

TEST(ReportJson, RoundTripsEveryField) {
  RunResult run = testing::SampleRun();
  run.seed = std::numeric_limits<uint64_t>::max();
  run.cases[1].steps[2].frames = {5, 4294967295u};
  run.cases[1].wait_s = 0.1 + 0.2;  // not exactly representable in decimal
  run.interrupted = true;
  run.interrupt_reason = "SIGINT";
  auto back = RunResultFromJson(ToJson(run));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, run);
  // And through the rendered text.
  auto text = RunResultFromJson(json::parse(RenderJson(run)));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, run);
}

TEST(ReportJson, HostileStringsRoundTripExceptInvalidUtf8WhichIsReplaced) {
  RunResult run = testing::HostileRun();
  std::string rendered = RenderJson(run);  // must not throw on \xff
  auto back = RunResultFromJson(json::parse(rendered));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->cases.size(), run.cases.size());
  EXPECT_NE(back->iut_name.find("</script>"), std::string::npos);
  EXPECT_NE(back->iut_name.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD for \xff
}

TEST(ReportJson, NonFiniteNumbersAreWrittenAsZeroSoTheFileStaysValid) {
  RunResult run = OneCase(Verdict::kPass);
  run.duration_s = std::numeric_limits<double>::quiet_NaN();
  run.cases[0].duration_s = std::numeric_limits<double>::infinity();
  json j = ToJson(run);
  EXPECT_EQ(j["duration_s"], 0.0);
  EXPECT_EQ(j["cases"][0]["duration_s"], 0.0);
  EXPECT_TRUE(RunResultFromJson(j).ok());
}

std::string ErrorOf(const json& j) {
  auto r = RunResultFromJson(j);
  return r.ok() ? "(parsed)" : r.status().message();
}

TEST(ReportJson, BadVerdictIsRejectedWithItsPointer) {
  json j = ToJson(testing::SampleRun());
  j["cases"][1]["steps"][2]["verdict"] = "MAYBE";
  std::string e = ErrorOf(j);
  EXPECT_NE(e.find("/cases/1/steps/2/verdict"), std::string::npos) << e;
  EXPECT_NE(e.find("MAYBE"), std::string::npos) << e;

  j = ToJson(testing::SampleRun());
  j["cases"][3]["verdict"] = "pass";
  EXPECT_NE(ErrorOf(j).find("/cases/3/verdict: unknown verdict \"pass\""), std::string::npos) << ErrorOf(j);

  j = ToJson(testing::SampleRun());
  j["requirements"][0]["verdict"] = "NOT_TESTED";
  EXPECT_NE(ErrorOf(j).find("/requirements/0/verdict"), std::string::npos) << ErrorOf(j);
}

TEST(ReportJson, WrongTypesMissingAndUnknownKeysNameThePointer) {
  json base = ToJson(testing::SampleRun());
  json j = base;
  j["cases"][0]["duration_s"] = "fast";
  EXPECT_EQ(ErrorOf(j), "report.json /cases/0/duration_s: expected a number, found string");
  j = base;
  j["cases"][1]["messages"][4]["frame"] = -1;
  EXPECT_NE(ErrorOf(j).find("/cases/1/messages/4/frame: expected an integer"), std::string::npos) << ErrorOf(j);
  j = base;
  j["cases"][0]["steps"][0]["frames"][0] = 1.5;
  EXPECT_NE(ErrorOf(j).find("/cases/0/steps/0/frames/0"), std::string::npos) << ErrorOf(j);
  j = base;
  j["iut"].erase("role");
  EXPECT_EQ(ErrorOf(j), "report.json /iut: missing required key \"role\"");
  j = base;
  j["cases"][2]["verdcit"] = "PASS";
  EXPECT_EQ(ErrorOf(j), "report.json /cases/2/verdcit: unknown key \"verdcit\"");
  j = base;
  j["seed"] = -3;
  EXPECT_NE(ErrorOf(j).find("/seed"), std::string::npos);
  EXPECT_NE(ErrorOf(json::array()).find("/: expected an object, found array"), std::string::npos) << ErrorOf(json::array());
}

TEST(ReportJson, NewerFormatVersionIsRejected) {
  json j = ToJson(testing::SampleRun());
  j["format_version"] = kReportFormatVersion + 1;
  EXPECT_NE(ErrorOf(j).find("/format_version"), std::string::npos) << ErrorOf(j);
}

// --- A small JSON Schema checker for the subset the published schema uses: $ref to #/$defs,
// type, enum, const, required, properties, additionalProperties (bool), items, minimum.
class SchemaChecker {
 public:
  explicit SchemaChecker(json root) : root_(std::move(root)) {}
  std::vector<std::string> Check(const json& v) {
    errors_.clear();
    Walk(root_, v, "");
    return errors_;
  }

 private:
  void Walk(const json& s, const json& v, const std::string& at) {
    if (s.contains("$ref")) {
      std::string ref = s["$ref"];
      ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
      Walk(root_.at(json::json_pointer(ref.substr(1))), v, at);
      return;
    }
    if (s.contains("type") && !TypeOk(s["type"].get<std::string>(), v)) {
      errors_.push_back(at + ": not of type " + s["type"].get<std::string>());
      return;
    }
    if (s.contains("enum")) {
      bool found = false;
      for (const json& e : s["enum"]) found = found || e == v;
      if (!found) errors_.push_back(at + ": " + v.dump() + " not in enum");
    }
    if (s.contains("const") && s["const"] != v) errors_.push_back(at + ": not the const " + s["const"].dump());
    if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>()) {
      errors_.push_back(at + ": below minimum");
    }
    if (v.is_object()) {
      for (const json& key : s.value("required", json::array())) {
        if (!v.contains(key.get<std::string>())) errors_.push_back(at + ": missing " + key.get<std::string>());
      }
      json props = s.value("properties", json::object());
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (props.contains(it.key())) {
          Walk(props[it.key()], it.value(), at + "/" + it.key());
        } else if (s.value("additionalProperties", true) == false) {
          errors_.push_back(at + ": additional property " + it.key());
        }
      }
    }
    if (v.is_array() && s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) Walk(s["items"], v[i], at + "/" + std::to_string(i));
    }
  }
  static bool TypeOk(const std::string& t, const json& v) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_boolean();
    if (t == "integer") return v.is_number_integer();
    if (t == "number") return v.is_number();
    return false;
  }
  json root_;
  std::vector<std::string> errors_;
};

json LoadSchema() {
  std::ifstream in(LWM2M_REPORT_SCHEMA);
  EXPECT_TRUE(in.good()) << LWM2M_REPORT_SCHEMA;
  return json::parse(in);
}

TEST(ReportSchema, IsDraft2020_12AndClosed) {
  json schema = LoadSchema();
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["additionalProperties"], false);
  for (const char* def : {"case", "step", "wire_message", "requirement", "totals"}) {
    EXPECT_EQ(schema["$defs"][def]["additionalProperties"], false) << def;
  }
}

TEST(ReportSchema, ToJsonOutputValidates) {
  SchemaChecker checker(LoadSchema());
  for (const RunResult& run : {testing::SampleRun(), testing::HostileRun(), RunResult{}}) {
    json j = json::parse(RenderJson(run));
    std::vector<std::string> errors = checker.Check(j);
    EXPECT_TRUE(errors.empty()) << errors.front();
  }
}

TEST(ReportSchema, RequiresEveryKeyToJsonWritesAndRejectsBadValues) {
  json schema = LoadSchema();
  SchemaChecker checker(schema);
  json j = ToJson(testing::SampleRun());
  // The schema and ToJson list the same keys at each level.
  auto keys = [](const json& o) {
    std::vector<std::string> k;
    for (auto it = o.begin(); it != o.end(); ++it) k.push_back(it.key());
    std::sort(k.begin(), k.end());
    return k;
  };
  auto required = [](const json& s) {
    std::vector<std::string> k = s["required"].get<std::vector<std::string>>();
    std::sort(k.begin(), k.end());
    return k;
  };
  EXPECT_EQ(keys(j), required(schema));
  EXPECT_EQ(keys(j["cases"][1]), required(schema["$defs"]["case"]));
  EXPECT_EQ(keys(j["cases"][1]["steps"][0]), required(schema["$defs"]["step"]));
  EXPECT_EQ(keys(j["cases"][1]["messages"][0]), required(schema["$defs"]["wire_message"]));
  EXPECT_EQ(keys(j["requirements"][0]), required(schema["$defs"]["requirement"]));
  EXPECT_EQ(keys(j["totals"]), required(schema["$defs"]["totals"]));

  j["cases"][0]["verdict"] = "MAYBE";
  j["cases"][1]["extra"] = 1;
  j["totals"].erase("cases");
  std::vector<std::string> errors = checker.Check(j);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].find("/cases/0/verdict"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace lwm2m::report
