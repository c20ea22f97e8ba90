// report.json: the canonical result (report_model.h serialised; schema/report.schema.json),
// pretty-printed with two spaces; bytes that are not UTF-8 are replaced, never thrown on.
//   std::string text = RenderJson(run);   JsonWriter w(out / "report.json");
#pragma once

#include <string>

#include "reports/file_writer.h"

namespace lwm2m::report {

std::string RenderJson(const RunResult& run);

class JsonWriter : public FileReportWriter {
 public:
  explicit JsonWriter(std::filesystem::path path) : FileReportWriter(std::move(path), &RenderJson) {}
};

}  // namespace lwm2m::report
