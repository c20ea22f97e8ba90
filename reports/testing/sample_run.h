// Sample runs for the report tests and the screenshot program: SampleRun() has every verdict,
// an expected failure, a stale expectation, requirements in two areas and a message sequence
// with one highlighted message; HostileRun() puts markup breakers and control bytes everywhere.
#pragma once

#include "reports/report_model.h"

namespace lwm2m::report::testing {

RunResult SampleRun();
RunResult HostileRun();
// A hostile string: "</script><script>alert(1)</script> ]]> \x01\x1b[31m \xff & \"'".
std::string HostileString();

}  // namespace lwm2m::report::testing
