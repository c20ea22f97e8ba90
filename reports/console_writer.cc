// Console writer (see console_writer.h).
#include "reports/console_writer.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "reports/text.h"

namespace lwm2m::report {

namespace {

const char* ColorOf(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "\033[32m";
    case Verdict::kFail: return "\033[1;31m";
    case Verdict::kTimeout: return "\033[1;33m";
    case Verdict::kError: return "\033[1;35m";
    case Verdict::kInconclusive: return "\033[33m";
    case Verdict::kUnsupported: return "\033[2m";
  }
  return "";
}

std::string Paint(const std::string& text, const char* color, bool on) {
  return on ? std::string(color) + text + "\033[0m" : text;
}

}  // namespace

bool ColorWanted(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(fd) == 1;
}

ConsoleOptions ConsoleOptions::ForStdio() {
  ConsoleOptions o;
  o.out = &std::cout;
  o.progress = &std::cerr;
  o.color = ColorWanted(STDOUT_FILENO);
  o.progress_is_terminal = isatty(STDERR_FILENO) == 1;
  return o;
}

std::string RenderConsoleCase(const CaseResult& c, bool color) {
  std::string verdict = fmt::format("{:<12}", VerdictName(c.verdict));
  std::string line = Paint(verdict, ColorOf(c.verdict), color) + " " + CleanText(c.id);
  if (!c.ets.empty()) line += " [" + CleanText(c.ets) + "]";
  line += "  " + FormatSeconds(c.duration_s);
  if (c.expected_failure && IsFailure(c.verdict)) line += "  (expected failure)";
  if (c.stale_expectation) line += Paint("  STALE: listed as an expected failure but passed", "\033[1;31m", color);
  if (c.verdict == Verdict::kUnsupported && !c.reason.empty()) line += "  " + CleanText(c.reason);
  line += "\n";
  if (IsFailure(c.verdict) || c.verdict == Verdict::kInconclusive) {
    std::string details = CleanText(FailureDetails(c));
    size_t start = 0;
    while (start < details.size()) {
      size_t end = details.find('\n', start);
      if (end == std::string::npos) end = details.size();
      line += "             " + details.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  return line;
}

std::string RenderConsoleSummary(const RunResult& r, bool color) {
  RunResult run = r;
  ComputeTotals(run);
  const Totals& t = run.totals;
  int code = ExitCode(run);
  std::string out = fmt::format("{} cases: {} PASS, {} FAIL, {} TIMEOUT, {} ERROR, {} INCONCLUSIVE, {} UNSUPPORTED",
                                t.cases, t.passed, t.failed, t.timeouts, t.errors, t.inconclusive, t.unsupported);
  if (t.expected_failures) out += fmt::format(" ({} expected failures)", t.expected_failures);
  if (t.stale_expectations) out += fmt::format(", {} stale expectations", t.stale_expectations);
  out += " in " + FormatSeconds(run.duration_s) + ": ";
  std::string status = code == 0 ? "PASSED" : run.interrupted ? "INTERRUPTED" : "FAILED";
  out += Paint(status, code == 0 ? "\033[1;32m" : "\033[1;31m", color);
  if (run.interrupted && !run.interrupt_reason.empty()) out += " (" + CleanText(run.interrupt_reason) + ")";
  out += "\n";
  if (t.requirements) {
    out += fmt::format("requirements: {} of {} tested, {} PASS, {} FAIL, {} NOT TESTED\n", t.requirements_tested,
                       t.requirements, t.requirements_passed, t.requirements_failed,
                       t.requirements - t.requirements_tested);
  }
  return out;
}

std::string RenderConsole(const RunResult& run, bool color) {
  std::string out;
  for (const CaseResult& c : run.cases) out += RenderConsoleCase(c, color);
  return out + RenderConsoleSummary(run, color);
}

void ConsoleWriter::OnRunStart(const RunResult& run) {
  total_ = run.cases.size();
  started_ = 0;
}

void ConsoleWriter::ClearProgress() {
  if (progress_shown_ && options_.progress) {
    *options_.progress << "\r\033[K" << std::flush;
    progress_shown_ = false;
  }
}

void ConsoleWriter::OnCaseStart(const CaseResult& c) {
  ++started_;
  if (!options_.progress) return;
  std::string count = total_ ? fmt::format("[{}/{}]", started_, total_) : fmt::format("[{}]", started_);
  if (options_.progress_is_terminal) {
    *options_.progress << "\r\033[K" << count << " " << CleanText(c.id) << " ..." << std::flush;
    progress_shown_ = true;
  } else {
    *options_.progress << count << " " << CleanText(c.id) << "\n" << std::flush;
  }
}

void ConsoleWriter::OnCaseEnd(const CaseResult& c) {
  ClearProgress();
  if (options_.out) *options_.out << RenderConsoleCase(c, options_.color) << std::flush;
}

void ConsoleWriter::OnRunEnd(const RunResult& run) {
  ClearProgress();
  if (options_.out) *options_.out << RenderConsoleSummary(run, options_.color) << std::flush;
}

}  // namespace lwm2m::report
