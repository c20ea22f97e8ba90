// ReportSet and the format registry (see report_set.h).
#include "reports/report_set.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "reports/html_writer.h"
#include "reports/json_writer.h"
#include "reports/junit_writer.h"
#include "reports/markdown_writer.h"
#include "reports/merge.h"
#include "reports/write_atomic.h"

namespace lwm2m::report {

const std::vector<ReportFormat>& ReportFormats() {
  static const std::vector<ReportFormat> kFormats = {
      {"json", "report.json", &RenderJson},
      {"junit", "junit.xml", &RenderJunit},
      {"html", "report.html", &RenderHtml},
      {"markdown", "summary.md", &RenderMarkdown},
  };
  return kFormats;
}

Status WriteReports(const RunResult& run, const ReportSetOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return InternalError(options.out_dir.string() + ": cannot create the report folder: " + ec.message());
  Status first;
  for (const std::string& name : options.formats) {
    const ReportFormat* format = nullptr;
    for (const ReportFormat& f : ReportFormats()) {
      if (name == f.name) format = &f;
    }
    if (!format) {
      if (first.ok()) first = BadRequest("unknown report format \"" + name + "\" (json, junit, html, markdown)");
      continue;
    }
    Status s = WriteFileAtomic(options.out_dir / format->file_name, format->render(run), options.sync);
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

RunResult Finalize(const RunResult& run) {
  RunResult copy = run;
  FoldRequirements(copy);
  ComputeTotals(copy);
  return copy;
}

Status ReportSet::Write(const RunResult& run, bool sync) {
  ReportSetOptions options = options_;
  options.sync = options_.sync && sync;
  status_ = WriteReports(Finalize(run), options);
  return status_;
}

void ReportSet::OnRunStart(const RunResult& run) {
  snapshot_ = run;
  snapshot_.cases.clear();
}

namespace {
double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
}  // namespace

void ReportSet::OnCaseEnd(const CaseResult& c) {
  snapshot_.cases.push_back(c);
  if (!options_.checkpoint_each_case) return;
  double start = Now();
  if (options_.checkpoint_interval_s > 0 && start < next_checkpoint_) return;
  RunResult partial = snapshot_;
  partial.interrupted = true;
  partial.interrupt_reason = "run in progress: checkpoint after " + std::to_string(snapshot_.cases.size()) +
                             " cases (the harness did not finish if this remains)";
  Write(partial, /*sync=*/false);
  double end = Now();
  next_checkpoint_ = end + std::max(options_.checkpoint_interval_s, 9 * (end - start));
}

void ReportSet::OnRunEnd(const RunResult& run) { Write(run, /*sync=*/true); }

Status ReportSet::Flush(const RunResult& run) {
  RunResult r = run.cases.size() >= snapshot_.cases.size() ? run : [&] {
    RunResult merged = run;
    merged.cases = snapshot_.cases;
    return merged;
  }();
  r.interrupted = true;
  if (r.interrupt_reason.empty()) r.interrupt_reason = "interrupted";
  return Write(r, /*sync=*/true);
}

Status ReportSet::Flush(std::string reason) {
  RunResult r = snapshot_;
  r.interrupted = true;
  r.interrupt_reason = std::move(reason);
  return Write(r, /*sync=*/true);
}

}  // namespace lwm2m::report
