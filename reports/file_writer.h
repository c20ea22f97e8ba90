// The base of the file report writers: a Listener that renders the whole RunResult at
// OnRunEnd and writes it atomically. Each format (json_writer.h, junit_writer.h, ...) is a
// Render function plus a one-line subclass; report_set.h lists the formats. Example:
//   JunitWriter junit(out / "junit.xml");  engine.AddListener(&junit);
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "lwm2m/result.h"
#include "reports/listener.h"
#include "reports/report_model.h"

namespace lwm2m::report {

using RenderFn = std::string (*)(const RunResult&);

class FileReportWriter : public Listener {
 public:
  FileReportWriter(std::filesystem::path path, RenderFn render) : path_(std::move(path)), render_(render) {}
  void OnRunEnd(const RunResult& run) override { status_ = Write(run); }
  // Renders `run` and replaces the file atomically; also what OnRunEnd does.
  Status Write(const RunResult& run) const;
  const std::filesystem::path& path() const { return path_; }
  const Status& status() const { return status_; }  // of the last OnRunEnd

 private:
  std::filesystem::path path_;
  RenderFn render_;
  Status status_;
};

}  // namespace lwm2m::report
