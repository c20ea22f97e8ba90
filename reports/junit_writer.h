// junit.xml for CI systems (GitLab, Jenkins, GitHub test reporters): one <testsuite> per area,
// one <testcase> per case (classname = area), requirement labels and the ETS id as
// <properties>; FAIL/TIMEOUT -> <failure type=VERDICT>, ERROR -> <error>; UNSUPPORTED,
// INCONCLUSIVE and expected failures -> <skipped message=...> (none of them is a pass).
//   JunitWriter w(out / "junit.xml");   std::string xml = RenderJunit(run);
#pragma once

#include <string>

#include "reports/file_writer.h"

namespace lwm2m::report {

std::string RenderJunit(const RunResult& run);

class JunitWriter : public FileReportWriter {
 public:
  explicit JunitWriter(std::filesystem::path path) : FileReportWriter(std::move(path), &RenderJunit) {}
};

}  // namespace lwm2m::report
