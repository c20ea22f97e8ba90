// summary.md for CI job summaries (GitHub $GITHUB_STEP_SUMMARY, GitLab): the outcome in one
// line, totals, every case that did not pass with file:line and expected/actual, stale
// expectations, and requirement totals per area.
//   MarkdownWriter w(out / "summary.md");   std::string md = RenderMarkdown(run);
#pragma once

#include <string>

#include "reports/file_writer.h"

namespace lwm2m::report {

std::string RenderMarkdown(const RunResult& run);

class MarkdownWriter : public FileReportWriter {
 public:
  explicit MarkdownWriter(std::filesystem::path path) : FileReportWriter(std::move(path), &RenderMarkdown) {}
};

}  // namespace lwm2m::report
