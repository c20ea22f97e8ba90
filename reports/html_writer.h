// report.html: one self-contained file (inline CSS and SVG, no script, no external resource),
// readable with JavaScript disabled: summary, requirement matrix by area, case index, and per
// case a message sequence diagram (inline SVG from CaseResult::messages, the highlighted
// message in red), a step timeline with expected/actual, and links to the case's evidence.
//   HtmlWriter w(out / "report.html");   std::string html = RenderHtml(run);
#pragma once

#include <string>

#include "reports/file_writer.h"

namespace lwm2m::report {

std::string RenderHtml(const RunResult& run);

// The sequence diagram of one case alone (an <svg> element, or "" when there are no messages):
// one <g class="msg"> per message, class "msg hl" for highlighted ones.
std::string RenderSequenceSvg(const CaseResult& c);

class HtmlWriter : public FileReportWriter {
 public:
  explicit HtmlWriter(std::filesystem::path path) : FileReportWriter(std::move(path), &RenderHtml) {}
};

}  // namespace lwm2m::report
