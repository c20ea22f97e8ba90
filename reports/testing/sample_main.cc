// reports_sample OUT_DIR: writes the reports of testing::SampleRun() into OUT_DIR (used by the
// screenshot test and handy to look at the formats).
#include <iostream>

#include "reports/report_set.h"
#include "reports/testing/sample_run.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: reports_sample OUT_DIR\n";
    return 2;
  }
  lwm2m::report::ReportSetOptions options;
  options.out_dir = argv[1];
  lwm2m::Status s = lwm2m::report::WriteReports(lwm2m::report::Finalize(lwm2m::report::testing::SampleRun()), options);
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  std::cout << options.out_dir.string() << "/report.html\n";
  return 0;
}
