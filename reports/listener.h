// The event stream of a run. Report writers and the console are listeners (STYLE.md #12):
// the engine calls them in this order: OnRunStart, then per case OnCaseStart, OnStep*, OnCaseEnd,
// then OnRunEnd (also after an interrupt, with run.interrupted set). Calls come from one thread.
#pragma once

#include "reports/report_model.h"

namespace lwm2m::report {

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void OnRunStart(const RunResult& /*run*/) {}
  virtual void OnCaseStart(const CaseResult& /*c*/) {}
  virtual void OnStep(const CaseResult& /*c*/, const StepResult& /*s*/) {}
  virtual void OnCaseEnd(const CaseResult& /*c*/) {}
  virtual void OnRunEnd(const RunResult& /*run*/) {}
};

}  // namespace lwm2m::report
