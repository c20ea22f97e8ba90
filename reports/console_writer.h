// The console: one line per case on the results stream (stdout) as each case ends, with the
// evidence of failures indented below it, and a final summary line; progress ("[3/20] id")
// on the progress stream (stderr). Colour only when asked for: ColorWanted(fd) says yes for a
// terminal without NO_COLOR (https://no-color.org).
//   ConsoleWriter console(ConsoleOptions::ForStdio());  engine.AddListener(&console);
#pragma once

#include <iosfwd>
#include <string>

#include "reports/listener.h"

namespace lwm2m::report {

// True when `fd` is a terminal and NO_COLOR is unset or empty.
bool ColorWanted(int fd);

struct ConsoleOptions {
  std::ostream* out = nullptr;       // results; nullptr = none
  std::ostream* progress = nullptr;  // progress; nullptr = none
  bool color = false;                // ANSI colours on `out`
  bool progress_is_terminal = false; // rewrite one progress line in place instead of one per case
  // stdout for results, stderr for progress, colour and terminal detection from the fds.
  static ConsoleOptions ForStdio();
};

// The case line(s) of one case, as the console writes them (no trailing summary).
std::string RenderConsoleCase(const CaseResult& c, bool color);
// "12 cases: 10 PASS, 1 FAIL, ... in 3.21 s: FAILED (exit 1)" and the requirement line.
std::string RenderConsoleSummary(const RunResult& run, bool color);
// Every case line then the summary: the console view of a finished run (for `report`).
std::string RenderConsole(const RunResult& run, bool color);

class ConsoleWriter : public Listener {
 public:
  explicit ConsoleWriter(ConsoleOptions options) : options_(options) {}
  void OnRunStart(const RunResult& run) override;
  void OnCaseStart(const CaseResult& c) override;
  void OnCaseEnd(const CaseResult& c) override;
  void OnRunEnd(const RunResult& run) override;

 private:
  void ClearProgress();
  ConsoleOptions options_;
  size_t total_ = 0, started_ = 0;
  bool progress_shown_ = false;
};

}  // namespace lwm2m::report
