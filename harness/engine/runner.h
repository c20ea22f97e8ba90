// runner.h: runs cases against an IUT and judges them (DESIGN.md "One run, as data flows"): ICS
// check, fresh loopback ports, the tester (reference Lwm2mServer for a client IUT, a CoAP tester
// client for a server IUT) behind the recording relay, the IUT launched per case, steps with
// bounded waits scaled by time_scale, verdict = worst step, evidence (frames, expected/actual,
// file:line), one folder per case (capture.pcapng, iut.log, steps.json).
//   Runner r(driver, {.out_dir = "reports/out", .time_scale = 0.5});
//   report::CaseResult c = r.RunCase(kase);      // c.verdict, c.reason, c.steps
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/engine/case.h"
#include "harness/engine/iut_driver.h"
#include "reports/listener.h"
#include "reports/report_model.h"

namespace lwm2m::engine {

struct RunOptions {
  std::string out_dir;          // "" : no per-case folders or captures
  double time_scale = 1.0;      // multiplies every `within:`
  uint64_t seed = 0;            // for seeded wire faults
  std::vector<std::string> faults;  // IUT faults switched on for every case (--fault)
  int jobs = 1;                 // parallel cases when the IUT launches per case
  std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM: the current case ends, the run stops
  bool record = true;           // capture.pcapng per case (needs lwm2m_wire)
  bool relay = true;            // put the recording/fault relay between IUT and tester (needs lwm2m_wire)
  // --expect-failures: case id -> reason. A listed case that fails is an expected failure; one
  // that passes is a stale expectation (the list is out of date).
  std::map<std::string, std::string> expected_failures;
};

class Runner {
 public:
  Runner(IutDriver& driver, RunOptions options) : driver_(driver), options_(std::move(options)) {}
  // One case; extra_faults are added to the options' faults (a mutant).
  report::CaseResult RunCase(const Case& c, const std::vector<std::string>& extra_faults = {},
                             const std::string& folder_suffix = "");
  // Every case, in order (or `jobs` at a time), feeding listeners from this thread: OnRunStart,
  // then per case OnCaseStart/OnStep/OnCaseEnd. The caller finishes the result (requirements)
  // and calls OnRunEnd.
  report::RunResult RunAll(const std::vector<Case>& cases, const std::vector<report::Listener*>& listeners,
                           report::RunResult base);

  // The worst of the step verdicts (DESIGN.md: a case's verdict is the worst of its steps).
  static report::Verdict Fold(const std::vector<report::StepResult>& steps);

 private:
  IutDriver& driver_;
  RunOptions options_;
};




}  // namespace lwm2m::engine
