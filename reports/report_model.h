// The canonical result of a harness run: verdicts, step evidence, requirement verdicts.
// report.json is exactly this model serialised (schema: reports/schema/report.schema.json);
// every other report (HTML, JUnit, Markdown, console) is rendered from it or from the event
// stream in listener.h. Example:
//   RunResult run = *RunResultFromJson(nlohmann::json::parse(text));
//   for (const CaseResult& c : run.cases) if (IsFailure(c.verdict)) ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lwm2m/result.h"

namespace lwm2m::report {

// Closed verdict set (DESIGN.md "Verdicts"). Ordered by severity: a case's verdict is the
// worst (highest) of its steps' verdicts. UNSUPPORTED is decided before any step runs.
enum class Verdict : uint8_t { kPass, kUnsupported, kInconclusive, kFail, kTimeout, kError };
const char* VerdictName(Verdict v);                 // "PASS", "UNSUPPORTED", ...
std::optional<Verdict> ParseVerdict(std::string_view name);
bool IsFailure(Verdict v);                          // FAIL, TIMEOUT, ERROR
Verdict Worst(Verdict a, Verdict b);

// Requirement verdicts fold case verdicts (DESIGN.md "Requirements and scoring").
enum class RequirementVerdict : uint8_t { kNotTested, kPass, kFail };
const char* RequirementVerdictName(RequirementVerdict v);
// The one fold rule: FAIL if any case failed (IsFailure), PASS if at least one ran (not UNSUPPORTED)
// and all passed, NOT TESTED otherwise (INCONCLUSIVE without a failure is never PASS).
RequirementVerdict FoldCaseVerdicts(const std::vector<Verdict>& verdicts);  // "NOT TESTED", "PASS", "FAIL"
std::optional<RequirementVerdict> ParseRequirementVerdict(std::string_view name);

// report.json "format_version"; bumped when a field is added (the schema is closed).
inline constexpr int kReportFormatVersion = 1;

// One message on the wire as the sequence diagram draws it.
struct WireMessage {
  double t_s = 0;            // seconds since the case started
  std::string from, to;      // "IUT" / "tester" (or an address)
  std::string summary;       // "CON POST /rd?ep=demo&lt=30 [Register]" / "ACK 2.01 Location /rd/5"
  uint32_t frame = 0;        // frame number in the case's capture.pcapng (1-based, 0 unknown)
  bool highlight = false;    // the message a failing step is about
  friend bool operator==(const WireMessage&, const WireMessage&) = default;
};

struct StepResult {
  int index = 0;               // 1-based within the case
  std::string title;           // "expect register", "send read /3/0"
  std::string file;            // case file, relative to the run's working directory
  int line = 0;                // line of the step in the case file
  Verdict verdict = Verdict::kPass;
  std::string message;         // one line: what happened
  std::string expected, actual;  // filled for checks that failed (and where useful for PASS)
  std::vector<uint32_t> frames;  // evidence frames in capture.pcapng
  double start_s = 0, end_s = 0;  // relative to the case start
  friend bool operator==(const StepResult&, const StepResult&) = default;
};

struct CaseResult {
  std::string id;
  std::string ets;                        // official ETS id or ""
  std::string file;
  std::string summary;
  std::string area;                       // folder: registration, bootstrap, ...
  std::string iut_role;                   // client | server | bootstrap-server
  std::vector<std::string> requirements;  // labels
  Verdict verdict = Verdict::kPass;
  std::string reason;                     // first failure message / missing ICS feature / awaited event
  std::vector<StepResult> steps;
  std::vector<WireMessage> messages;
  double duration_s = 0;
  double wait_s = 0;                      // time spent waiting on the IUT/protocol (for overhead)
  std::string capture;                    // relative path of capture.pcapng, "" if none
  std::string iut_log;                    // relative path of iut.log, "" if none
  std::string steps_json;                 // relative path of steps.json, "" if none
  bool expected_failure = false;          // listed in --expect-failures
  std::string expected_failure_reason;
  bool stale_expectation = false;         // listed, but passed: the list is out of date
  friend bool operator==(const CaseResult&, const CaseResult&) = default;
};

struct RequirementResult {
  std::string label;          // "LightweightM2M-REG-001"
  std::string table;          // table name in the requirements document
  std::string area;           // bootstrap, registration, ...
  std::string text;
  std::string ts_ref;         // "Core TS 1.2 §6.2.2"
  bool testable = true;
  std::string not_testable_reason;
  std::string discrepancy;    // requirements document vs TS, "" if none
  std::vector<std::string> cases;  // ids of the cases that claim it (in this run's selection)
  RequirementVerdict verdict = RequirementVerdict::kNotTested;
  friend bool operator==(const RequirementResult&, const RequirementResult&) = default;
};

struct Totals {
  int cases = 0, passed = 0, failed = 0, timeouts = 0, errors = 0, inconclusive = 0,
      unsupported = 0, expected_failures = 0, stale_expectations = 0;
  int requirements = 0, requirements_testable = 0, requirements_tested = 0,
      requirements_passed = 0, requirements_failed = 0;
  friend bool operator==(const Totals&, const Totals&) = default;
};

struct RunResult {
  std::string tool_version;
  std::string started_at, finished_at;  // RFC 3339 UTC
  double duration_s = 0;
  std::string iut_name, iut_role, iut_file;
  std::string command_line;
  uint64_t seed = 0;
  double time_scale = 1.0;
  bool interrupted = false;             // SIGINT/SIGTERM or the IUT died: the run is partial
  std::string interrupt_reason;
  std::vector<CaseResult> cases;
  std::vector<RequirementResult> requirements;
  Totals totals;                        // recomputed by ComputeTotals
  friend bool operator==(const RunResult&, const RunResult&) = default;
};

void ComputeTotals(RunResult& run);
// Exit status of a run (harness --help): 0 all passed or only expected failures, 1 failures.
int ExitCode(const RunResult& run);

nlohmann::json ToJson(const RunResult& run);
// Strict: unknown verdict names or wrong types give an error naming the JSON pointer.
Result<RunResult> RunResultFromJson(const nlohmann::json& j);

}  // namespace lwm2m::report
