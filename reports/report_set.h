// All file reports of a run in one listener: writes report.json, junit.xml, report.html and
// summary.md into the output folder at OnRunEnd, checkpoints them as cases end (so even a
// killed harness leaves valid, partial reports), and offers Flush() for the engine's
// interrupt path. Before writing it folds requirements and recomputes totals on a copy.
//   ReportSet reports({.out_dir = "out"});  engine.AddListener(&reports);
//   ... on SIGINT: run.interrupted = true; reports.Flush(run);
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lwm2m/result.h"
#include "reports/file_writer.h"
#include "reports/listener.h"

namespace lwm2m::report {

// The registry of file formats: a new format is a writer file and one line in ReportFormats().
struct ReportFormat {
  const char* name;       // "json", "junit", "html", "markdown"
  const char* file_name;  // "report.json", ...
  RenderFn render;
};
const std::vector<ReportFormat>& ReportFormats();

struct ReportSetOptions {
  std::filesystem::path out_dir;
  std::vector<std::string> formats = {"json", "junit", "html", "markdown"};  // names from ReportFormats()
  bool checkpoint_each_case = true;  // rewrite the reports after a case ends, marked partial,
  // at most once per interval and never more often than 9x the last checkpoint's cost (so the
  // O(cases) rewrite stays under ~10% of the run); 0 = after every case.
  double checkpoint_interval_s = 1.0;
  bool sync = true;                  // fsync final reports (checkpoints never are)
};

// Writes the selected formats of `run` as-is (no fold; `lwm2m-harness report` and Flush use it
// after Finalize). Creates out_dir. The first error wins, the other files are still written.
Status WriteReports(const RunResult& run, const ReportSetOptions& options);

// FoldRequirements + ComputeTotals on a copy: what ReportSet writes.
RunResult Finalize(const RunResult& run);

class ReportSet : public Listener {
 public:
  explicit ReportSet(ReportSetOptions options) : options_(std::move(options)) {}
  void OnRunStart(const RunResult& run) override;
  void OnCaseEnd(const CaseResult& c) override;
  void OnRunEnd(const RunResult& run) override;

  // From the engine's interrupt path (SIGINT/SIGTERM seen, or the IUT died), on the engine's
  // thread, not inside a signal handler: writes `run` marked interrupted. When `run` holds
  // fewer cases than the events delivered, the cases seen through OnCaseEnd are used instead.
  Status Flush(const RunResult& run);
  // The same from the events alone (the header of OnRunStart and every OnCaseEnd case).
  Status Flush(std::string reason = "interrupted");

  const Status& status() const { return status_; }  // of the last write
  const RunResult& snapshot() const { return snapshot_; }

 private:
  Status Write(const RunResult& run, bool sync);
  ReportSetOptions options_;
  RunResult snapshot_;
  Status status_;
  double next_checkpoint_ = 0;  // steady-clock seconds

};

}  // namespace lwm2m::report
